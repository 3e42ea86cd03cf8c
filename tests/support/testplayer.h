// A game client for tests: a real QWebSocket that records every message and how it closed.
// Waits are bounded (QTRY-style, on the event loop), never sleeps.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

namespace pairmatch::test {

// Whether this test program runs on the server's EpollDispatcher (PAIRMATCH_TEST_DISPATCHER).
bool runsOnEpollDispatcher();

class TestPlayer final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTimeoutMs = 5000;

    explicit TestPlayer(QObject *parent = nullptr);
    ~TestPlayer() override;

    // Opens the WebSocket; true once connected.
    bool open(const QUrl &url, int timeoutMs = kTimeoutMs);
    // Opens and expects a refusal at the handshake; returns the HTTP status, or 0 if it opened.
    int openExpectingRefusal(const QUrl &url, int timeoutMs = kTimeoutMs);

    void send(const QJsonObject &message);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);

    // protocol shorthands
    void entry(const QString &userId, const QJsonObject &extra = {});
    void prepared(const QString &userId, const QString &token, const QJsonObject &extra = {});
    void game(const QJsonValue &data);
    void end();
    static QJsonObject user(const QString &userId, const QJsonObject &extra = {});

    // The next message not yet taken, waiting up to timeoutMs; an empty object on timeout.
    QJsonObject next(int timeoutMs = kTimeoutMs);
    // Takes the next message and checks its command (and error code, for "error").
    // On mismatch it records why in lastMismatch() and returns false.
    bool expect(const QString &command, QJsonObject *message = nullptr, int timeoutMs = kTimeoutMs);
    bool expectError(const QString &code, int timeoutMs = kTimeoutMs);
    QString lastMismatch() const { return m_mismatch; }

    // Round trip through the server: everything it sent before now has arrived afterwards.
    // (Sends an unknown command and waits for its unknown_command error, which it drops.)
    bool sync(int timeoutMs = kTimeoutMs);
    qsizetype pendingCount() const { return m_received.size() - m_taken; }
    QList<QJsonObject> takeAll();

    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool waitClosed(int timeoutMs = kTimeoutMs);
    bool isClosed() const { return m_closed; }
    // The close code and reason the server sent (after waitClosed()).
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

    void close(QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal);
    void abort();
    QWebSocket &socket() { return m_socket; }

private:
    void onText(const QString &text);

    QWebSocket m_socket;
    QList<QJsonObject> m_received;
    qsizetype m_taken = 0;
    QList<QString> m_raw;
    bool m_closed = false;
    int m_closeCode = -1;
    QString m_closeReason;
    QString m_mismatch;
    int m_syncs = 0;
    int m_syncPending = 0;
};

// How the server names this player's connection (the `remote` of its session):
// 127.0.0.1:<the player's local port>.
QString remoteOf(TestPlayer &player);

} // namespace pairmatch::test
