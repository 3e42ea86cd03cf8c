// The server's wall clock as seen from the dashboard: snapshots and stats carry the server's
// time, so ages and countdowns are right even when the dashboard's machine runs off.
#pragma once

#include <QDateTime>

namespace pairmatch {

class ServerClock final
{
public:
    // The server said it is `serverMs` now.
    void sync(qint64 serverMs) { m_offset = serverMs - QDateTime::currentMSecsSinceEpoch(); }
    qint64 now() const { return QDateTime::currentMSecsSinceEpoch() + m_offset; }

private:
    qint64 m_offset = 0;
};

// "4 s", "2 min 05 s", "1 h 03 min"
QString formatDuration(qint64 ms);
// "14:03:07.123" in local time
QString formatTime(qint64 epochMs);

} // namespace pairmatch
