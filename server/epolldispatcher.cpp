#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>

#include <sys/eventfd.h>
#include <unistd.h>

namespace pairmatch {

namespace {

constexpr qint64 kNanosPerMs = 1'000'000;

quint32 epollMask(QSocketNotifier::Type type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return EPOLLIN;
    case QSocketNotifier::Write:
        return EPOLLOUT;
    case QSocketNotifier::Exception:
        return EPOLLPRI;
    }
    return 0;
}

// What wakes a notifier of each type, as QEventDispatcherUNIX reads poll()'s revents: a
// reader also on hang-up and error, a writer also on error.
quint32 activatingMask(QSocketNotifier::Type type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP;
    case QSocketNotifier::Write:
        return EPOLLOUT | EPOLLERR | EPOLLHUP;
    case QSocketNotifier::Exception:
        return EPOLLPRI;
    }
    return 0;
}

} // namespace

EpollDispatcher::EpollDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wake < 0)
        qFatal("EpollDispatcher: cannot create epoll or eventfd: %s", strerror(errno));
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = quint64(quint32(m_wake));
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev) != 0)
        qFatal("EpollDispatcher: cannot watch its eventfd: %s", strerror(errno));
}

EpollDispatcher::~EpollDispatcher()
{
    ::close(m_wake);
    ::close(m_epoll);
}

EpollDispatcher::Nanos EpollDispatcher::now()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return Nanos(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    if (m_passHook)
        m_passHook();
    QCoreApplication::sendPostedEvents();

    // An event posted from now on calls wakeUp(), which makes epoll_wait() return at once:
    // waiting cannot miss it.
    const bool canWait
        = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load(std::memory_order_relaxed);
    if (canWait) {
        Q_EMIT aboutToBlock();
        if (m_passHook)
            m_passHook();
    }
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    int ready;
    do {
        ready = epoll_wait(m_epoll, m_ready.data(), int(m_ready.size()),
            waitMs(canWait && !(flags & QEventLoop::X11ExcludeTimers)));
    } while (ready < 0 && errno == EINTR);
    if (ready < 0)
        qFatal("EpollDispatcher: epoll_wait: %s", strerror(errno));

    int handled = 0;
    if (!(flags & QEventLoop::ExcludeSocketNotifiers))
        handled += dispatchSockets(ready);
    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled += activateTimers();
    return handled > 0;
}

int EpollDispatcher::waitMs(bool canWait) const
{
    if (!canWait)
        return 0;
    if (m_deadlines.empty())
        return -1;
    const Nanos left = m_deadlines.begin()->first - now();
    if (left <= 0)
        return 0;
    // round up: waking a little late is right, early only costs another pass
    return int(
        std::min<Nanos>((left + kNanosPerMs - 1) / kNanosPerMs, std::numeric_limits<int>::max()));
}

int EpollDispatcher::dispatchSockets(int ready)
{
    int handled = 0;
    QEvent event(QEvent::SockAct);
    for (int i = 0; i < ready; ++i) {
        const quint64 key = m_ready[std::size_t(i)].data.u64;
        const int fd = int(quint32(key));
        const auto generation = quint32(key >> 32);
        const quint32 happened = m_ready[std::size_t(i)].events;
        if (fd == m_wake) {
            quint64 count;
            while (::read(m_wake, &count, sizeof count) > 0) { }
            continue;
        }
        // Looked up each time: a handler or notifier activated before may have removed,
        // replaced or added watches (and grown m_watches).
        const auto current = [&]() -> Watch * {
            if (std::size_t(fd) >= m_watches.size())
                return nullptr;
            Watch &w = m_watches[std::size_t(fd)];
            return w.generation == generation ? &w : nullptr;
        };
        if (Watch *w = current(); w && w->handler) {
            w->handler->fdEvents(happened);
            ++handled;
        } else {
            for (auto type :
                {QSocketNotifier::Read, QSocketNotifier::Write, QSocketNotifier::Exception}) {
                Watch *watch = current();
                if (!watch)
                    break;
                QSocketNotifier *notifier = watch->notifiers[std::size_t(type)];
                if (notifier && (happened & activatingMask(type))) {
                    QCoreApplication::sendEvent(notifier, &event);
                    ++handled;
                }
            }
        }
        if (m_afterSocketEvent)
            m_afterSocketEvent(ready);
    }
    return handled;
}

int EpollDispatcher::activateTimers()
{
    if (m_deadlines.empty())
        return 0;
    const Nanos t = now();
    m_dueNow.clear();
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= t; ++it)
        m_dueNow.push_back(it->second);
    int fired = 0;
    for (int id : m_dueNow) {
        // A timer fired before may have stopped, restarted or deleted this one.
        const auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.due > t || it->second.firing)
            continue;
        Timer &timer = it->second;
        // next due: one interval on; if a whole interval was missed, one from now
        const Nanos interval = qMax<qint64>(timer.intervalMs, 0) * kNanosPerMs;
        Nanos next = timer.due + interval;
        if (next <= t)
            next = t + interval;
        schedule(id, timer, next);
        QObject *object = timer.object;
        timer.firing = true;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        const auto again = m_timers.find(id);
        if (again != m_timers.end())
            again->second.firing = false;
    }
    return fired;
}

void EpollDispatcher::schedule(int id, Timer &timer, Nanos due)
{
    if (timer.queued != m_deadlines.end())
        m_deadlines.erase(timer.queued);
    timer.due = due;
    timer.queued = m_deadlines.emplace(due, id);
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const auto fd = int(notifier->socket());
    if (fd < 0)
        return;
    if (std::size_t(fd) >= m_watches.size())
        m_watches.resize(std::size_t(fd) + 1);
    m_watches[std::size_t(fd)].notifiers[std::size_t(notifier->type())] = notifier;
    updateWatch(fd);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const auto fd = int(notifier->socket());
    if (fd < 0 || std::size_t(fd) >= m_watches.size())
        return;
    QSocketNotifier *&slot = m_watches[std::size_t(fd)].notifiers[std::size_t(notifier->type())];
    if (slot != notifier)
        return;
    slot = nullptr;
    updateWatch(fd);
}

void EpollDispatcher::updateWatch(int fd)
{
    Watch &watch = m_watches[std::size_t(fd)];
    quint32 wanted = 0;
    for (auto type : {QSocketNotifier::Read, QSocketNotifier::Write, QSocketNotifier::Exception}) {
        if (watch.notifiers[std::size_t(type)])
            wanted |= epollMask(type);
    }
    setEpoll(fd, watch, wanted);
}

void EpollDispatcher::setEpoll(int fd, Watch &watch, quint32 wanted)
{
    if (wanted == watch.events)
        return;
    const int op = wanted == 0 ? EPOLL_CTL_DEL : watch.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (op == EPOLL_CTL_ADD)
        ++watch.generation;
    epoll_event ev = {};
    ev.events = wanted;
    ev.data.u64 = (quint64(watch.generation) << 32) | quint32(fd);
    if (epoll_ctl(m_epoll, op, fd, &ev) != 0) {
        if (op == EPOLL_CTL_DEL && (errno == EBADF || errno == ENOENT)) {
            // the descriptor was closed before its notifier went: the kernel dropped it
        } else if (op == EPOLL_CTL_ADD && errno == EEXIST) {
            // a descriptor number reused before we saw the old one go
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
        } else if (op == EPOLL_CTL_MOD && errno == ENOENT) {
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        } else {
            qWarning("EpollDispatcher: epoll_ctl(%d) on fd %d: %s", op, fd, strerror(errno));
        }
    }
    watch.events = wanted;
}

void EpollDispatcher::watchFd(int fd, quint32 events, FdHandler *handler)
{
    if (fd < 0)
        return;
    if (std::size_t(fd) >= m_watches.size())
        m_watches.resize(std::size_t(fd) + 1);
    Watch &watch = m_watches[std::size_t(fd)];
    Q_ASSERT(watch.notifiers == decltype(watch.notifiers) {});
    watch.handler = handler;
    setEpoll(fd, watch, events); // none: not watched until asked again
}

void EpollDispatcher::unwatchFd(int fd)
{
    if (fd < 0 || std::size_t(fd) >= m_watches.size())
        return;
    Watch &watch = m_watches[std::size_t(fd)];
    watch.handler = nullptr;
    setEpoll(fd, watch, 0);
}

void EpollDispatcher::registerTimer(
    int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId <= 0 || interval < 0 || !object)
        return;
    Timer &timer = m_timers[timerId];
    if (timer.object == nullptr)
        timer.queued = m_deadlines.end();
    timer.object = object;
    timer.intervalMs = interval;
    timer.type = timerType;
    schedule(timerId, timer, now() + interval * kNanosPerMs);
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_deadlines.erase(it->second.queued);
    m_timers.erase(it);
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            m_deadlines.erase(it->second.queued);
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (const auto &[id, timer] : m_timers) {
        if (timer.object == object)
            list.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return list;
}

int EpollDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const Nanos left = it->second.due - now();
    return left <= 0 ? 0 : int((left + kNanosPerMs - 1) / kNanosPerMs);
}

void EpollDispatcher::wakeUp()
{
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wake, &one, sizeof one);
}

void EpollDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

} // namespace pairmatch
