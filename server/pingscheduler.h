// Liveness (pure): every connection is pinged every `interval`; one that has not answered
// within `timeout` of its ping is dead. All connections share both durations, so two FIFO
// deadline queues serve them all: no timer per connection.
#pragma once

#include "deadlinequeue.h"
#include "effects.h"

#include <unordered_map>
#include <utility>
#include <vector>

namespace pairmatch {

struct PingConfig {
    Millis interval = 20'000;
    Millis timeout = 10'000;
};

class PingScheduler final
{
public:
    explicit PingScheduler(PingConfig config = {})
        : m_config(config)
    { }

    void add(ConnId conn, Millis now);
    void remove(ConnId conn);
    // conn answered its latest ping.
    void pong(ConnId conn);

    Millis nextDeadline() const;
    // Appends the connections to ping now, and those found dead, at `now`.
    void advance(Millis now, std::vector<ConnId> &toPing, std::vector<ConnId> &dead);

    qsizetype size() const { return qsizetype(m_conns.size()); }

private:
    struct State {
        quint32 pingSerial = 0; // serial of the ping in flight
        bool awaiting = false;
    };

    PingConfig m_config;
    std::unordered_map<ConnId, State> m_conns;
    DeadlineQueue<ConnId> m_pingsDue;
    DeadlineQueue<std::pair<ConnId, quint32>> m_answersDue;
};

} // namespace pairmatch
