// What one node sends another through Redis Pub/Sub (docs/scaling.md): a batch, one PUBLISH
// per destination node per pass of the event loop, holding every record that pass produced
// for that node, in order. Binary, length-prefixed; pure (no I/O).
//
// A batch's header names its sender (node id and the instance, a random number a node draws
// at start) and numbers it on its link (sender -> this destination): an epoch, raised when the
// receiver asks for a reset, and a sequence number from 1 within the epoch. The receiver
// checks the numbering (ClusterLinks) and never applies a batch after a hole.
#pragma once

#include "effects.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>
#include <vector>

namespace pairmatch {

// What a seat's node knows of the seat's pair, as the pair's home tells it.
enum class SeatState : quint8 {
    Bound, // the connection talks to the home; no seat (yet)
    Waiting, // seated, the pair has not started
    Started, // seated, the pair started and is not over
    Over, // the pair is over (ended, none, invalid)
};

struct ClusterRecord {
    enum class Kind : char {
        // home -> the node of a seat or of a waiter
        Frame = 'F', // conn, bytes: a complete text frame for that connection
        Close = 'C', // conn, cause: close it (the cause's code and reason)
        Seat = 'S', // conn, seatState: what became of its seat
        Matched = 'M', // conn, bytes: the waiter on conn was matched; bytes is its `prepare`
        // the node of a round connection -> the pair's home
        Bind = 'B', // conn, text = pairId: this connection talks to you from now on
        Text = 'T', // conn, text: a message the connection sent
        Gone = 'X', // conn: it closed
        // either way
        Reset = 'R', // epoch: forget every pair, seat and binding between us; number your
        // batches to me from this epoch on
    };
    Kind kind = Kind::Frame;
    ConnId conn = 0;
    quint8 small = 0; // Close: CloseCause; Seat: SeatState
    quint32 epoch = 0; // Reset
    QByteArray bytes; // Frame, Matched, Bind, Text
};

struct ClusterBatchHeader {
    QByteArray sender; // node id
    quint64 instance = 0;
    quint32 epoch = 0;
    quint64 seq = 0; // 1, 2, ... within the epoch
};

// A batch being written: the header first, then records appended as they come.
class ClusterBatchWriter final
{
public:
    explicit ClusterBatchWriter(const ClusterBatchHeader &header);

    void frame(ConnId conn, QByteArrayView frame)
    {
        withBytes(ClusterRecord::Kind::Frame, conn, frame);
    }
    void matched(ConnId conn, QByteArrayView frame)
    {
        withBytes(ClusterRecord::Kind::Matched, conn, frame);
    }
    void bind(ConnId conn, QByteArrayView pairId)
    {
        withBytes(ClusterRecord::Kind::Bind, conn, pairId);
    }
    void text(ConnId conn, QByteArrayView text)
    {
        withBytes(ClusterRecord::Kind::Text, conn, text);
    }
    void close(ConnId conn, CloseCause cause);
    void seat(ConnId conn, SeatState state);
    void gone(ConnId conn);
    void reset(quint32 epoch);

    bool isEmpty() const { return m_records == 0; }
    int recordCount() const { return m_records; }
    const QByteArray &bytes() const { return m_bytes; }

private:
    void withBytes(ClusterRecord::Kind kind, ConnId conn, QByteArrayView bytes);
    void putConn(ClusterRecord::Kind kind, ConnId conn);

    QByteArray m_bytes;
    int m_records = 0;
};

// Reads a batch: the header, then one record at a time. A malformed batch stops the reading
// (next() returns false and error() is set): the receiver treats it as a hole in the link.
class ClusterBatchReader final
{
public:
    explicit ClusterBatchReader(QByteArrayView batch);
    // It views the bytes: a temporary would be gone before the first record is read.
    explicit ClusterBatchReader(QByteArray &&) = delete;

    bool headerOk() const { return m_headerOk; }
    const ClusterBatchHeader &header() const { return m_header; }
    // The next record into r; false at the end or on a malformed record.
    bool next(ClusterRecord &r);
    bool error() const { return m_error; }

private:
    bool take(void *to, qsizetype n);

    QByteArrayView m_data;
    qsizetype m_at = 0;
    ClusterBatchHeader m_header;
    bool m_headerOk = false;
    bool m_error = false;
};

} // namespace pairmatch
