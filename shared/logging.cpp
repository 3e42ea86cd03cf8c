#include "logging.h"

namespace pairmatch {

Q_LOGGING_CATEGORY(lcNet, "pairmatch.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMatch, "pairmatch.match", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRound, "pairmatch.round", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAdmin, "pairmatch.admin", QtInfoMsg)

void installDefaultMessagePattern()
{
    if (qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN")) {
        qSetMessagePattern(QStringLiteral(
            "%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}"
            "%{if-warning}warning%{endif}%{if-critical}critical%{endif}%{if-fatal}fatal%{endif} "
            "%{if-category}%{category}: %{endif}%{message}"));
    }
}

} // namespace pairmatch
