// JSON <-> player messages (pure, no I/O). Decoding is one validating pass over the text
// that records where the interesting values are; relayed values (a move's data, a user
// object) are later copied once, compacted, straight into the outgoing frame.
#pragma once

#include "messages.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

#include <optional>

namespace pairmatch {

struct CodecLimits {
    qsizetype maxUserBytes = 2 * 1024; // user object, compact UTF-8
    qsizetype maxDataBytes = 16 * 1024; // data of a game move, compact UTF-8
};

class MessageCodec final
{
public:
    explicit MessageCodec(CodecLimits limits = {})
        : m_limits(limits)
    { }

    const CodecLimits &limits() const { return m_limits; }

    // Decodes one client message arriving on this endpoint. Returns the error to answer
    // with, or nothing when `out` was filled. `out` refers into `text`.
    // Checks, in order: JSON object with a string "command" (bad_json), a command this
    // endpoint takes (unknown_command), then for entry/prepared the user (bad_user,
    // too_large). A game's data size is only reported (out.dataTooLarge): whether it
    // matters depends on the pair's state, which the caller checks first.
    std::optional<ErrorCode> decode(QStringView text, Endpoint endpoint, ClientMessage &out) const;
    std::optional<ErrorCode> decode(
        QByteArrayView utf8, Endpoint endpoint, ClientMessage &out) const;

    // The user object of an entry/prepared message, compact UTF-8 (what is stored and
    // passed on to the opponent).
    static QByteArray compactUser(const ClientMessage &message);

    // Server -> client messages, each a complete WebSocket text frame.
    static const QByteArray &entriedFrame();
    static const QByteArray &cancelledFrame();
    static const QByteArray &waitFrame();
    static const QByteArray &endedFrame();
    static const QByteArray &noneFrame();
    static const QByteArray &invalidFrame();
    static const QByteArray &errorFrame(ErrorCode code);
    static QByteArray prepareFrame(qint32 type, int seed, QByteArrayView pairId,
        QByteArrayView token, QByteArrayView newcomerUser, QByteArrayView waiterUser);
    // {"command":"start","users":[first,second],"seq":N}: N is the pair's last seq.
    static QByteArray startFrame(QByteArrayView firstUser, QByteArrayView secondUser, quint64 seq);
    // The same from the users array made once by usersArray(): [first,second].
    static QByteArray startFrame(QByteArrayView users, quint64 seq);
    static QByteArray usersArray(QByteArrayView firstUser, QByteArrayView secondUser);
    // {"command":"game","userId":...,"data":...,"seq":N} with the message's data spliced in.
    static QByteArray gameFrame(QByteArrayView userId, const ClientMessage &move, quint64 seq);
    // The payload of a frame made by gameFrame(), marked as sent again on a resume:
    // {"command":"game",...,"seq":N,"replayed":true}.
    static QByteArray replayedFrame(QByteArrayView gamePayload);
    // {"command":"away","userId":U} / {"command":"back","userId":U}: the opponent's seat is
    // empty, within the reconnect grace / taken again.
    static QByteArray awayFrame(QByteArrayView userId);
    static QByteArray backFrame(QByteArrayView userId);

    // True when s is a valid userId: [A-Za-z0-9_.@-]{1,64}.
    static bool isValidUserId(QByteArrayView s);

private:
    CodecLimits m_limits;
};

} // namespace pairmatch
