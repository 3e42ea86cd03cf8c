// The moves a pair keeps (pure): the payloads of the `game` frames it relayed, in seq order,
// so that a seat taken again with `lastSeq` gets what it missed and the match history gets
// the whole game. Each payload is copied once, behind its length, into fixed chunks that are
// never moved (a memcpy of a few dozen bytes a move, an allocation every few dozen moves);
// the frame sent to the seats is freed as soon as it is written, as it was before the log.
// Bounded in bytes: past the bound the oldest moves go (a chunk is freed once all of its
// moves have), and a resume from before the first one kept is refused.
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
    // holds more than maxBytes of payload (the newest move is always kept). maxBytes 0 keeps
    // nothing.
    void append(QByteArrayView payload, qsizetype maxBytes)
    {
        ++m_last;
        if (maxBytes <= 0)
            return;
        if (!m_kept)
            m_kept = std::make_unique<Kept>(); // on the first move: a pair waiting costs 16 bytes
        Kept &k = *m_kept;
        const auto n = quint32(payload.size());
        const std::size_t need = sizeof n + n;
        if (k.chunks.empty() || k.chunks.back().capacity - k.chunks.back().size < need)
            k.addChunk(need);
        Chunk &chunk = k.chunks.back();
        std::memcpy(chunk.data.get() + chunk.size, &n, sizeof n);
        std::memcpy(chunk.data.get() + chunk.size + sizeof n, payload.data(), n);
        chunk.size += need;
        ++k.count;
        k.bytes += n;
        while (k.bytes > std::size_t(maxBytes) && k.count > 1)
            k.dropOldest();
    }

    // The seq of the last move (0 before the first).
    quint64 lastSeq() const { return m_last; }
    // The seq of the oldest move kept (lastSeq() + 1 when none is).
    quint64 firstSeq() const { return m_last - count() + 1; }
    qsizetype size() const { return qsizetype(count()); }
    // Payload bytes of the moves kept.
    qsizetype bytes() const { return m_kept ? qsizetype(m_kept->bytes) : 0; }
    // Whether every move after `seq` is still here.
    bool holdsAfter(quint64 seq) const { return seq + 1 >= firstSeq(); }

    // f(seq, payload) for each move kept after `seq`, in order. The payload is a view into
    // the log, valid until the next append.
    template <typename F> void forEachAfter(quint64 seq, F &&f) const
    {
        if (!m_kept)
            return;
        const Kept &k = *m_kept;
        quint64 s = firstSeq();
        std::size_t c = k.head;
        std::size_t offset = k.headOffset;
        for (quint64 left = k.count; left > 0; --left, ++s) {
            if (offset == k.chunks[c].size) {
                ++c;
                offset = 0;
            }
            const Chunk &chunk = k.chunks[c];
            quint32 n = 0;
            std::memcpy(&n, chunk.data.get() + offset, sizeof n);
            if (s > seq)
                f(s, QByteArrayView(chunk.data.get() + offset + sizeof n, qsizetype(n)));
            offset += sizeof n + n;
        }
    }

private:
    struct Chunk {
        std::unique_ptr<char[]> data;
        std::size_t size = 0;
        std::size_t capacity = 0;
    };
    // Chunks stay in glibc's small-request range (under 1,008 bytes): a larger request makes
    // malloc consolidate its fast bins, after which every frame of the per-move path takes
    // malloc's slow path (callgrind: +95 instructions a move with 4 KiB chunks).
    static constexpr std::size_t kFirstChunk = 240; // most pairs are short games
    static constexpr std::size_t kChunk = 992;

    struct Kept {
        std::vector<Chunk> chunks;
        std::size_t head = 0; // the chunk of the oldest move kept
        std::size_t headOffset = 0; // where in it that move begins
        std::size_t bytes = 0;
        quint64 count = 0;

        void addChunk(std::size_t need)
        {
            // What was let go of at the front goes first: chunk pointers only, never bytes.
            if (head > 8 && head * 2 > chunks.size()) {
                chunks.erase(chunks.begin(), chunks.begin() + qsizetype(head));
                head = 0;
            }
            const std::size_t capacity = std::max(chunks.empty() ? kFirstChunk : kChunk, need);
            chunks.push_back({std::make_unique_for_overwrite<char[]>(capacity), 0, capacity});
        }

        void dropOldest()
        {
            if (headOffset == chunks[head].size) {
                chunks[head].data.reset();
                ++head;
                headOffset = 0;
            }
            quint32 n = 0;
            std::memcpy(&n, chunks[head].data.get() + headOffset, sizeof n);
            headOffset += sizeof n + n;
            bytes -= n;
            --count;
        }
    };

    quint64 count() const { return m_kept ? m_kept->count : 0; }

    std::unique_ptr<Kept> m_kept; // null until the first move kept
    quint64 m_last = 0;
};

} // namespace pairmatch
