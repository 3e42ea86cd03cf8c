// POSIX signals into the event loop: the handler only writes the signal number to a
// socketpair; a QSocketNotifier reads it on the loop and emits received(). No Qt call ever
// runs inside a signal handler.
#pragma once

#include <QObject>

#include <initializer_list>
#include <vector>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace pairmatch {

class SignalWatcher final : public QObject
{
    Q_OBJECT

public:
    // Watches these signals (SIGTERM, SIGINT, ...) for the life of the object.
    explicit SignalWatcher(std::initializer_list<int> signals, QObject *parent = nullptr);
    ~SignalWatcher() override;
    Q_DISABLE_COPY_MOVE(SignalWatcher)

Q_SIGNALS:
    void received(int signal);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
    std::vector<int> m_signals;
};

} // namespace pairmatch
