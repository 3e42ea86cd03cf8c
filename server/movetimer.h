// The time a move spends inside the server, for /metrics, at no measurable cost per move:
// the clock is read once when the first message since the last flush comes in, and once
// when the output is flushed (handed to the kernel); every move relayed in between is
// counted in one step, with that whole span. A move is thus timed from the moment the
// server began processing the first message of its batch (exact for the first move of a
// batch, an upper bound for later ones) until its frames were written: decoding, the pair,
// serializing, queueing and the write; not the time its bytes waited in the kernel before
// the server read them.
#pragma once

#include <QtGlobal>

#include <array>
#include <ctime>

namespace pairmatch {

// A Prometheus-style histogram of durations, filled in batches of equal observations.
struct DurationHistogram {
    // Upper bounds in nanoseconds: 10 us .. 1 s, then +Inf.
    static constexpr std::array<qint64, 15> kBoundsNs {10'000, 25'000, 50'000, 100'000, 250'000,
        500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000, 25'000'000, 50'000'000, 100'000'000,
        250'000'000, 1'000'000'000};

    std::array<quint64, kBoundsNs.size() + 1> buckets {}; // not cumulative; the last is +Inf
    quint64 count = 0;
    qint64 sumNs = 0;

    // n observations of ns each.
    void observe(qint64 ns, quint64 n)
    {
        std::size_t i = 0;
        while (i < kBoundsNs.size() && ns > kBoundsNs[i])
            ++i;
        buckets[i] += n;
        count += n;
        sumNs += ns * qint64(n);
    }
};

class MoveTimer final
{
public:
    // A message came in: the batch starts now unless it has started already.
    void messageReceived()
    {
        if (!m_batchStartNs)
            m_batchStartNs = nowNs();
    }
    // The output so far is written; relayedTotal: moves relayed since the start. The moves
    // relayed since the last call are observed with the span of their batch.
    void outputFlushed(quint64 relayedTotal)
    {
        if (!m_batchStartNs)
            return;
        const quint64 moves = relayedTotal - m_relayedAtFlush;
        m_relayedAtFlush = relayedTotal;
        if (moves)
            m_histogram.observe(nowNs() - m_batchStartNs, moves);
        m_batchStartNs = 0;
    }

    const DurationHistogram &histogram() const { return m_histogram; }

private:
    static qint64 nowNs()
    {
        timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec + 1; // never 0
    }

    qint64 m_batchStartNs = 0; // 0: no message since the last flush
    quint64 m_relayedAtFlush = 0;
    DurationHistogram m_histogram;
};

} // namespace pairmatch
