// The process's own figures as Prometheus' standard process_* metrics name them, read from
// /proc when scraped (Linux): CPU time, memory, file descriptors, start time.
#pragma once

#include <QtGlobal>

namespace pairmatch {

struct ProcessStats {
    double cpuSeconds = 0; // user + system
    qint64 residentBytes = 0;
    qint64 virtualBytes = 0;
    qint64 openFds = 0;
    qint64 maxFds = 0; // the soft limit
    double startTimeSeconds = 0; // since the Unix epoch
    bool ok = false; // /proc/self/stat was read
};

ProcessStats readProcessStats();

} // namespace pairmatch
