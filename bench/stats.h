// What a scenario counts, the latency samples it keeps, and the readings it takes of a local
// server process (/proc) and of the bench itself.
#pragma once

#include <QString>
#include <QtGlobal>

#include <vector>

namespace pairmatch {

// Protocol errors: any of these makes the run fail (exit status 1).
struct ErrorCounters {
    quint64 connect = 0; // TCP connect or bind failed
    quint64 tls = 0; // TLS handshake failed
    quint64 handshake = 0; // HTTP upgrade refused or malformed
    quint64 websocket = 0; // the server broke RFC 6455
    quint64 timeouts = 0; // a step not done in time (open, prepare, start, ended, a drain)
    quint64 closed = 0; // a connection in use closed by the server or lost
    quint64 errorMessages = 0; // {"command":"error"} received
    quint64 unexpected = 0; // a message the player's state does not expect
    quint64 lost = 0; // moves that never reached a seat
    quint64 duplicated = 0; // moves that reached a seat twice
    quint64 misordered = 0; // moves that reached a seat after a later one

    quint64 total() const
    {
        return connect + tls + handshake + websocket + timeouts + closed + errorMessages
            + unexpected + lost + duplicated + misordered;
    }
};

struct Counters {
    ErrorCounters errors;
    quint64 connections = 0; // connections started
    quint64 sent = 0; // moves sent
    quint64 own = 0; // own moves echoed back
    quint64 opp = 0; // opponent moves received
    quint64 matches = 0; // churn: lifecycles completed
    quint64 lateSends = 0; // latency: sent over 1 ms behind schedule
    quint64 skippedSends = 0; // latency: the chosen player had too many moves in flight
};

// A process on this machine, from /proc/PID/stat, status and limits.
struct ProcessSample {
    bool ok = false;
    double cpuSeconds = 0; // utime + stime, all threads
    qint64 rssKb = 0; // VmRSS
    qint64 fdLimit = 0; // soft RLIMIT_NOFILE
};
ProcessSample readProcess(qint64 pid);

double ownCpuSeconds(); // this process, user + system

// Round trips in nanoseconds; beyond the capacity a uniform sample is kept (reservoir), so
// memory stays bounded on long runs.
class LatencySamples final
{
public:
    explicit LatencySamples(std::size_t capacity = 4'000'000)
        : m_capacity(capacity)
    { }

    void add(qint64 ns);
    quint64 count() const { return m_seen; }
    // Nearest-rank percentile (q in 0..1) in microseconds; NaN without samples. Sorts.
    double percentileUs(double q);
    double maxUs() const { return m_seen ? double(m_max) / 1000.0 : qQNaN(); }

private:
    std::vector<qint64> m_samples;
    std::size_t m_capacity;
    quint64 m_seen = 0;
    qint64 m_max = 0;
    quint64 m_rng = 0x9E3779B97F4A7C15ULL;
    bool m_sorted = false;
};

} // namespace pairmatch
