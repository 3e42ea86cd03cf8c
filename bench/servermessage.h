// Server-to-client messages as the bench reads them (docs/protocol.md). A move in the compact
// form pairmatch and the reference servers send is read by a fast path that allocates
// nothing; anything else goes through QJsonDocument, so a server that orders keys otherwise
// or adds spaces is read correctly, only slower.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pairmatch {

struct ServerMessage {
    enum class Kind : quint8 {
        Game,
        Entried,
        Prepare,
        Cancelled,
        Wait,
        Start,
        Ended,
        None,
        Invalid,
        Error,
        Unknown, // a JSON object whose command the protocol does not have
        Malformed, // not a JSON object with a string command, or a known command missing fields
    };
    Kind kind = Kind::Malformed;

    // Game: the sender's userId, and data.n (-1 when data is not {"n": integer >= 0})
    QByteArrayView userId;
    qint64 n = -1;
    // Prepare: pairId, token, users[].userId; Start: users[].userId; Error: code
    QByteArrayView pairId;
    QByteArrayView token;
    QByteArrayView code;
    QByteArray users[2];
    int userCount = 0; // how many entries users had (only the first two are kept)
    // What a Malformed message lacks, for the report.
    const char *problem = nullptr;

    // Holds the decoded strings of the slow path; the views point here or into the text.
    QByteArray storage[4];
};

// Reads text into out. The views in out refer into text or into out itself, so both must
// outlive their use.
void parseServerMessage(QByteArrayView text, ServerMessage &out);

} // namespace pairmatch
