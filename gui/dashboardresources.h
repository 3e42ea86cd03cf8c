// The dashboard's icon and style sheet, compiled in from resources/dashboard.qrc.
#pragma once

#include <QIcon>
#include <QString>

namespace pairmatch {

// The application icon, at every size rendered (resources/icons/).
QIcon dashboardIcon();
// The style sheet of the main window (resources/dashboard/dashboard.qss).
QString dashboardStyleSheet();

} // namespace pairmatch
