// An incremental UTF-8 validator (RFC 3629; Unicode table 3-7): a DFA of one byte of state,
// fed a text message piece by piece as its bytes arrive, in pieces cut anywhere (inside a
// character too). It fails at the first byte that no valid continuation can follow:
// overlong forms, surrogates and code points above U+10FFFF are refused at their second
// byte, not at the end of the character or of the message (RFC 6455 section 8.1 lets an
// endpoint fail fast; the Autobahn testsuite's 6.x cases expect it).
#pragma once

#include <QByteArrayView>
#include <QtGlobal>

namespace pairmatch {

class Utf8Validator final
{
public:
    // Feeds the next bytes of the text. False once the text can no longer be valid UTF-8,
    // and from then on.
    bool feed(QByteArrayView bytes);
    // The bytes so far end on a character boundary: a text may end here.
    bool isComplete() const { return m_state == kAccept; }
    bool hasFailed() const { return m_state == kReject; }
    void reset() { m_state = kAccept; }

    // A whole text at once.
    static bool isValid(QByteArrayView bytes);

    static constexpr quint8 kAccept = 0;
    static constexpr quint8 kReject = 1;

private:
    quint8 m_state = kAccept;
};

} // namespace pairmatch
