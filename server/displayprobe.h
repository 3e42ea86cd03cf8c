// Whether the dashboard could open a window here, asked before Qt's platform plugin is
// loaded: that plugin, finding no display, prints its message and aborts the process (a
// core dump, exit 134). pairmatch says so in one line instead (main.cpp).
#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace pairmatch {

struct DisplayCheck {
    bool available = false;
    QString why; // when not available: "DISPLAY and WAYLAND_DISPLAY are unset", ...
};

// From QT_QPA_PLATFORM, DISPLAY and WAYLAND_DISPLAY (XDG_RUNTIME_DIR): a platform that needs
// no display (offscreen, minimal, vnc, eglfs, linuxfb...) is available; for X11 and Wayland
// the display server's socket must accept a connection.
DisplayCheck checkDisplay(
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

// While it lives, a fatal message from Qt (the platform plugin failing after all) ends the
// process with one line naming --no-gui and exit status 2, and Qt's warnings are held back;
// they are written out when it is destroyed (the dashboard started).
class PlatformStartGuard final
{
public:
    PlatformStartGuard();
    ~PlatformStartGuard();
    Q_DISABLE_COPY_MOVE(PlatformStartGuard)
};

} // namespace pairmatch
