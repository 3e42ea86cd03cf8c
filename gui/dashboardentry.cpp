// The module's entry points, resolved by the pairmatch executable with QLibrary
// (server/dashboardloader.h). Plain C names; the types are the project's own, built by the
// same compiler from the same tree (the version string guards against a stray module).
#include "adminclient.h"
#include "dashboardresources.h"
#include "mainwindow.h"

#include <QApplication>

using namespace pairmatch;
using namespace Qt::StringLiterals;

extern "C" {

Q_DECL_EXPORT const char *pairmatch_dashboard_version()
{
    return PAIRMATCH_VERSION;
}

Q_DECL_EXPORT QCoreApplication *pairmatch_dashboard_create_app(int *argc, char **argv)
{
    auto *app = new QApplication(*argc, argv);
    app->setQuitOnLastWindowClosed(true);
    app->setWindowIcon(dashboardIcon());
    app->setDesktopFileName(u"pairmatch"_s); // resources/pairmatch.desktop
    return app;
}

Q_DECL_EXPORT QObject *pairmatch_dashboard_open(AdminFeed *feed)
{
    auto *window = new MainWindow(feed);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    feed->start();
    return window;
}

Q_DECL_EXPORT AdminFeed *pairmatch_dashboard_attach(const char *url, const char *token)
{
    return new AdminClient(QUrl(QString::fromUtf8(url)), QByteArray(token));
}

} // extern "C"
