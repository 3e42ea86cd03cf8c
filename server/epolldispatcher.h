// An event dispatcher on Linux epoll for the headless server. Qt's own (QEventDispatcherUNIX)
// rebuilds an array of every socket notifier and hands it to poll() on every pass of the
// event loop, and walks it afterwards: a pass costs O(connections) however few sockets are
// ready. Here a socket notifier is registered with the kernel once, and a pass costs what
// is ready. Timers sit in a map ordered by deadline. Everything else (posted events,
// wake-ups, awake()/aboutToBlock()) behaves as in Qt's.
//
// Descriptors their owner reads and writes itself (the players' transport) can be watched
// without a QSocketNotifier: watchFd() registers a handler that is called with the epoll
// events of each pass, with no QObject and no event per connection.
//
// Install it before the application object: QCoreApplication::setEventDispatcher(new ...).
#pragma once

#include <QAbstractEventDispatcher>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include <sys/epoll.h>

namespace pairmatch {

class EpollDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;
    Q_DISABLE_COPY_MOVE(EpollDispatcher)

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(
        int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

    class FdHandler
    {
    public:
        // The events epoll reported for the descriptor (EPOLLIN, EPOLLOUT, EPOLLHUP...).
        virtual void fdEvents(quint32 events) = 0;

    protected:
        ~FdHandler() = default;
    };
    // Watches fd for these events (EPOLLIN, EPOLLOUT; hang-up and errors always), calling
    // handler with them, level-triggered; again with other events changes the set (none:
    // not watched for now). Not on a descriptor that has socket notifiers.
    void watchFd(int fd, quint32 events, FdHandler *handler);
    // Before the descriptor is closed. Events of this pass still due for it are dropped.
    void unwatchFd(int fd);

    // Called where a pass begins (with awake()) and before it waits (with aboutToBlock()),
    // without a signal emission: the server flushes its output there. One owner at a time
    // (the last to set them); the owner clears them before it goes.
    void setPassHook(const void *owner, std::function<void()> callback)
    {
        m_hooksOwner = owner;
        m_passHook = std::move(callback);
    }

    // Called after each socket's event has been delivered (its readers have read), with the
    // number of events this pass holds. The server uses it to send what one socket's event
    // produced before the next socket's turn when a pass is short (see ServerCore).
    void setAfterSocketEvent(const void *owner, std::function<void(int eventsInPass)> callback)
    {
        m_hooksOwner = owner;
        m_afterSocketEvent = std::move(callback);
    }

    // Both hooks go if `owner` set them last (a test process may make and end several
    // servers: none may be called once it is gone).
    void clearHooks(const void *owner)
    {
        if (m_hooksOwner != owner)
            return;
        m_hooksOwner = nullptr;
        m_passHook = nullptr;
        m_afterSocketEvent = nullptr;
    }

private:
    using Nanos = qint64;

    struct Watch {
        std::array<QSocketNotifier *, 3> notifiers {}; // by QSocketNotifier::Type
        FdHandler *handler = nullptr; // or this (watchFd)
        quint32 events = 0; // as registered with epoll
        // Counts registrations of this descriptor number: an event of this pass for a
        // descriptor closed and reused meanwhile carries the old one and is dropped.
        quint32 generation = 0;
    };
    struct Timer {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        Nanos due = 0;
        std::multimap<Nanos, int>::iterator queued;
        bool firing = false; // its event is being delivered (no re-entry from a nested loop)
    };

    static Nanos now();
    void updateWatch(int fd);
    void setEpoll(int fd, Watch &watch, quint32 wanted);
    int dispatchSockets(int ready);
    int activateTimers();
    int waitMs(bool canWait) const;
    void schedule(int id, Timer &timer, Nanos due);

    int m_epoll = -1;
    int m_wake = -1;
    std::atomic<bool> m_interrupted {false};
    std::vector<Watch> m_watches; // by file descriptor
    std::unordered_map<int, Timer> m_timers;
    std::multimap<Nanos, int> m_deadlines; // due -> timer id
    std::vector<int> m_dueNow;
    std::array<epoll_event, 512> m_ready {};
    std::function<void(int)> m_afterSocketEvent;
    std::function<void()> m_passHook;
    const void *m_hooksOwner = nullptr;
};

} // namespace pairmatch
