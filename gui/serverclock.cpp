#include "serverclock.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    const qint64 s = ms / 1000;
    if (s < 60)
        return u"%1 s"_s.arg(s);
    if (s < 3600)
        return u"%1 min %2 s"_s.arg(s / 60).arg(s % 60, 2, 10, QChar(u'0'));
    return u"%1 h %2 min"_s.arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar(u'0'));
}

QString formatTime(qint64 epochMs)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs).toString(u"HH:mm:ss.zzz"_s);
}

} // namespace pairmatch
