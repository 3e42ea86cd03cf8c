#include "dashboardloader.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <unistd.h>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

using CreateApp = QCoreApplication *(*)(int *, char **);
using Open = QObject *(*)(AdminFeed *);
using Attach = AdminFeed *(*)(const char *, const char *);
using Version = const char *(*)();

QString executableDir()
{
    char path[4096];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return {};
    return QFileInfo(QString::fromLocal8Bit(path, n)).absolutePath();
}

} // namespace

bool DashboardLoader::load()
{
    QStringList candidates;
    if (const QString env = qEnvironmentVariable("PAIRMATCH_DASHBOARD_MODULE"); !env.isEmpty())
        candidates << env;
    const QString dir = executableDir();
    candidates << dir + u"/libpairmatch_dashboard.so"_s
               << dir + u"/" PAIRMATCH_MODULE_DIR_FROM_BINDIR "/libpairmatch_dashboard.so"_s;
    QStringList tried;
    for (const QString &file : std::as_const(candidates)) {
        if (!QFileInfo::exists(file)) {
            tried << file + u" (absent)"_s;
            continue;
        }
        m_library.setFileName(file);
        if (!m_library.load()) {
            tried << m_library.errorString();
            continue;
        }
        const auto version
            = reinterpret_cast<Version>(m_library.resolve("pairmatch_dashboard_version"));
        m_createApp = reinterpret_cast<void *>(m_library.resolve("pairmatch_dashboard_create_app"));
        m_open = reinterpret_cast<void *>(m_library.resolve("pairmatch_dashboard_open"));
        m_attach = reinterpret_cast<void *>(m_library.resolve("pairmatch_dashboard_attach"));
        if (!version || !m_createApp || !m_open || !m_attach) {
            tried << file + u" (not a pairmatch dashboard module)"_s;
            m_library.unload();
            continue;
        }
        if (QLatin1StringView(version()) != QLatin1StringView(PAIRMATCH_VERSION)) {
            tried << u"%1 (version %2, this server is %3)"_s.arg(
                file, QString::fromLatin1(version()), QStringLiteral(PAIRMATCH_VERSION));
            m_library.unload();
            continue;
        }
        return true;
    }
    m_error = u"cannot load the dashboard module: "_s + tried.join(u"; "_s);
    return false;
}

QCoreApplication *DashboardLoader::createApplication(int &argc, char **argv) const
{
    return reinterpret_cast<CreateApp>(m_createApp)(&argc, argv);
}

QObject *DashboardLoader::open(AdminFeed *feed) const
{
    return reinterpret_cast<Open>(m_open)(feed);
}

AdminFeed *DashboardLoader::attach(const QString &url, const QByteArray &token) const
{
    return reinterpret_cast<Attach>(m_attach)(url.toUtf8().constData(), token.constData());
}

} // namespace pairmatch
