#include "pairtable.h"

#include "messagecodec.h"
#include "textframe.h"

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
    pair->enteredUsers = {match.newcomer.user, match.waiter.user};
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
    ConnId conn, const QByteArray &pairId, const ClientMessage &message, Millis now, Output &out)
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
    // A resume names a point the pair has reached and whose sequel it still keeps; otherwise
    // nothing changes (no silent hole).
    if (message.lastSeq >= 0) {
        if (quint64(message.lastSeq) > pair->moves) {
            out.sendError(conn, ErrorCode::BadSeq);
            return;
        }
        if (!pair->log.holdsAfter(quint64(message.lastSeq))) {
            out.sendError(conn, ErrorCode::ReplayUnavailable);
            return;
        }
    }

    const auto s = std::size_t(seat);
    const bool returning = pair->away(seat);
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

    if (returning) {
        // Back within the grace: the opponent hears it first, then this seat gets what it
        // missed.
        pair->awayUntil[s] = kNoDeadline;
        if (const ConnId other = pair->seats[1 - s])
            out.send(other, MessageCodec::backFrame(pair->userIds[s]));
        note(out, PairEvent::Kind::Back, *pair, qint8(seat), conn, 0, PairOutcome::Ended);
    }
    if (pair->ended() || pair->started) {
        resume(*pair, seat, conn, message.lastSeq, out);
        if (pair->away(1 - seat))
            out.send(conn, MessageCodec::awayFrame(pair->userIds[1 - s]));
    } else if (pair->seatsTaken() == 2) {
        pair->started = true;
        pair->startedAt = now;
        pair->prepareDeadline = kNoDeadline;
        pair->startUsers = MessageCodec::usersArray(pair->seatUsers[std::size_t(pair->order[0])],
            pair->seatUsers[std::size_t(pair->order[1])]);
        const QByteArray start = MessageCodec::startFrame(pair->startUsers, 0);
        out.send(pair->seats[0], start);
        out.send(pair->seats[1], start);
        note(out, PairEvent::Kind::Started, *pair, -1, pair->seats[0], pair->seats[1],
            PairOutcome::Ended);
    } else {
        out.send(conn, MessageCodec::waitFrame());
    }
}

void PairTable::resume(Pair &pair, int user, ConnId conn, qint64 lastSeq, Output &out)
{
    if (pair.ended())
        out.send(conn, MessageCodec::endedFrame());
    else
        out.send(conn, MessageCodec::startFrame(pair.startUsers, pair.moves));
    if (lastSeq < 0)
        return;
    pair.log.forEachAfter(quint64(lastSeq),
        [&](quint64, QByteArrayView move) { out.send(conn, MessageCodec::replayedFrame(move)); });
    pair.seenSeq[std::size_t(user)] = pair.moves;
}

void PairTable::game(ConnId conn, const ClientMessage &message, Output &out)
{
    const auto it = m_seats.find(conn);
    if (it == m_seats.end()) {
        const auto orphan = m_orphans.find(conn);
        if (orphan == m_orphans.end())
            out.sendError(conn, ErrorCode::NotPrepared);
        else
            out.sendError(conn, orphan->second ? ErrorCode::Ended : ErrorCode::UnknownPair);
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
    // Serialized once, the same bytes to both seats, sender included, in arrival order, and
    // kept: numbered in that order.
    const quint64 seq = ++pair.moves;
    const QByteArray frame
        = MessageCodec::gameFrame(pair.userIds[std::size_t(it->second.seat)], message, seq);
    for (std::size_t i = 0; i < 2; ++i) {
        if (const ConnId seated = pair.seats[i]) {
            out.send(seated, frame);
            pair.seenSeq[i] = seq;
        }
    }
    pair.log.append(textFramePayload(frame), m_config.moveLogBytes);
    ++m_totalMoves;
}

void PairTable::end(ConnId conn, Millis now, Output &out)
{
    const auto it = m_seats.find(conn);
    if (it == m_seats.end()) {
        const auto orphan = m_orphans.find(conn);
        if (orphan == m_orphans.end())
            out.sendError(conn, ErrorCode::NotPrepared);
        else if (orphan->second)
            out.send(conn, MessageCodec::endedFrame());
        else
            out.sendError(conn, ErrorCode::UnknownPair);
        return;
    }
    Pair &pair = *it->second.pair;
    if (!pair.over()) {
        // A pair already over (its opponent left: none) stays so; `end` is answered all the same.
        markOver(pair, PairOutcome::Ended, MatchOutcome::Ended, it->second.seat, now, out);
        lingerThenRemove(pair, now);
    }
    out.send(conn, MessageCodec::endedFrame());
}

void PairTable::leave(ConnId conn, Millis now, Output &out, LeaveCause cause)
{
    m_orphans.erase(conn);
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
        const ConnId other = pair.seats[std::size_t(1 - seat)];
        if (cause == LeaveCause::Closed && m_config.reconnectGrace > 0) {
            // Started and not ended: the seat stays the player's for the grace.
            pair.awayUntil[std::size_t(seat)] = now + m_config.reconnectGrace;
            m_graces.push(pair.awayUntil[std::size_t(seat)], pair.id);
            if (other)
                out.send(other, MessageCodec::awayFrame(pair.userIds[std::size_t(seat)]));
            note(out, PairEvent::Kind::Away, pair, qint8(seat), conn, 0, PairOutcome::Ended);
            return;
        }
        // Started and not ended: the remaining player learns its opponent left.
        if (other)
            out.send(other, MessageCodec::noneFrame());
        markOver(pair, PairOutcome::None,
            cause == LeaveCause::Kicked ? MatchOutcome::Kicked : MatchOutcome::None, seat, now,
            out);
        lingerThenRemove(pair, now);
    }
    removeIfDone(pair, out);
}

bool PairTable::expire(const QByteArray &pairId, Millis now, Output &out)
{
    Pair *pair = lookup(pairId);
    if (!pair || pair->started || pair->over())
        return false;
    timeOut(*pair, MatchOutcome::Expired, now, out);
    return true;
}

Millis PairTable::nextDeadline() const
{
    return std::min(
        {m_prepareTimeouts.nextDeadline(), m_removals.nextDeadline(), m_graces.nextDeadline()});
}

void PairTable::advance(Millis now, Output &out)
{
    m_prepareTimeouts.popDue(now, [&](const QByteArray &id) {
        Pair *pair = lookup(id);
        if (pair && pair->prepareDeadline <= now)
            timeOut(*pair, MatchOutcome::Invalid, now, out);
    });
    m_graces.popDue(now, [&](const QByteArray &id) {
        Pair *pair = lookup(id);
        if (!pair || pair->over())
            return;
        for (int user = 0; user < 2; ++user) {
            if (pair->awayUntil[std::size_t(user)] <= now) {
                graceOver(*pair, user, now, out);
                return;
            }
        }
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

void PairTable::timeOut(Pair &pair, MatchOutcome how, Millis now, Output &out)
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
    markOver(pair, PairOutcome::Invalid, how, -1, now, out);
    remove(pair, out); // nobody is seated any more: at once, no linger
}

void PairTable::graceOver(Pair &pair, int user, Millis now, Output &out)
{
    const auto u = std::size_t(user);
    pair.awayUntil[u] = kNoDeadline;
    if (const ConnId other = pair.seats[1 - u])
        out.send(other, MessageCodec::noneFrame());
    markOver(pair, PairOutcome::None, MatchOutcome::None, user, now, out);
    lingerThenRemove(pair, now);
    removeIfDone(pair, out);
}

void PairTable::markOver(
    Pair &pair, PairOutcome outcome, MatchOutcome how, int by, Millis now, Output &out)
{
    pair.outcome = outcome;
    pair.overAt = now;
    pair.prepareDeadline = kNoDeadline;
    pair.awayUntil = {kNoDeadline, kNoDeadline};
    note(out, PairEvent::Kind::Over, pair, -1, 0, 0, outcome);
    if (!m_config.recordMatches)
        return;
    MatchRecord r;
    r.pairId = pair.id;
    r.type = pair.type;
    r.userIds = pair.userIds;
    r.users = pair.enteredUsers;
    r.seed = pair.seed;
    r.issuedAtMs = pair.issuedAt;
    r.startedAtMs = pair.started ? pair.startedAt : 0;
    r.overAtMs = now;
    r.outcome = how;
    r.by = qint8(by);
    r.moveCount = pair.moves;
    r.firstSeq = pair.log.firstSeq();
    r.moves.reserve(pair.log.size());
    pair.log.forEachAfter(
        0, [&](quint64, QByteArrayView move) { r.moves.append(move.toByteArray()); });
    r.seenSeq = pair.seenSeq;
    out.records.push_back(std::move(r));
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
        if (const ConnId conn = pair.seats[i]) {
            m_seats.erase(conn); // the connections stay open, unseated
            m_orphans.emplace(conn, pair.started);
        }
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
