#include "clusterwire.h"

#include <QtEndian>

#include <cstring>

namespace pairmatch {

namespace {

constexpr char kVersion = 1;

template <typename T> void put(QByteArray &b, T v)
{
    v = qToLittleEndian(v);
    b.append(reinterpret_cast<const char *>(&v), sizeof v);
}

} // namespace

ClusterBatchWriter::ClusterBatchWriter(const ClusterBatchHeader &header)
{
    m_bytes.reserve(256);
    m_bytes.append(kVersion);
    m_bytes.append(char(header.sender.size()));
    m_bytes.append(header.sender);
    put<quint64>(m_bytes, header.instance);
    put<quint32>(m_bytes, header.epoch);
    put<quint64>(m_bytes, header.seq);
}

void ClusterBatchWriter::putConn(ClusterRecord::Kind kind, ConnId conn)
{
    m_bytes.append(char(kind));
    put<quint64>(m_bytes, conn);
    ++m_records;
}

void ClusterBatchWriter::withBytes(ClusterRecord::Kind kind, ConnId conn, QByteArrayView bytes)
{
    putConn(kind, conn);
    put<quint32>(m_bytes, quint32(bytes.size()));
    m_bytes.append(bytes.data(), bytes.size());
}

void ClusterBatchWriter::close(ConnId conn, CloseCause cause)
{
    putConn(ClusterRecord::Kind::Close, conn);
    m_bytes.append(char(cause));
}

void ClusterBatchWriter::seat(ConnId conn, SeatState state)
{
    putConn(ClusterRecord::Kind::Seat, conn);
    m_bytes.append(char(state));
}

void ClusterBatchWriter::gone(ConnId conn)
{
    putConn(ClusterRecord::Kind::Gone, conn);
}

void ClusterBatchWriter::reset(quint32 epoch)
{
    putConn(ClusterRecord::Kind::Reset, 0);
    put<quint32>(m_bytes, epoch);
}

ClusterBatchReader::ClusterBatchReader(QByteArrayView batch)
    : m_data(batch)
{
    char version = 0;
    quint8 senderLength = 0;
    if (!take(&version, 1) || version != kVersion || !take(&senderLength, 1)
        || m_data.size() - m_at < senderLength) {
        m_error = true;
        return;
    }
    m_header.sender = m_data.sliced(m_at, senderLength).toByteArray();
    m_at += senderLength;
    if (!take(&m_header.instance, 8) || !take(&m_header.epoch, 4) || !take(&m_header.seq, 8)) {
        m_error = true;
        return;
    }
    m_header.instance = qFromLittleEndian(m_header.instance);
    m_header.epoch = qFromLittleEndian(m_header.epoch);
    m_header.seq = qFromLittleEndian(m_header.seq);
    m_headerOk = true;
}

bool ClusterBatchReader::take(void *to, qsizetype n)
{
    if (m_data.size() - m_at < n)
        return false;
    std::memcpy(to, m_data.data() + m_at, std::size_t(n));
    m_at += n;
    return true;
}

bool ClusterBatchReader::next(ClusterRecord &r)
{
    if (!m_headerOk || m_error || m_at >= m_data.size())
        return false;
    char kind = 0;
    quint64 conn = 0;
    if (!take(&kind, 1) || !take(&conn, 8)) {
        m_error = true;
        return false;
    }
    r.kind = ClusterRecord::Kind(kind);
    r.conn = qFromLittleEndian(conn);
    r.bytes.clear();
    switch (r.kind) {
    case ClusterRecord::Kind::Frame:
    case ClusterRecord::Kind::Matched:
    case ClusterRecord::Kind::Bind:
    case ClusterRecord::Kind::Text: {
        quint32 n = 0;
        if (!take(&n, 4)) {
            m_error = true;
            return false;
        }
        n = qFromLittleEndian(n);
        if (m_data.size() - m_at < qsizetype(n)) {
            m_error = true;
            return false;
        }
        r.bytes = m_data.sliced(m_at, qsizetype(n)).toByteArray();
        m_at += qsizetype(n);
        return true;
    }
    case ClusterRecord::Kind::Close:
    case ClusterRecord::Kind::Seat:
        if (!take(&r.small, 1)) {
            m_error = true;
            return false;
        }
        if ((r.kind == ClusterRecord::Kind::Close && r.small > quint8(CloseCause::Replaced))
            || (r.kind == ClusterRecord::Kind::Seat && r.small > quint8(SeatState::Over))) {
            m_error = true;
            return false;
        }
        return true;
    case ClusterRecord::Kind::Gone:
        return true;
    case ClusterRecord::Kind::Reset:
        if (!take(&r.epoch, 4)) {
            m_error = true;
            return false;
        }
        r.epoch = qFromLittleEndian(r.epoch);
        return true;
    }
    m_error = true;
    return false;
}

} // namespace pairmatch
