// EpollDispatcher, installed as this program's event dispatcher: timers, socket notifiers,
// posted events, wake-ups from another thread, nested loops; each against what Qt's own
// dispatcher guarantees.
#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

// A connected pair of sockets, closed at the end of the scope.
struct SocketPair {
    int fds[2] = {-1, -1};
    SocketPair()
    {
        QVERIFY2(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0, "socketpair");
    }
    ~SocketPair()
    {
        for (int fd : fds) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    void writeByte(int side) { QCOMPARE(::write(fds[side], "x", 1), 1); }
    void drain(int side)
    {
        char buf[64];
        while (::read(fds[side], buf, sizeof buf) > 0) { }
    }
};

class Counter final : public QObject
{
public:
    int timerEvents = 0;
    int lastTimerId = 0;
    std::function<void(int)> onTimer;

protected:
    void timerEvent(QTimerEvent *event) override
    {
        ++timerEvents;
        lastTimerId = event->timerId();
        if (onTimer)
            onTimer(event->timerId());
    }
};

} // namespace

class TestEpollDispatcher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isInstalled();
    void singleShotTimersFireInDeadlineOrder();
    void repeatingTimerRepeatsUntilKilled();
    void timerKilledInItsOwnEvent();
    void timerKillsAnotherDueInTheSamePass();
    void zeroTimerFiresOnNextPass();
    void remainingTimeAndRegisteredTimers();
    void unregisterTimersOfAnObject();
    void readNotifierFiresWhileDataIsThere();
    void writeNotifierFiresWhenWritable();
    void disabledNotifierIsQuiet();
    void notifierDeletedInsideItsOwnActivation();
    void hangUpWakesTheReader();
    void postedEventsAndDeleteLater();
    void wakeUpFromAnotherThread();
    void nestedEventLoop();
    void awakeAndAboutToBlockAreEmitted();
};

void TestEpollDispatcher::isInstalled()
{
    QVERIFY(qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()));
}

void TestEpollDispatcher::singleShotTimersFireInDeadlineOrder()
{
    QStringList order;
    QTimer::singleShot(30, Qt::PreciseTimer, this, [&] { order << u"30"_s; });
    QTimer::singleShot(10, Qt::PreciseTimer, this, [&] { order << u"10"_s; });
    QTimer::singleShot(20, Qt::PreciseTimer, this, [&] { order << u"20"_s; });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 5000);
    QCOMPARE(order, (QStringList {u"10"_s, u"20"_s, u"30"_s}));
}

void TestEpollDispatcher::repeatingTimerRepeatsUntilKilled()
{
    Counter counter;
    const int id = counter.startTimer(5, Qt::PreciseTimer);
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(counter.timerEvents >= 3, 5000);
    QCOMPARE(counter.lastTimerId, id);
    counter.killTimer(id);
    const int seen = counter.timerEvents;
    // a barrier: a later timer fires, the killed one does not
    bool later = false;
    QTimer::singleShot(30, this, [&] { later = true; });
    QTRY_VERIFY_WITH_TIMEOUT(later, 5000);
    QCOMPARE(counter.timerEvents, seen);
}

void TestEpollDispatcher::timerKilledInItsOwnEvent()
{
    Counter counter;
    counter.onTimer = [&](int id) {
        counter.killTimer(id);
    };
    counter.startTimer(1);
    QTRY_COMPARE_WITH_TIMEOUT(counter.timerEvents, 1, 5000);
    bool later = false;
    QTimer::singleShot(20, this, [&] { later = true; });
    QTRY_VERIFY_WITH_TIMEOUT(later, 5000);
    QCOMPARE(counter.timerEvents, 1);
}

void TestEpollDispatcher::timerKillsAnotherDueInTheSamePass()
{
    Counter a;
    Counter b;
    int bId = 0;
    a.onTimer = [&](int id) {
        a.killTimer(id);
        b.killTimer(bId);
    };
    // both due by the time the loop runs again
    a.startTimer(0);
    bId = b.startTimer(0);
    QTRY_COMPARE_WITH_TIMEOUT(a.timerEvents, 1, 5000);
    QCoreApplication::processEvents();
    QCOMPARE(b.timerEvents, 0);
    QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&b).isEmpty());
}

void TestEpollDispatcher::zeroTimerFiresOnNextPass()
{
    bool fired = false;
    QTimer::singleShot(0, this, [&] { fired = true; });
    QVERIFY(!fired);
    QTRY_VERIFY_WITH_TIMEOUT(fired, 5000);
}

void TestEpollDispatcher::remainingTimeAndRegisteredTimers()
{
    QObject object;
    auto *dispatcher = QAbstractEventDispatcher::instance();
    const int id = object.startTimer(10'000, Qt::CoarseTimer);
    const int left = dispatcher->remainingTime(id);
    QVERIFY2(left > 9'000 && left <= 10'000, qPrintable(QString::number(left)));
    const QList<QAbstractEventDispatcher::TimerInfo> timers = dispatcher->registeredTimers(&object);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().timerId, id);
    QCOMPARE(timers.first().interval, 10'000);
    QCOMPARE(timers.first().timerType, Qt::CoarseTimer);
    object.killTimer(id);
    QCOMPARE(dispatcher->remainingTime(id), -1);
}

void TestEpollDispatcher::unregisterTimersOfAnObject()
{
    Counter counter;
    counter.startTimer(1);
    counter.startTimer(2);
    QVERIFY(QAbstractEventDispatcher::instance()->unregisterTimers(&counter));
    QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&counter).isEmpty());
    bool later = false;
    QTimer::singleShot(20, this, [&] { later = true; });
    QTRY_VERIFY_WITH_TIMEOUT(later, 5000);
    QCOMPARE(counter.timerEvents, 0);
}

void TestEpollDispatcher::readNotifierFiresWhileDataIsThere()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.fds[1], QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] { ++activations; });
    QCoreApplication::processEvents();
    QCOMPARE(activations, 0);
    pair.writeByte(0);
    QTRY_VERIFY_WITH_TIMEOUT(activations >= 1, 5000);
    // level-triggered, as poll(): unread data keeps it firing
    const int before = activations;
    QCoreApplication::processEvents();
    QVERIFY(activations > before);
    pair.drain(1);
    QCoreApplication::processEvents();
    const int after = activations;
    QCoreApplication::processEvents();
    QCOMPARE(activations, after);
}

void TestEpollDispatcher::writeNotifierFiresWhenWritable()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Write);
    QSignalSpy spy(&notifier, &QSocketNotifier::activated);
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 5000);
    // a read and a write notifier on one descriptor both work
    QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
    QSignalSpy readSpy(&reader, &QSocketNotifier::activated);
    pair.writeByte(1);
    QTRY_VERIFY_WITH_TIMEOUT(!readSpy.isEmpty(), 5000);
}

void TestEpollDispatcher::disabledNotifierIsQuiet()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.fds[1], QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] { ++activations; });
    notifier.setEnabled(false);
    pair.writeByte(0);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 0);
    notifier.setEnabled(true);
    QTRY_VERIFY_WITH_TIMEOUT(activations >= 1, 5000);
}

void TestEpollDispatcher::notifierDeletedInsideItsOwnActivation()
{
    SocketPair first;
    SocketPair second;
    auto *a = new QSocketNotifier(first.fds[1], QSocketNotifier::Read);
    auto *b = new QSocketNotifier(second.fds[1], QSocketNotifier::Read);
    int aCount = 0;
    int bCount = 0;
    // whichever fires first deletes both: the other must not be delivered to a dead object
    connect(a, &QSocketNotifier::activated, this, [&] {
        ++aCount;
        delete a;
        delete b;
        a = b = nullptr;
    });
    connect(b, &QSocketNotifier::activated, this, [&] {
        ++bCount;
        delete a;
        delete b;
        a = b = nullptr;
    });
    first.writeByte(0);
    second.writeByte(0);
    QTRY_COMPARE_WITH_TIMEOUT(aCount + bCount, 1, 5000);
    QCoreApplication::processEvents();
    QCOMPARE(aCount + bCount, 1);
}

void TestEpollDispatcher::hangUpWakesTheReader()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.fds[1], QSocketNotifier::Read);
    QSignalSpy spy(&notifier, &QSocketNotifier::activated);
    ::close(pair.fds[0]);
    pair.fds[0] = -1;
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 5000);
}

void TestEpollDispatcher::postedEventsAndDeleteLater()
{
    auto *object = new QObject;
    QSignalSpy destroyed(object, &QObject::destroyed);
    object->deleteLater();
    bool invoked = false;
    QMetaObject::invokeMethod(
        this, [&] { invoked = true; }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(invoked, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(destroyed.size(), 1, 5000);
}

void TestEpollDispatcher::wakeUpFromAnotherThread()
{
    // The loop blocks with no timer due; an event posted from another thread wakes it.
    bool arrived = false;
    QEventLoop loop;
    QThread *thread = QThread::create([&] {
        QThread::msleep(50);
        QMetaObject::invokeMethod(
            &loop,
            [&] {
                arrived = true;
                loop.quit();
            },
            Qt::QueuedConnection);
    });
    thread->start();
    QTimer guard; // only so a broken wake-up fails instead of hanging
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    guard.start(10'000);
    loop.exec();
    thread->wait();
    delete thread;
    QVERIFY(arrived);
    QVERIFY(guard.isActive());
}

void TestEpollDispatcher::nestedEventLoop()
{
    int inner = 0;
    QTimer::singleShot(1, this, [&] {
        QEventLoop nested;
        QTimer::singleShot(1, &nested, [&] {
            ++inner;
            nested.quit();
        });
        nested.exec();
        ++inner;
    });
    QTRY_COMPARE_WITH_TIMEOUT(inner, 2, 5000);
}

void TestEpollDispatcher::awakeAndAboutToBlockAreEmitted()
{
    auto *dispatcher = QAbstractEventDispatcher::instance();
    QSignalSpy awake(dispatcher, &QAbstractEventDispatcher::awake);
    QSignalSpy aboutToBlock(dispatcher, &QAbstractEventDispatcher::aboutToBlock);
    QEventLoop loop;
    QTimer::singleShot(5, &loop, &QEventLoop::quit);
    loop.exec();
    QVERIFY(!awake.isEmpty());
    QVERIFY(!aboutToBlock.isEmpty());
}

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
