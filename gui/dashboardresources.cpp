#include "dashboardresources.h"

#include <QFile>

// The resources live in a static library: referencing them here keeps the linker from
// dropping them. Q_INIT_RESOURCE must be called outside any namespace.
static void initDashboardResources()
{
    static const bool done = [] {
        Q_INIT_RESOURCE(dashboard);
        return true;
    }();
    Q_UNUSED(done);
}

namespace pairmatch {

using namespace Qt::StringLiterals;

QIcon dashboardIcon()
{
    initDashboardResources();
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(u":/pairmatch/icons/pairmatch-%1.png"_s.arg(size), QSize(size, size));
    // Used where Qt has SVG support (its image format plugin); passed over where it has not.
    icon.addFile(u":/pairmatch/icons/pairmatch.svg"_s);
    return icon;
}

QString dashboardStyleSheet()
{
    initDashboardResources();
    QFile file(u":/pairmatch/dashboard/dashboard.qss"_s);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace pairmatch
