// pairmatch(1), the man page, in roff (man macros): its OPTIONS section is the flag table
// itself (options.h, optionDocs()), so the page and --help cannot disagree. The build writes
// it with tools/pairmatch-manpage.cpp and installs it.
#pragma once

#include <QString>

namespace pairmatch {

// date: as the page's footer shows it ("2026-12-04").
QString pairmatchManPage(const QString &version, const QString &date);

// Text for a roff line: backslashes and hyphens escaped, a leading '.' or '\'' neutralized.
QString roffEscape(const QString &text);

} // namespace pairmatch
