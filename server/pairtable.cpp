#include "pairtable.h"

#include "messagecodec.h"

#include <QRandomGenerator>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// Compares two secrets in time that depends only on their lengths.
bool sameSecret(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    uchar diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= uchar(a[i]) ^ uchar(b[i]);
    return diff == 0;
}

} // namespace

QByteArray randomToken()
{
    std::array<quint32, 4> bits {};
    QRandomGenerator::system()->fillRange(bits.data(), qsizetype(bits.size()));
    return QByteArray(reinterpret_cast<const char *>(bits.data()), sizeof bits)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

PairState Pair::state() const
{
    if (ended())
        return PairState::Ended;
    if (over())
        return PairState::Over;
    if (started)
        return PairState::Started;
    return seatsTaken() ? PairState::Waiting : PairState::Issued;
}

PairTable::~PairTable() = default;

PairTable::Keys PairTable::Keys::random()
{
    return {randomToken(), int(QRandomGenerator::global()->bounded(1, 10001)),
        {randomToken(), randomToken()}};
}

const Pair &PairTable::issue(const Match &match, Millis now, Output &out)
{
    return issue(match, now, out, Keys::random());
}

const Pair &PairTable::issue(const Match &match, Millis now, Output &out, Keys keys)
{
    auto pair = std::make_unique<Pair>();
    pair->id = std::move(keys.pairId);
    pair->type = match.type;
    pair->seed = keys.seed;
    pair->userIds = {match.newcomer.userId, match.waiter.userId};
    pair->tokens = std::move(keys.tokens);
    pair->issuedAt = now;
    pair->prepareDeadline = now + m_config.prepareTimeout;
    m_prepareTimeouts.push(pair->prepareDeadline, pair->id);

    const ConnId conns[2] = {match.newcomer.conn, match.waiter.conn};
    for (int i = 0; i < 2; ++i) {
        out.send(conns[i],
            MessageCodec::prepareFrame(pair->type, pair->seed, pair->id, pair->tokens[i],
                match.newcomer.user, match.waiter.user));
    }
    note(out, PairEvent::Kind::Issued, *pair, -1, conns[0], conns[1], PairOutcome::Ended);

    Pair &ref = *pair;
    m_pairs.emplace(ref.id, std::move(pair));
    return ref;
}

void PairTable::prepared(
    ConnId conn, const QByteArray &pairId, const ClientMessage &message, Output &out)
{
    if (m_seats.count(conn)) {
        out.sendError(conn, ErrorCode::AlreadySeated);
        return;
    }
    Pair *pair = lookup(pairId);
    // An over pair still answers a takeover after `end` (with `ended`), not after none/invalid.
    if (!pair || (pair->over() && !pair->ended())) {
        out.sendError(conn, ErrorCode::UnknownPair);
        return;
    }
    const int seat = pair->userIds[0] == message.userId ? 0
        : pair->userIds[1] == message.userId            ? 1
                                                        : -1;
    if (seat < 0 || !message.hasToken
        || !sameSecret(message.token, pair->tokens[std::size_t(seat)])) {
        out.sendError(conn, ErrorCode::NotInPair);
        return;
    }

    const auto s = std::size_t(seat);
    if (const ConnId old = pair->seats[s]) {
        // Takeover: the old connection goes quietly, the opponent hears nothing.
        m_seats.erase(old);
        out.close(old, CloseCause::Replaced);
        note(out, PairEvent::Kind::Replaced, *pair, qint8(seat), conn, old, PairOutcome::Ended);
    } else if (!pair->started) {
        pair->order[pair->order[0] < 0 ? 0 : 1] = qint8(seat);
    }
    pair->seats[s] = conn;
    pair->seatUsers[s] = MessageCodec::compactUser(message);
    m_seats.emplace(conn, SeatRef {pair, seat});
    note(out, PairEvent::Kind::Seated, *pair, qint8(seat), conn, 0, PairOutcome::Ended);

    if (pair->ended()) {
        out.send(conn, MessageCodec::endedFrame());
    } else if (pair->started) {
        out.send(conn, pair->startFrame);
    } else if (pair->seatsTaken() == 2) {
        pair->started = true;
        pair->prepareDeadline = kNoDeadline;
        pair->startFrame = MessageCodec::startFrame(pair->seatUsers[std::size_t(pair->order[0])],
            pair->seatUsers[std::size_t(pair->order[1])]);
        out.send(pair->seats[0], pair->startFrame);
        out.send(pair->seats[1], pair->startFrame);
        note(out, PairEvent::Kind::Started, *pair, -1, pair->seats[0], pair->seats[1],
            PairOutcome::Ended);
    } else {
        out.send(conn, MessageCodec::waitFrame());
    }
}

void PairTable::game(ConnId conn, const ClientMessage &message, Output &out)
{
    const auto it = m_seats.find(conn);
    if (it == m_seats.end()) {
        out.sendError(conn, ErrorCode::NotPrepared);
        return;
    }
    Pair &pair = *it->second.pair;
    if (pair.ended() || (pair.over() && pair.started)) {
        out.sendError(conn, ErrorCode::Ended);
        return;
    }
    if (!pair.started) {
        out.sendError(conn, ErrorCode::NotStarted);
        return;
    }
    if (message.dataTooLarge) {
        out.sendError(conn, ErrorCode::TooLarge);
        return;
    }
    // Serialized once, the same bytes to both seats, sender included, in arrival order.
    const QByteArray frame
        = MessageCodec::gameFrame(pair.userIds[std::size_t(it->second.seat)], message);
    out.send(pair.seats[0], frame);
    out.send(pair.seats[1], frame);
    ++pair.moves;
    ++m_totalMoves;
}

void PairTable::end(ConnId conn, Millis now, Output &out)
{
    const auto it = m_seats.find(conn);
    if (it == m_seats.end()) {
        out.sendError(conn, ErrorCode::NotPrepared);
        return;
    }
    Pair &pair = *it->second.pair;
    if (!pair.over()) {
        // A pair already over (its opponent left: none) stays so; `end` is answered all the same.
        markOver(pair, PairOutcome::Ended, out);
        lingerThenRemove(pair, now);
    }
    out.send(conn, MessageCodec::endedFrame());
}

void PairTable::leave(ConnId conn, Millis now, Output &out)
{
    const auto it = m_seats.find(conn);
    if (it == m_seats.end())
        return;
    Pair &pair = *it->second.pair;
    const int seat = it->second.seat;
    m_seats.erase(it);
    pair.seats[std::size_t(seat)] = 0;
    note(out, PairEvent::Kind::Unseated, pair, qint8(seat), conn, 0, PairOutcome::Ended);

    if (!pair.started && !pair.over()) {
        // Before start the seat is simply free again; the prepare timeout keeps running.
        if (pair.order[0] == seat) {
            pair.order[0] = pair.order[1];
            pair.order[1] = -1;
        } else if (pair.order[1] == seat) {
            pair.order[1] = -1;
        }
        return;
    }
    if (!pair.over()) {
        // Started and not ended: the remaining player learns its opponent left.
        if (const ConnId other = pair.seats[std::size_t(1 - seat)])
            out.send(other, MessageCodec::noneFrame());
        markOver(pair, PairOutcome::None, out);
        lingerThenRemove(pair, now);
    }
    removeIfDone(pair, out);
}

bool PairTable::expire(const QByteArray &pairId, Output &out)
{
    Pair *pair = lookup(pairId);
    if (!pair || pair->started || pair->over())
        return false;
    timeOut(*pair, out);
    return true;
}

Millis PairTable::nextDeadline() const
{
    return std::min(m_prepareTimeouts.nextDeadline(), m_removals.nextDeadline());
}

void PairTable::advance(Millis now, Output &out)
{
    m_prepareTimeouts.popDue(now, [&](const QByteArray &id) {
        Pair *pair = lookup(id);
        if (pair && pair->prepareDeadline <= now)
            timeOut(*pair, out);
    });
    m_removals.popDue(now, [&](const QByteArray &id) {
        Pair *pair = lookup(id);
        if (pair && pair->removeDeadline <= now)
            remove(*pair, out);
    });
}

const Pair *PairTable::find(const QByteArray &pairId) const
{
    return lookup(pairId);
}

const Pair *PairTable::pairOf(ConnId conn) const
{
    const auto it = m_seats.find(conn);
    return it == m_seats.end() ? nullptr : it->second.pair;
}

void PairTable::timeOut(Pair &pair, Output &out)
{
    Q_ASSERT(!pair.started && !pair.over());
    for (std::size_t i = 0; i < 2; ++i) {
        if (const ConnId conn = pair.seats[i]) {
            out.send(conn, MessageCodec::invalidFrame());
            out.close(conn, CloseCause::OpponentMissing);
            m_seats.erase(conn);
            pair.seats[i] = 0;
        }
    }
    markOver(pair, PairOutcome::Invalid, out);
    remove(pair, out); // nobody is seated any more: at once, no linger
}

void PairTable::markOver(Pair &pair, PairOutcome outcome, Output &out)
{
    pair.outcome = outcome;
    pair.prepareDeadline = kNoDeadline;
    note(out, PairEvent::Kind::Over, pair, -1, 0, 0, outcome);
}

void PairTable::lingerThenRemove(Pair &pair, Millis now)
{
    pair.removeDeadline = now + m_config.linger;
    m_removals.push(pair.removeDeadline, pair.id);
}

void PairTable::removeIfDone(Pair &pair, Output &out)
{
    if (pair.over() && pair.seatsTaken() == 0)
        remove(pair, out);
}

void PairTable::remove(Pair &pair, Output &out)
{
    Q_ASSERT(pair.over());
    for (std::size_t i = 0; i < 2; ++i) {
        if (const ConnId conn = pair.seats[i])
            m_seats.erase(conn); // the connections stay open, unseated
    }
    const QByteArray id = pair.id;
    note(out, PairEvent::Kind::Removed, pair, -1, 0, 0, PairOutcome::Ended);
    m_pairs.erase(id); // destroys pair
}

void PairTable::note(Output &out, PairEvent::Kind kind, const Pair &pair, qint8 seat, ConnId conn,
    ConnId other, PairOutcome outcome)
{
    out.events.push_back({kind, outcome, seat, conn, other, pair.id, pair.userIds});
}

Pair *PairTable::lookup(const QByteArray &pairId) const
{
    const auto it = m_pairs.find(pairId);
    return it == m_pairs.end() ? nullptr : it->second.get();
}

} // namespace pairmatch
