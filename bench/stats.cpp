#include "stats.h"

#include <QFile>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(u"/proc/%1/%2"_s.arg(pid).arg(QLatin1StringView(name)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll(); // /proc files report size 0: readAll reads to the end
}

// The number after `key` in a "Key:   value" file, or -1.
qint64 fieldAfter(const QByteArray &text, QByteArrayView key)
{
    const qsizetype at = text.indexOf(key);
    if (at < 0)
        return -1;
    qsizetype i = at + key.size();
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
        ++i;
    qsizetype j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9')
        ++j;
    bool ok = false;
    const qint64 v = text.mid(i, j - i).toLongLong(&ok);
    return ok ? v : -1;
}

} // namespace

ProcessSample readProcess(qint64 pid)
{
    ProcessSample s;
    if (pid <= 0)
        return s;
    const QByteArray stat = readProcFile(pid, "stat");
    const qsizetype paren = stat.lastIndexOf(')');
    if (paren < 0)
        return s;
    // after "pid (comm) ": state is field 3; utime and stime are fields 14 and 15
    const QList<QByteArray> fields = stat.mid(paren + 2).split(' ');
    if (fields.size() < 13)
        return s;
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    s.cpuSeconds = double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / ticks;
    s.rssKb = std::max<qint64>(0, fieldAfter(readProcFile(pid, "status"), "VmRSS:"));
    s.fdLimit = fieldAfter(readProcFile(pid, "limits"), "Max open files");
    s.ok = true;
    return s;
}

double ownCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void LatencySamples::add(qint64 ns)
{
    ++m_seen;
    m_max = std::max(m_max, ns);
    m_sorted = false;
    if (m_samples.size() < m_capacity) {
        m_samples.push_back(ns);
        return;
    }
    m_rng ^= m_rng << 13;
    m_rng ^= m_rng >> 7;
    m_rng ^= m_rng << 17;
    const quint64 slot = m_rng % m_seen;
    if (slot < m_capacity)
        m_samples[std::size_t(slot)] = ns;
}

double LatencySamples::percentileUs(double q)
{
    if (m_samples.empty())
        return qQNaN();
    if (!m_sorted) {
        std::sort(m_samples.begin(), m_samples.end());
        m_sorted = true;
    }
    const auto rank = std::size_t(std::ceil(q * double(m_samples.size())));
    const std::size_t i = std::min(m_samples.size() - 1, rank > 0 ? rank - 1 : 0);
    return double(m_samples[i]) / 1000.0;
}

} // namespace pairmatch
