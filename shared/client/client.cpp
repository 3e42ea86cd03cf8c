#include <pairmatch/client.h>

#include "closecodes.h"

#include <QJsonDocument>
#include <QSslConfiguration>
#include <QTimer>
#include <QTimerEvent>
#include <QWebSocket>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxReconnectDelayMs = 4000;
constexpr int kCloseLingerMs = 3000; // a closing connection the server does not answer: cut

// Whether a state belongs to a live round or queue, that a drop should not end.
bool isLive(Client::State state)
{
    switch (state) {
    case Client::State::Entering:
    case Client::State::Queued:
    case Client::State::Joining:
    case Client::State::Waiting:
    case Client::State::Playing:
    case Client::State::Reconnecting:
        return true;
    default:
        return false;
    }
}

QJsonObject opponentIn(const QJsonArray &users, const QString &myId)
{
    for (const QJsonValue &u : users) {
        const QJsonObject user = u.toObject();
        if (user.value("userId"_L1).toString() != myId)
            return user;
    }
    return {};
}

} // namespace

QJsonObject Seat::opponent() const
{
    return opponentIn(users, userId());
}

QJsonObject Seat::toJson() const
{
    return {{u"server"_s, server.toString()}, {u"type"_s, type}, {u"seed"_s, seed},
        {u"pairId"_s, pairId}, {u"token"_s, token}, {u"user"_s, user}, {u"users"_s, users},
        {u"lastSeq"_s, lastSeq}};
}

Seat Seat::fromJson(const QJsonObject &o)
{
    Seat s;
    s.server = QUrl(o.value("server"_L1).toString());
    s.type = qint32(o.value("type"_L1).toInteger());
    s.seed = o.value("seed"_L1).toInt();
    s.pairId = o.value("pairId"_L1).toString();
    s.token = o.value("token"_L1).toString();
    s.user = o.value("user"_L1).toObject();
    s.users = o.value("users"_L1).toArray();
    s.lastSeq = o.value("lastSeq"_L1).toInteger();
    return s;
}

Client::Client(const QUrl &server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{ }

Client::~Client()
{
    m_reconnectTimer.stop();
    m_openTimer.stop();
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        if (m_socket->state() == QAbstractSocket::ConnectedState) {
            m_socket->close(QWebSocketProtocol::CloseCodeNormal);
            m_socket->flush();
        }
    }
    // the sockets are children: they go with the client
}

void Client::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_ssl = std::make_unique<QSslConfiguration>(configuration);
}

void Client::setReconnect(int attempts, int firstDelayMs)
{
    m_maxAttempts = qMax(0, attempts);
    m_firstDelayMs = qMax(1, firstDelayMs);
}

QString Client::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_s;
    case State::Entering:
        return u"entering"_s;
    case State::Queued:
        return u"queued"_s;
    case State::Joining:
        return u"joining"_s;
    case State::Waiting:
        return u"waiting"_s;
    case State::Playing:
        return u"playing"_s;
    case State::Reconnecting:
        return u"reconnecting"_s;
    case State::Ended:
        return u"ended"_s;
    case State::Over:
        return u"over"_s;
    case State::Closed:
        return u"closed"_s;
    }
    return {};
}

bool Client::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

QJsonObject Client::opponent() const
{
    return opponentIn(m_startUsers.isEmpty() ? m_seat.users : m_startUsers, userId());
}

void Client::enter(qint32 type, const QJsonObject &user)
{
    m_reconnectTimer.stop();
    m_user = user;
    m_seat = Seat {};
    m_startUsers = {};
    m_started = false;
    m_resuming = false;
    m_moves = 0;
    m_attempt = 0;
    m_pendingMoves.clear();
    if (isOpen() && m_endpoint == Endpoint::Matching && m_type == type) {
        setState(State::Entering);
        sendMessage({{u"command"_s, u"entry"_s}, {u"user"_s, m_user}});
        return;
    }
    m_type = type;
    open(Endpoint::Matching);
}

void Client::enter(qint32 type, const QString &userId)
{
    enter(type, QJsonObject {{u"userId"_s, userId}});
}

void Client::cancel()
{
    sendMessage({{u"command"_s, u"cancel"_s}});
}

void Client::join(const Seat &seat)
{
    m_reconnectTimer.stop();
    m_seat = seat;
    if (!seat.user.isEmpty())
        m_user = seat.user;
    if (seat.server.isValid())
        m_server = seat.server;
    m_startUsers = {};
    m_started = false;
    m_resuming = false;
    m_moves = 0;
    m_attempt = 0;
    m_pendingMoves.clear();
    open(Endpoint::Round);
}

void Client::move(const QJsonValue &data)
{
    sendOrHold({{u"command"_s, u"game"_s}, {u"data"_s, data}});
}

void Client::end()
{
    sendOrHold({{u"command"_s, u"end"_s}});
}

void Client::sendOrHold(const QJsonObject &message)
{
    if (m_state == State::Reconnecting || (m_resuming && m_state == State::Joining)) {
        m_pendingMoves.append(message); // sent once the seat is back
        return;
    }
    sendMessage(message);
}

void Client::close()
{
    m_reconnectTimer.stop();
    m_openTimer.stop();
    m_pendingMoves.clear();
    dropSocket(QWebSocketProtocol::CloseCodeNormal);
    if (isLive(m_state) || m_state == State::Closed)
        setState(State::Idle);
}

void Client::sendText(const QString &text)
{
    if (isOpen())
        m_socket->sendTextMessage(text);
}

void Client::dropConnection()
{
    if (!m_socket)
        return;
    dropSocket(0);
    connectionLost(CloseCode::Abnormal, u"connection cut by the client"_s);
}

QUrl Client::endpointUrl(Endpoint endpoint) const
{
    QUrl url = m_server;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    path += endpoint == Endpoint::Matching ? u"/ws/matching/"_s + QString::number(m_type)
                                           : u"/ws/round/"_s + m_seat.pairId;
    url.setPath(path);
    return url;
}

void Client::open(Endpoint endpoint)
{
    dropSocket(QWebSocketProtocol::CloseCodeNormal);
    m_endpoint = endpoint;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    if (m_ssl)
        socket->setSslConfiguration(*m_ssl);
    connect(socket, &QWebSocket::connected, this, [this, socket] { onOpened(socket); });
    connect(socket, &QWebSocket::textMessageReceived, this,
        [this, socket](const QString &text) { onText(socket, text); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { onDisconnected(socket); });
    if (m_state != State::Reconnecting)
        setState(endpoint == Endpoint::Matching ? State::Entering : State::Joining);
    m_openTimer.start(m_openTimeoutMs, this);
    socket->open(endpointUrl(endpoint));
}

void Client::dropSocket(int code)
{
    QWebSocket *socket = m_socket;
    if (!socket)
        return;
    m_socket = nullptr;
    m_openTimer.stop();
    disconnect(socket, nullptr, this, nullptr);
    if (code == 0 || socket->state() != QAbstractSocket::ConnectedState) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    // A close handshake: the socket goes once the server answers, or is cut after a while.
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(kCloseLingerMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->close(QWebSocketProtocol::CloseCode(code));
}

void Client::sendMessage(const QJsonObject &message)
{
    if (isOpen())
        m_socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void Client::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Client::onOpened(QWebSocket *socket)
{
    if (socket != m_socket)
        return;
    m_openTimer.stop();
    if (m_endpoint == Endpoint::Matching) {
        if (m_state == State::Reconnecting)
            setState(State::Entering);
        sendMessage({{u"command"_s, u"entry"_s}, {u"user"_s, m_user}});
        return;
    }
    if (m_state == State::Reconnecting)
        setState(State::Joining);
    QJsonObject prepared {
        {u"command"_s, u"prepared"_s}, {u"user"_s, m_user}, {u"token"_s, m_seat.token}};
    // What this player saw last, so that a server that numbers moves sends what it missed.
    if ((m_resuming && m_serverNumbersMoves) || m_seat.lastSeq > 0)
        prepared.insert(u"lastSeq"_s, m_seat.lastSeq);
    sendMessage(prepared);
}

void Client::onText(QWebSocket *socket, const QString &text)
{
    if (socket != m_socket)
        return;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!document.isObject()) {
        qWarning("pairmatch::Client: the server sent something that is not a JSON object");
        return;
    }
    handle(document.object());
}

void Client::handle(const QJsonObject &message)
{
    Q_EMIT messageReceived(message);
    const QString command = message.value("command"_L1).toString();
    if (command == "game"_L1) {
        const qint64 seq = message.value("seq"_L1).toInteger(0);
        if (seq > 0) {
            m_serverNumbersMoves = true;
            if (seq <= m_seat.lastSeq)
                return; // replayed, and already seen
            m_seat.lastSeq = seq;
        }
        ++m_moves;
        Q_EMIT moved(message.value("userId"_L1).toString(), message.value("data"_L1));
        return;
    }
    if (command == "entried"_L1) {
        m_attempt = 0;
        setState(State::Queued);
        Q_EMIT queued();
    } else if (command == "cancelled"_L1) {
        setState(State::Idle);
        Q_EMIT cancelled();
    } else if (command == "prepare"_L1) {
        m_seat = Seat {};
        m_seat.server = m_server;
        m_seat.type = qint32(message.value("type"_L1).toInteger(m_type));
        m_seat.seed = message.value("seed"_L1).toInt();
        m_seat.pairId = message.value("pairId"_L1).toString();
        m_seat.token = message.value("token"_L1).toString();
        m_seat.user = m_user;
        m_seat.users = message.value("users"_L1).toArray();
        m_startUsers = {};
        m_started = false;
        m_serverNumbersMoves = false;
        m_moves = 0;
        if (m_autoJoin) {
            open(Endpoint::Round); // closes the matching connection
        } else {
            setState(State::Idle);
        }
        Q_EMIT matched(m_seat);
    } else if (command == "wait"_L1) {
        m_attempt = 0;
        setState(State::Waiting);
        if (std::exchange(m_resuming, false))
            Q_EMIT resumed();
        Q_EMIT waiting();
    } else if (command == "start"_L1) {
        m_attempt = 0;
        if (message.contains("seq"_L1))
            m_serverNumbersMoves = true;
        m_startUsers = message.value("users"_L1).toArray();
        setState(State::Playing);
        const bool again = m_started;
        m_started = true;
        if (std::exchange(m_resuming, false))
            Q_EMIT resumed();
        if (!again)
            Q_EMIT started(m_startUsers);
        const QList<QJsonObject> pending = std::exchange(m_pendingMoves, {});
        for (const QJsonObject &m : pending)
            sendMessage(m);
    } else if (command == "ended"_L1) {
        m_attempt = 0;
        m_pendingMoves.clear();
        setState(State::Ended);
        if (std::exchange(m_resuming, false))
            Q_EMIT resumed();
        Q_EMIT ended();
    } else if (command == "none"_L1) {
        m_pendingMoves.clear();
        setState(State::Over);
        Q_EMIT opponentLeft();
    } else if (command == "invalid"_L1) {
        m_pendingMoves.clear();
        setState(State::Over);
        Q_EMIT invalid();
    } else if (command == "away"_L1) {
        Q_EMIT opponentAway(message.value("userId"_L1).toString());
    } else if (command == "back"_L1) {
        Q_EMIT opponentBack(message.value("userId"_L1).toString());
    } else if (command == "error"_L1) {
        const QString code = message.value("code"_L1).toString();
        // A seat that cannot be taken (the pair is gone, or not ours): the round is over.
        if (m_state == State::Joining && (code == "unknown_pair"_L1 || code == "not_in_pair"_L1)) {
            m_resuming = false;
            m_pendingMoves.clear();
            dropSocket(QWebSocketProtocol::CloseCodeNormal);
            setState(State::Over);
        }
        Q_EMIT error(code, message.value("message"_L1).toString());
    }
}

void Client::onDisconnected(QWebSocket *socket)
{
    if (socket != m_socket)
        return;
    // A close frame from the server leaves no socket error behind; a connection that just
    // ended (or never opened) does.
    const bool dropped
        = socket->error() != QAbstractSocket::UnknownSocketError && socket->closeReason().isEmpty();
    const int code = dropped ? int(CloseCode::Abnormal) : int(socket->closeCode());
    const QString reason = dropped ? socket->errorString() : socket->closeReason();
    dropSocket(0);
    if (!dropped && code != CloseCode::GoingAway) {
        // The server closed on purpose: after `invalid` (1000), a kick, a takeover, a limit.
        m_lastCloseCode = code;
        m_lastCloseReason = reason;
        m_pendingMoves.clear();
        if (isLive(m_state))
            setState(State::Closed);
        Q_EMIT disconnected(code, reason);
        return;
    }
    connectionLost(code, reason);
}

void Client::connectionLost(int code, const QString &reason)
{
    m_lastCloseCode = code;
    m_lastCloseReason = reason;
    if (!isLive(m_state)) {
        Q_EMIT disconnected(code, reason);
        return;
    }
    if (m_state != State::Reconnecting)
        m_stateBeforeDrop = m_state;
    if (m_attempt >= m_maxAttempts) {
        m_pendingMoves.clear();
        setState(State::Closed);
        Q_EMIT disconnected(code, reason);
        return;
    }
    ++m_attempt;
    const int delay = qMin(kMaxReconnectDelayMs, m_firstDelayMs << qMin(m_attempt - 1, 12));
    setState(State::Reconnecting);
    Q_EMIT disconnected(code, reason);
    Q_EMIT reconnecting(m_attempt, delay);
    m_reconnectTimer.start(delay, this);
}

void Client::reconnectNow()
{
    switch (m_stateBeforeDrop) {
    case State::Entering:
    case State::Queued:
        open(Endpoint::Matching);
        break;
    default:
        m_resuming = true;
        open(Endpoint::Round);
        break;
    }
}

void Client::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_reconnectTimer.timerId()) {
        m_reconnectTimer.stop();
        reconnectNow();
    } else if (event->timerId() == m_openTimer.timerId()) {
        m_openTimer.stop();
        dropSocket(0);
        connectionLost(CloseCode::Abnormal, u"not open within %1 ms"_s.arg(m_openTimeoutMs));
    } else {
        QObject::timerEvent(event);
    }
}

} // namespace pairmatch
