// The moves a pair keeps (pure): the payloads of the `game` frames it relayed, in seq order,
// so that a seat taken again with `lastSeq` gets what it missed and the match history gets
// the whole game. The bytes are copied once into one buffer per pair that grows by doubling
// (a memcpy of a few dozen bytes a move, no allocation per move): the frame sent to the
// seats is freed as soon as it is written, as it was before the log. Bounded in bytes: past
// the bound the oldest moves go, and a resume from before the first one kept is refused.
#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace pairmatch {

class MoveLog final
{
public:
    // Appends the payload of move lastSeq() + 1, then drops the oldest moves while the log
    // holds more than maxBytes (the newest move is always kept). maxBytes 0 keeps nothing.
    void append(QByteArrayView payload, qsizetype maxBytes)
    {
        ++m_last;
        if (maxBytes <= 0)
            return;
        const auto n = std::size_t(payload.size());
        if (m_size + n > m_capacity)
            grow(n);
        std::memcpy(m_data.get() + m_size, payload.data(), n);
        m_starts.push_back(m_size);
        m_size += n;
        while (m_size - m_starts[m_head] > std::size_t(maxBytes) && size() > 1)
            ++m_head;
    }

    // The seq of the last move (0 before the first).
    quint64 lastSeq() const { return m_last; }
    // The seq of the oldest move kept (lastSeq() + 1 when none is).
    quint64 firstSeq() const { return m_last - quint64(size()) + 1; }
    qsizetype size() const { return qsizetype(m_starts.size() - m_head); }
    // Bytes of the moves kept.
    qsizetype bytes() const { return size() ? qsizetype(m_size - m_starts[m_head]) : 0; }
    // Whether every move after `seq` is still here.
    bool holdsAfter(quint64 seq) const { return seq + 1 >= firstSeq(); }

    // f(seq, payload) for each move kept after `seq`, in order. The payload is a view into
    // the log, valid until the next append.
    template <typename F> void forEachAfter(quint64 seq, F &&f) const
    {
        const quint64 first = firstSeq();
        const quint64 skip = seq >= first ? seq - first + 1 : 0;
        quint64 s = first + skip;
        for (std::size_t i = m_head + std::size_t(skip); i < m_starts.size(); ++i, ++s) {
            const std::size_t end = i + 1 < m_starts.size() ? m_starts[i + 1] : m_size;
            f(s, QByteArrayView(m_data.get() + m_starts[i], qsizetype(end - m_starts[i])));
        }
    }

private:
    // Room for n more bytes: what was let go of at the front goes first (each move is moved
    // at most once per doubling), then the buffer doubles (from 1 KiB) if still needed.
    void grow(std::size_t n)
    {
        const std::size_t keep = m_head < m_starts.size() ? m_starts[m_head] : m_size;
        const std::size_t live = m_size - keep;
        const std::size_t capacity = live + n <= m_capacity / 2
            ? m_capacity
            : std::max({m_capacity * 2, live + n, kFirst});
        std::unique_ptr<char[]> data(
            capacity == m_capacity ? m_data.release() : new char[capacity]);
        if (live)
            std::memmove(data.get(), m_data ? m_data.get() + keep : data.get() + keep, live);
        m_data = std::move(data);
        m_capacity = capacity;
        m_size = live;
        m_starts.erase(m_starts.begin(), m_starts.begin() + qsizetype(m_head));
        for (std::size_t &start : m_starts)
            start -= keep;
        m_head = 0;
    }

    static constexpr std::size_t kFirst = 1024;
    std::unique_ptr<char[]> m_data; // the payloads back to back
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
    std::vector<std::size_t> m_starts; // where each move begins in m_data
    std::size_t m_head = 0; // moves before it were dropped
    quint64 m_last = 0;
};

} // namespace pairmatch
