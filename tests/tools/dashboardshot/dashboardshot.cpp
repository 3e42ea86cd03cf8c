// dashboardshot: takes docs/dashboard.png. It runs a real server and the real dashboard in
// one process (as `pairmatch` does), drives live traffic into it through real WebSocket
// clients (players matching, playing, ending, leaving, one never arriving, one spamming,
// one taken over, one kicked), lets the chart fill for a while, then grabs the window.
// Run it through docs/make-screenshot.sh (under Xvfb).
//
//   dashboardshot OUTPUT.png [SECONDS]
#include "feedpublisher.h"
#include "inprocessfeed.h"
#include "mainwindow.h"
#include "playerlistener.h"
#include "servercore.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTableView>
#include <QTimer>
#include <QWebSocket>

#include <cstdio>
#include <memory>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// A scripted player: matching, then a round of `moves` moves, then again.
class Bot final : public QObject
{
public:
    enum class Style { Normal, NeverArrives, LeavesMidway, Spammer };

    Bot(QString base, QString userId, int type, Style style, QObject *parent)
        : QObject(parent)
        , m_base(std::move(base))
        , m_userId(std::move(userId))
        , m_type(type)
        , m_style(style)
    {
        m_moveTimer.callOnTimeout(this, [this] { move(); });
        startMatching();
    }

    QString userId() const { return m_userId; }

private:
    void startMatching()
    {
        m_matching = std::make_unique<QWebSocket>();
        connect(m_matching.get(), &QWebSocket::connected, this, [this] {
            const QJsonObject user {{u"userId"_s, m_userId},
                {u"rating"_s, 1000 + int(QRandomGenerator::global()->bounded(900))}};
            m_matching->sendTextMessage(json({{u"command"_s, u"entry"_s}, {u"user"_s, user}}));
        });
        connect(m_matching.get(), &QWebSocket::textMessageReceived, this, [this](const QString &t) {
            const QJsonObject m = QJsonDocument::fromJson(t.toUtf8()).object();
            if (m[u"command"_s].toString() != "prepare"_L1)
                return;
            m_pairId = m[u"pairId"_s].toString();
            m_token = m[u"token"_s].toString();
            m_matching->close();
            if (m_style == Style::NeverArrives) {
                QTimer::singleShot(15'000, this, [this] { startMatching(); });
                return;
            }
            QTimer::singleShot(200 + int(QRandomGenerator::global()->bounded(800)), this,
                [this] { startRound(); });
        });
        m_matching->open(QUrl(m_base + u"/ws/matching/"_s + QString::number(m_type)));
    }

    void startRound()
    {
        m_round = std::make_unique<QWebSocket>();
        connect(m_round.get(), &QWebSocket::connected, this, [this] {
            m_round->sendTextMessage(json({{u"command"_s, u"prepared"_s},
                {u"user"_s, QJsonObject {{u"userId"_s, m_userId}}}, {u"token"_s, m_token}}));
        });
        connect(m_round.get(), &QWebSocket::textMessageReceived, this, [this](const QString &t) {
            const QString command
                = QJsonDocument::fromJson(t.toUtf8()).object()[u"command"_s].toString();
            if (command == "start"_L1) {
                m_moves = 20 + int(QRandomGenerator::global()->bounded(60));
                m_moveTimer.start(m_style == Style::Spammer
                        ? 5
                        : 150 + int(QRandomGenerator::global()->bounded(250)));
            } else if (command == "ended"_L1 || command == "none"_L1 || command == "invalid"_L1
                || command == "error"_L1) {
                finish();
            }
        });
        connect(m_round.get(), &QWebSocket::disconnected, this, [this] {
            if (m_round)
                QTimer::singleShot(1000, this, [this] { finish(); });
        });
        m_round->open(QUrl(m_base + u"/ws/round/"_s + m_pairId));
    }

    void move()
    {
        if (!m_round || m_round->state() != QAbstractSocket::ConnectedState)
            return;
        if (m_style == Style::LeavesMidway && m_moves < 10) {
            m_moveTimer.stop();
            m_round->abort(); // the opponent gets none
            return;
        }
        if (--m_moves <= 0 && m_style != Style::Spammer) {
            m_moveTimer.stop();
            m_round->sendTextMessage(json({{u"command"_s, u"end"_s}}));
            return;
        }
        const QJsonObject data {
            {u"card"_s, int(QRandomGenerator::global()->bounded(52))}, {u"turn"_s, m_moves}};
        m_round->sendTextMessage(json({{u"command"_s, u"game"_s}, {u"data"_s, data}}));
    }

    void finish()
    {
        m_moveTimer.stop();
        if (!m_round)
            return;
        if (m_round->state() == QAbstractSocket::ConnectedState)
            m_round->close();
        m_round.release()->deleteLater();
        QTimer::singleShot(300 + int(QRandomGenerator::global()->bounded(1500)), this,
            [this] { startMatching(); });
    }

    QString m_base;
    QString m_userId;
    int m_type;
    Style m_style;
    QString m_pairId;
    QString m_token;
    int m_moves = 0;
    QTimer m_moveTimer;
    std::unique_ptr<QWebSocket> m_matching;
    std::unique_ptr<QWebSocket> m_round;
};

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: dashboardshot OUTPUT.png [SECONDS]\n");
        return 2;
    }
    const QString output = QString::fromLocal8Bit(argv[1]);
    const int seconds = argc > 2 ? QByteArray(argv[2]).toInt() : 75;

    ServerConfig config;
    config.port = 0;
    config.prepareTimeoutMs = 6000;
    config.rateLimit = 50;
    SteadyClock clock;
    ServerCore core(config, clock);
    const std::unique_ptr<WsServer> players = makePlayerListener(core, config);
    if (!players->listen()) {
        std::fprintf(stderr, "dashboardshot: %s\n", qPrintable(players->errorString()));
        return 1;
    }
    FeedPublisher publisher(core);
    InProcessFeed feed;
    feed.attach(&publisher);
    MainWindow window(&feed);
    window.setConfirm([](const QString &, const QString &) { return true; });
    window.resize(1400, 860);
    window.show();
    feed.start();

    const QString base = players->url();
    static const char *names[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace",
        "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent",
        "victor", "walter", "yolanda"};
    QObject bots; // gone before the application object
    int n = 0;
    for (const char *name : names) {
        const auto style = n == 3 ? Bot::Style::NeverArrives
            : n == 7              ? Bot::Style::LeavesMidway
            : n == 11             ? Bot::Style::Spammer
                                  : Bot::Style::Normal;
        new Bot(base, QString::fromLatin1(name), 1 + n % 4, style, &bots);
        ++n;
    }
    // a lone player of a rare type waits in its queue all along
    new Bot(base, u"zed"_s, 42, Bot::Style::Normal, &bots);

    // an operator kicks someone after a while, and a client sends a frame of garbage
    QTimer::singleShot(seconds * 1000 / 2, &app, [&] {
        const QModelIndex first = window.sessionView()->model()->index(0, 0);
        if (first.isValid()) {
            window.sessionView()->selectRow(0);
            window.kickSelectedSession();
        }
        auto *junk = new QWebSocket;
        QObject::connect(junk, &QWebSocket::connected, junk, [junk] {
            junk->sendTextMessage(u"{not json"_s);
            junk->sendTextMessage(u"{\"command\":\"dance\"}"_s);
        });
        junk->open(QUrl(base + u"/ws/matching/2"_s));
    });
    QTimer::singleShot(seconds * 1000, &app, [&] {
        window.pairView()->selectRow(0);
        const QPixmap shot = window.grab();
        if (!shot.save(output)) {
            std::fprintf(stderr, "dashboardshot: cannot write %s\n", qPrintable(output));
            QApplication::exit(1);
            return;
        }
        std::printf("wrote %s (%dx%d)\n", qPrintable(output), shot.width(), shot.height());
        QApplication::exit(0);
    });
    return QApplication::exec();
}
