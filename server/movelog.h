// The moves a pair keeps (pure): the `game` frames it relayed, in seq order, so that a seat
// taken again with `lastSeq` gets what it missed and the match history gets the whole game.
// The frames are the very ones sent to the seats (shared, not copied). Bounded in bytes: past
// the bound the oldest moves go, and a resume from before the first one kept is refused.
#pragma once

#include <QByteArray>

#include <vector>

namespace pairmatch {

class MoveLog final
{
public:
    // Appends the frame of move lastSeq() + 1, then drops the oldest moves while the log holds
    // more than maxBytes (the newest move is always kept).
    void append(const QByteArray &frame, qsizetype maxBytes)
    {
        ++m_last;
        if (maxBytes <= 0)
            return;
        m_frames.push_back(frame);
        m_bytes += frame.size();
        while (m_bytes > maxBytes && size() > 1) {
            m_bytes -= m_frames[m_head].size();
            m_frames[m_head++] = QByteArray();
        }
        if (m_head > 64 && m_head * 2 > m_frames.size()) {
            m_frames.erase(m_frames.begin(), m_frames.begin() + qsizetype(m_head));
            m_head = 0;
        }
    }

    // The seq of the last move (0 before the first).
    quint64 lastSeq() const { return m_last; }
    // The seq of the oldest move kept (lastSeq() + 1 when none is).
    quint64 firstSeq() const { return m_last - quint64(size()) + 1; }
    qsizetype size() const { return qsizetype(m_frames.size() - m_head); }
    qsizetype bytes() const { return m_bytes; }
    // Whether every move after `seq` is still here.
    bool holdsAfter(quint64 seq) const { return seq + 1 >= firstSeq(); }

    // f(seq, frame) for each move kept after `seq`, in order.
    template <typename F> void forEachAfter(quint64 seq, F &&f) const
    {
        const quint64 first = firstSeq();
        const quint64 skip = seq >= first ? seq - first + 1 : 0;
        quint64 s = first + skip;
        for (std::size_t i = m_head + std::size_t(skip); i < m_frames.size(); ++i, ++s)
            f(s, m_frames[i]);
    }

private:
    std::vector<QByteArray> m_frames;
    std::size_t m_head = 0; // frames before it were dropped
    qsizetype m_bytes = 0;
    quint64 m_last = 0;
};

} // namespace pairmatch
