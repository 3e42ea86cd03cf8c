#include "processstats.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace pairmatch {

namespace {

QByteArray readFile(const char *path)
{
    QFile file(QString::fromLatin1(path));
    // /proc files report size 0: read until the end
    return file.open(QIODevice::ReadOnly | QIODevice::Unbuffered) ? file.readAll() : QByteArray();
}

// Seconds since the epoch at which the machine booted (the `btime` line of /proc/stat).
qint64 bootTime()
{
    const QByteArray stat = readFile("/proc/stat");
    const qsizetype at = stat.indexOf("\nbtime ");
    if (at < 0)
        return 0;
    const qsizetype end = stat.indexOf('\n', at + 1);
    return stat.mid(at + 7, end < 0 ? -1 : end - at - 7).trimmed().toLongLong();
}

qint64 countOpenFds()
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return 0;
    qint64 n = 0;
    while (const dirent *entry = readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++n;
    }
    closedir(dir);
    return n - 1; // the directory's own descriptor
}

} // namespace

ProcessStats readProcessStats()
{
    ProcessStats stats;
    // pid (comm) state ppid ...: the fields after the command, which may hold spaces and
    // parentheses, start after the last ')'. Numbered as in proc(5): utime 14, stime 15,
    // starttime 22, vsize 23, rss 24.
    const QByteArray stat = readFile("/proc/self/stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close > 0) {
        const QList<QByteArray> f = stat.mid(close + 2).simplified().split(' ');
        const auto field = [&](int number) { // proc(5) numbering; f[0] is field 3
            return number - 3 < f.size() ? f[number - 3].toLongLong() : 0;
        };
        const double ticks = double(sysconf(_SC_CLK_TCK));
        const qint64 pageSize = sysconf(_SC_PAGESIZE);
        if (f.size() >= 22 && ticks > 0) {
            stats.cpuSeconds = double(field(14) + field(15)) / ticks;
            stats.startTimeSeconds = double(bootTime()) + double(field(22)) / ticks;
            stats.virtualBytes = field(23);
            stats.residentBytes = field(24) * pageSize;
            stats.ok = true;
        }
    }
    stats.openFds = countOpenFds();
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
        stats.maxFds = limit.rlim_cur == RLIM_INFINITY ? -1 : qint64(limit.rlim_cur);
    return stats;
}

} // namespace pairmatch
