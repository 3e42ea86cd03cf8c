#include "utf8validator.h"

#include <array>
#include <cstring>

namespace pairmatch {

namespace {

// Byte classes: what a byte can be in well-formed UTF-8 (Unicode table 3-7).
enum Class : quint8 {
    Ascii, // 00-7F
    Cont80, // 80-8F
    Cont90, // 90-9F
    ContA0, // A0-BF
    Never, // C0-C1, F5-FF
    Lead2, // C2-DF
    LeadE0, // E0: second byte A0-BF
    Lead3, // E1-EC, EE-EF
    LeadED, // ED: second byte 80-9F (no surrogates)
    LeadF0, // F0: second byte 90-BF
    Lead4, // F1-F3
    LeadF4, // F4: second byte 80-8F (nothing above U+10FFFF)
};
constexpr std::size_t kClasses = LeadF4 + 1;

// States besides kAccept (0) and kReject (1): what the next byte must be.
enum State : quint8 {
    Accept = Utf8Validator::kAccept,
    Reject = Utf8Validator::kReject,
    Need1, // one more 80-BF
    Need2, // two more 80-BF
    Need3, // three more 80-BF
    AfterE0, // A0-BF, then one more
    AfterED, // 80-9F, then one more
    AfterF0, // 90-BF, then two more
    AfterF4, // 80-8F, then two more
};
constexpr std::size_t kStates = AfterF4 + 1;

constexpr std::array<quint8, 256> makeClasses()
{
    std::array<quint8, 256> c {};
    for (int b = 0; b < 256; ++b) {
        quint8 k = Never;
        if (b <= 0x7F)
            k = Ascii;
        else if (b <= 0x8F)
            k = Cont80;
        else if (b <= 0x9F)
            k = Cont90;
        else if (b <= 0xBF)
            k = ContA0;
        else if (b <= 0xC1)
            k = Never;
        else if (b <= 0xDF)
            k = Lead2;
        else if (b == 0xE0)
            k = LeadE0;
        else if (b == 0xED)
            k = LeadED;
        else if (b <= 0xEF)
            k = Lead3;
        else if (b == 0xF0)
            k = LeadF0;
        else if (b <= 0xF3)
            k = Lead4;
        else if (b == 0xF4)
            k = LeadF4;
        c[std::size_t(b)] = k;
    }
    return c;
}

constexpr std::array<quint8, kStates * kClasses> makeTransitions()
{
    std::array<quint8, kStates * kClasses> t {};
    for (auto &next : t)
        next = Reject;
    const auto set = [&](State from, Class c, State to) {
        t[std::size_t(from) * kClasses + std::size_t(c)] = to;
    };
    set(Accept, Ascii, Accept);
    set(Accept, Lead2, Need1);
    set(Accept, LeadE0, AfterE0);
    set(Accept, Lead3, Need2);
    set(Accept, LeadED, AfterED);
    set(Accept, LeadF0, AfterF0);
    set(Accept, Lead4, Need3);
    set(Accept, LeadF4, AfterF4);
    for (Class c : {Cont80, Cont90, ContA0}) {
        set(Need1, c, Accept);
        set(Need2, c, Need1);
        set(Need3, c, Need2);
    }
    set(AfterE0, ContA0, Need1);
    set(AfterED, Cont80, Need1);
    set(AfterED, Cont90, Need1);
    set(AfterF0, Cont90, Need2);
    set(AfterF0, ContA0, Need2);
    set(AfterF4, Cont80, Need2);
    return t;
}

constexpr std::array<quint8, 256> kClassOf = makeClasses();
constexpr std::array<quint8, kStates *kClasses> kNext = makeTransitions();

} // namespace

bool Utf8Validator::feed(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const uchar *const end = p + bytes.size();
    quint8 state = m_state;
    while (p != end) {
        if (state == Accept) {
            // ASCII runs, eight bytes at a time: the usual JSON message is all ASCII.
            while (end - p >= 8) {
                quint64 word;
                std::memcpy(&word, p, sizeof word);
                if (word & 0x8080808080808080ULL)
                    break;
                p += 8;
            }
            while (p != end && *p < 0x80)
                ++p;
            if (p == end)
                break;
        }
        state = kNext[std::size_t(state) * kClasses + kClassOf[*p]];
        if (state == Reject)
            break;
        ++p;
    }
    m_state = state;
    return state != Reject;
}

bool Utf8Validator::isValid(QByteArrayView bytes)
{
    Utf8Validator v;
    return v.feed(bytes) && v.isComplete();
}

} // namespace pairmatch
