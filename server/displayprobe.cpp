#include "displayprobe.h"

#include "commandline.h"

#include <QStringList>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// Connects to a Unix socket (abstract when the name starts with '@'); true if accepted.
bool unixSocketAnswers(const QByteArray &name)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (name.isEmpty() || std::size_t(name.size()) >= sizeof address.sun_path)
        return false;
    std::memcpy(address.sun_path, name.constData(), std::size_t(name.size()));
    socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + std::size_t(name.size()));
    if (name.startsWith('@'))
        address.sun_path[0] = '\0';
    else
        ++length; // the terminating NUL of a path
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&address), length) == 0;
    ::close(fd);
    return ok;
}

// A TCP connection to host:port within timeoutMs.
bool tcpAnswers(const QByteArray &host, int port, int timeoutMs)
{
    addrinfo hints {};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(host.constData(), QByteArray::number(port).constData(), &hints, &found) != 0)
        return false;
    bool ok = false;
    for (addrinfo *a = found; a && !ok; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            ok = true;
        } else if (errno == EINPROGRESS) {
            pollfd p {fd, POLLOUT, 0};
            int error = 0;
            socklen_t size = sizeof error;
            ok = ::poll(&p, 1, timeoutMs) == 1
                && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
        }
        ::close(fd);
    }
    freeaddrinfo(found);
    return ok;
}

// DISPLAY is [host]:number[.screen]: a local display is a Unix socket, a remote one (ssh -X:
// localhost:10.0) TCP port 6000 + number.
bool xDisplayAnswers(const QString &display)
{
    const qsizetype colon = display.lastIndexOf(u':');
    if (colon < 0)
        return false;
    const QString host = display.first(colon);
    bool ok = false;
    const int number = display.sliced(colon + 1).section(u'.', 0, 0).toInt(&ok);
    if (!ok || number < 0)
        return false;
    if (host.isEmpty() || host == "unix"_L1) {
        const QByteArray path = "/tmp/.X11-unix/X" + QByteArray::number(number);
        return unixSocketAnswers('@' + path) || unixSocketAnswers(path);
    }
    return tcpAnswers(host.toLocal8Bit(), 6000 + number, 2000);
}

bool waylandAnswers(const QProcessEnvironment &env)
{
    const QString name = env.value(u"WAYLAND_DISPLAY"_s);
    if (name.isEmpty())
        return false;
    if (name.startsWith(u'/'))
        return unixSocketAnswers(name.toLocal8Bit());
    const QString dir = env.value(u"XDG_RUNTIME_DIR"_s);
    return !dir.isEmpty() && unixSocketAnswers((dir + u'/' + name).toLocal8Bit());
}

DisplayCheck probeX11(const QProcessEnvironment &env)
{
    const QString display = env.value(u"DISPLAY"_s);
    if (display.isEmpty())
        return {false, u"DISPLAY is unset"_s};
    if (!xDisplayAnswers(display))
        return {false, u"cannot connect to the X display %1"_s.arg(display)};
    return {true, {}};
}

DisplayCheck probeWayland(const QProcessEnvironment &env)
{
    const QString name = env.value(u"WAYLAND_DISPLAY"_s);
    if (name.isEmpty())
        return {false, u"WAYLAND_DISPLAY is unset"_s};
    if (!waylandAnswers(env))
        return {false, u"cannot connect to the Wayland display %1"_s.arg(name)};
    return {true, {}};
}

struct HeldMessage {
    QtMsgType type;
    QByteArray category;
    QString message;
};
QtMessageHandler g_previous = nullptr;
QList<HeldMessage> g_held;

void guardHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtFatalMsg) {
        printLine(stderr,
            u"pairmatch: cannot open the dashboard: %1. Run the server alone with --no-gui."_s.arg(
                message.section(u'\n', 0, 0).trimmed()));
        ::_exit(2);
    }
    g_held.append({type, QByteArray(context.category ? context.category : "default"), message});
}

} // namespace

DisplayCheck checkDisplay(const QProcessEnvironment &env)
{
    const QString platforms = env.value(u"QT_QPA_PLATFORM"_s);
    if (!platforms.isEmpty()) {
        static const QStringList needNoDisplay {u"offscreen"_s, u"minimal"_s, u"minimalegl"_s,
            u"vnc"_s, u"eglfs"_s, u"linuxfb"_s, u"vkkhrdisplay"_s};
        DisplayCheck last {false, {}};
        // "xcb;wayland", each with ":options"
        const QStringList names = platforms.split(u';', Qt::SkipEmptyParts);
        for (const QString &entry : names) {
            const QString name = entry.section(u':', 0, 0).trimmed();
            if (needNoDisplay.contains(name))
                return {true, {}};
            if (name == "xcb"_L1)
                last = probeX11(env);
            else if (name.startsWith("wayland"_L1))
                last = probeWayland(env);
            else
                last = {true, {}}; // a platform we do not know: Qt will tell
            if (last.available)
                return last;
        }
        last.why = u"QT_QPA_PLATFORM=%1: %2"_s.arg(platforms, last.why);
        return last;
    }
    const DisplayCheck x = probeX11(env);
    if (x.available)
        return x;
    const DisplayCheck wayland = probeWayland(env);
    if (wayland.available)
        return wayland;
    if (env.value(u"DISPLAY"_s).isEmpty() && env.value(u"WAYLAND_DISPLAY"_s).isEmpty())
        return {false, u"DISPLAY and WAYLAND_DISPLAY are unset"_s};
    return {false, env.value(u"DISPLAY"_s).isEmpty() ? wayland.why : x.why};
}

PlatformStartGuard::PlatformStartGuard()
{
    g_held.clear();
    g_previous = qInstallMessageHandler(guardHandler);
}

PlatformStartGuard::~PlatformStartGuard()
{
    qInstallMessageHandler(g_previous);
    const QList<HeldMessage> held = std::exchange(g_held, {});
    for (const HeldMessage &m : held) {
        const QMessageLogContext context(nullptr, 0, nullptr, m.category.constData());
        qt_message_output(m.type, context, m.message);
    }
}

} // namespace pairmatch
