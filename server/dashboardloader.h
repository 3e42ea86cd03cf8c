// Loads the dashboard module (libpairmatch_dashboard.so, Qt Widgets) at run time, so the
// pairmatch executable links no GUI library and a headless server maps none.
#pragma once

#include <QLibrary>
#include <QString>

QT_BEGIN_NAMESPACE
class QCoreApplication;
class QObject;
QT_END_NAMESPACE

namespace pairmatch {

class AdminFeed;

class DashboardLoader final
{
public:
    DashboardLoader() = default;
    Q_DISABLE_COPY_MOVE(DashboardLoader)

    // Finds and loads the module: $PAIRMATCH_DASHBOARD_MODULE, else next to the executable,
    // else where it is installed (../lib/pairmatch/ from it, as the install layout says:
    // cmake/PairmatchInstall.cmake). False with errorString() when it cannot.
    bool load();
    QString errorString() const { return m_error; }

    // A QApplication (the module's), created before anything else Qt.
    QCoreApplication *createApplication(int &argc, char **argv) const;
    // Opens the dashboard window on this feed (not owned) and starts the feed.
    QObject *open(AdminFeed *feed) const;
    // A feed over the admin API of a remote server (owned by the caller).
    AdminFeed *attach(const QString &url, const QByteArray &token) const;

private:
    QLibrary m_library;
    QString m_error;
    void *m_createApp = nullptr;
    void *m_open = nullptr;
    void *m_attach = nullptr;
};

} // namespace pairmatch
