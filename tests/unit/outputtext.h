// Test helpers: the Output of a state machine as short text lines ("send 3 wait",
// "close 3 1000", "seated seat=1 conn=11"), so a failed QCOMPARE shows what happened.
#pragma once

#include "effects.h"
#include "textframe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace pairmatch::test {

// The command of a server frame, or "error:<code>" for an error.
inline QString frameName(const QByteArray &frame)
{
    using namespace Qt::StringLiterals;
    const QJsonObject o = QJsonDocument::fromJson(textFramePayload(frame).toByteArray()).object();
    const QString command = o[u"command"_s].toString();
    if (command.isEmpty())
        return u"<not json>"_s;
    return command == "error"_L1 ? u"error:"_s + o[u"code"_s].toString() : command;
}

// The JSON object a server frame holds.
inline QJsonObject frameObject(const QByteArray &frame)
{
    return QJsonDocument::fromJson(textFramePayload(frame).toByteArray()).object();
}

inline QStringList describeEffects(const Output &out)
{
    using namespace Qt::StringLiterals;
    QStringList lines;
    for (const Effect &e : out.effects) {
        if (e.kind == Effect::Kind::Send)
            lines << u"send %1 %2"_s.arg(e.conn).arg(frameName(e.frame));
        else
            lines << u"close %1 %2"_s.arg(e.conn).arg(e.closeCode);
    }
    return lines;
}

inline QString describeEvent(const QueueEvent &e)
{
    using namespace Qt::StringLiterals;
    const char *kind = e.kind == QueueEvent::Kind::Joined ? "joined"
        : e.kind == QueueEvent::Kind::Left                ? "left"
                                                          : "matched";
    return u"%1 type=%2 conn=%3 other=%4 user=%5"_s.arg(QLatin1StringView(kind))
        .arg(e.type)
        .arg(e.conn)
        .arg(e.other)
        .arg(QString::fromUtf8(e.userId));
}

inline QStringList describeQueueEvents(const Output &out)
{
    QStringList lines;
    for (const QueueEvent &e : out.queueEvents)
        lines << describeEvent(e);
    return lines;
}

// Pair events without the pairId (checked separately).
inline QString describeEvent(const PairEvent &e)
{
    using namespace Qt::StringLiterals;
    switch (e.kind) {
    case PairEvent::Kind::Issued:
        return u"issued conn=%1 other=%2"_s.arg(e.conn).arg(e.other);
    case PairEvent::Kind::Seated:
        return u"seated seat=%1 conn=%2"_s.arg(e.seat).arg(e.conn);
    case PairEvent::Kind::Unseated:
        return u"unseated seat=%1 conn=%2"_s.arg(e.seat).arg(e.conn);
    case PairEvent::Kind::Replaced:
        return u"replaced seat=%1 conn=%2 other=%3"_s.arg(e.seat).arg(e.conn).arg(e.other);
    case PairEvent::Kind::Started:
        return u"started conn=%1 other=%2"_s.arg(e.conn).arg(e.other);
    case PairEvent::Kind::Away:
        return u"away seat=%1 conn=%2"_s.arg(e.seat).arg(e.conn);
    case PairEvent::Kind::Back:
        return u"back seat=%1 conn=%2"_s.arg(e.seat).arg(e.conn);
    case PairEvent::Kind::Over:
        return u"over %1"_s.arg(e.outcome == PairOutcome::Ended ? "ended"_L1
                : e.outcome == PairOutcome::None                ? "none"_L1
                                                                : "invalid"_L1);
    case PairEvent::Kind::Removed:
        return u"removed"_s;
    }
    return u"?"_s;
}

inline QStringList describePairEvents(const Output &out)
{
    QStringList lines;
    for (const PairEvent &e : out.events)
        lines << describeEvent(e);
    return lines;
}

} // namespace pairmatch::test
