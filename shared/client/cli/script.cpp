#include "script.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace pairmatch::cli {

using namespace Qt::StringLiterals;

namespace {

// A JSON value as written: a whole document, or a scalar (QJsonDocument takes only objects
// and arrays, so a scalar goes in an array).
std::optional<QJsonValue> parseJsonValue(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument document
        = QJsonDocument::fromJson(u"["_s.append(text).append(u']').toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

bool parseInt(const QString &word, int &out, int min)
{
    bool ok = false;
    const int n = word.toInt(&ok);
    if (!ok || n < min)
        return false;
    out = n;
    return true;
}

// Splits a line at whitespace outside JSON strings, objects and arrays: one word may be
// data.text="two words" or {"a": 1}.
QStringList splitWords(const QString &line)
{
    QStringList out;
    QString word;
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (const QChar c : line) {
        if (inString) {
            word += c;
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        if (c.isSpace() && depth == 0) {
            if (!word.isEmpty())
                out.append(std::exchange(word, {}));
            continue;
        }
        word += c;
        if (c == u'"')
            inString = true;
        else if (c == u'{' || c == u'[')
            ++depth;
        else if ((c == u'}' || c == u']') && depth > 0)
            --depth;
    }
    if (!word.isEmpty())
        out.append(word);
    return out;
}

QString toText(const QJsonValue &value)
{
    if (value.isUndefined())
        return u"(absent)"_s;
    const QJsonDocument document(QJsonArray {value});
    const QByteArray text = document.toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.sliced(1, text.size() - 2));
}

} // namespace

QJsonValue valueAt(const QJsonValue &root, const QString &path)
{
    QJsonValue at = root;
    const QStringList parts = path.split(u'.');
    for (const QString &part : parts) {
        if (at.isObject()) {
            const QJsonObject object = at.toObject();
            if (!object.contains(part))
                return QJsonValue::Undefined;
            at = object.value(part);
        } else if (at.isArray()) {
            bool ok = false;
            const int index = part.toInt(&ok);
            const QJsonArray array = at.toArray();
            if (!ok || index < 0 || index >= array.size())
                return QJsonValue::Undefined;
            at = array.at(index);
        } else {
            return QJsonValue::Undefined;
        }
    }
    return at;
}

QString matchMessage(
    const QJsonObject &message, const QString &command, const QList<FieldMatch> &fields)
{
    const QString got = message.value("command"_L1).toString();
    if (got != command)
        return u"expected %1, got %2"_s.arg(command, toText(message));
    for (const FieldMatch &f : fields) {
        const QJsonValue value = valueAt(message, f.path);
        switch (f.op) {
        case FieldMatch::Op::Present:
            if (value.isUndefined())
                return u"%1 has no %2: %3"_s.arg(command, f.path, toText(message));
            break;
        case FieldMatch::Op::Absent:
            if (!value.isUndefined())
                return u"%1 has %2 = %3: %4"_s.arg(command, f.path, toText(value), toText(message));
            break;
        case FieldMatch::Op::Equals:
            if (value != f.value) {
                return u"%1: %2 is %3, expected %4: %5"_s.arg(
                    command, f.path, toText(value), toText(f.value), toText(message));
            }
            break;
        }
    }
    return {};
}

ScriptParse parseScript(const QString &text)
{
    ScriptParse result;
    const QStringList lines = text.split(u'\n');
    static const QRegularExpression space(u"\\s+"_s);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i + 1);
        const QString line = lines[i].trimmed();
        const auto fail = [&](const QString &why) {
            result.error = u"line %1: %2: %3"_s.arg(lineNo).arg(why, line);
            return result;
        };
        if (line.isEmpty())
            continue;
        if (line.startsWith(u'#')) {
            const QString directive = line.sliced(1).trimmed();
            if (directive.startsWith("server:"_L1)) {
                result.script.serverFlags
                    += directive.sliced(7).trimmed().split(space, Qt::SkipEmptyParts);
            }
            continue;
        }
        // PLAYER VERB [REST] or sleep MS
        const QStringList words = splitWords(line);
        Step step;
        step.line = lineNo;
        step.source = line;
        if (words[0] == "sleep"_L1) {
            if (words.size() != 2 || !parseInt(words[1], step.ms, 0))
                return fail(u"expected: sleep MS"_s);
            step.kind = Step::Kind::Sleep;
            result.script.steps.append(step);
            continue;
        }
        if (words.size() < 2)
            return fail(u"expected: PLAYER STEP ..."_s);
        step.player = words[0];
        static const QRegularExpression name(u"^[A-Za-z0-9_.@-]{1,64}$"_s);
        if (!name.match(step.player).hasMatch())
            return fail(u"a player's name is a userId: [A-Za-z0-9_.@-]{1,64}"_s);
        const QString verb = words[1];
        // what follows the verb, as written (JSON keeps its spaces)
        const qsizetype verbAt = line.indexOf(verb, line.indexOf(step.player) + step.player.size());
        const QString rest = line.sliced(verbAt + verb.size()).trimmed();
        const QStringList args = words.mid(2);

        // `within MS` at the end of expect, wait-for, expect-close
        QStringList matchArgs = args;
        if (matchArgs.size() >= 2 && matchArgs[matchArgs.size() - 2] == "within"_L1) {
            if (!parseInt(matchArgs.last(), step.ms, 0))
                return fail(u"expected: within MS"_s);
            matchArgs.resize(matchArgs.size() - 2);
        }

        if (verb == "enter"_L1 || verb == "enter-only"_L1) {
            step.kind = verb == "enter"_L1 ? Step::Kind::Enter : Step::Kind::EnterOnly;
            int type = 0;
            if (args.isEmpty() || !parseInt(args[0], type, 0))
                return fail(u"expected: PLAYER %1 TYPE [USER-JSON]"_s.arg(verb));
            step.type = type;
            const QString userText = rest.sliced(args[0].size()).trimmed();
            if (userText.isEmpty()) {
                step.user = QJsonObject {{u"userId"_s, step.player}};
            } else {
                const std::optional<QJsonValue> user = parseJsonValue(userText);
                if (!user || !user->isObject())
                    return fail(u"the user is not a JSON object"_s);
                step.user = user->toObject();
            }
        } else if (verb == "join"_L1 || verb == "end"_L1 || verb == "cancel"_L1
            || verb == "close"_L1 || verb == "kill"_L1) {
            if (!args.isEmpty())
                return fail(u"%1 takes nothing more"_s.arg(verb));
            step.kind = verb == "join"_L1 ? Step::Kind::Join
                : verb == "end"_L1        ? Step::Kind::End
                : verb == "cancel"_L1     ? Step::Kind::Cancel
                : verb == "close"_L1      ? Step::Kind::Close
                                          : Step::Kind::Kill;
        } else if (verb == "takeover"_L1) {
            if (args.size() != 1)
                return fail(u"expected: PLAYER takeover OTHER"_s);
            step.kind = Step::Kind::Takeover;
            step.other = args[0];
        } else if (verb == "move"_L1) {
            const std::optional<QJsonValue> data = parseJsonValue(rest);
            if (!data)
                return fail(u"expected: PLAYER move JSON"_s);
            step.kind = Step::Kind::Move;
            step.data = *data;
        } else if (verb == "send"_L1) {
            if (rest.isEmpty())
                return fail(u"expected: PLAYER send TEXT"_s);
            step.kind = Step::Kind::Send;
            step.text = rest;
        } else if (verb == "flood"_L1) {
            if (args.size() < 2 || !parseInt(args[0], step.count, 1))
                return fail(u"expected: PLAYER flood N TEXT"_s);
            step.kind = Step::Kind::Flood;
            step.text = rest.sliced(args[0].size()).trimmed();
        } else if (verb == "send-size"_L1) {
            if (args.size() != 1 || !parseInt(args[0], step.count, 40))
                return fail(u"expected: PLAYER send-size N (at least 40)"_s);
            step.kind = Step::Kind::SendSize;
        } else if (verb == "reconnect"_L1) {
            if (args.size() != 1 || !parseInt(args[0], step.count, 0))
                return fail(u"expected: PLAYER reconnect N"_s);
            step.kind = Step::Kind::Reconnect;
        } else if (verb == "silent"_L1) {
            if (args.size() != 1 || !parseInt(args[0], step.ms, 0))
                return fail(u"expected: PLAYER silent MS"_s);
            step.kind = Step::Kind::Silent;
        } else if (verb == "expect-close"_L1) {
            if (matchArgs.size() != 1 || !parseInt(matchArgs[0], step.count, 1000))
                return fail(u"expected: PLAYER expect-close CODE [within MS]"_s);
            step.kind = Step::Kind::ExpectClose;
        } else if (verb == "expect"_L1 || verb == "wait-for"_L1) {
            if (matchArgs.isEmpty())
                return fail(
                    u"expected: PLAYER %1 COMMAND [FIELD=VALUE ...] [within MS]"_s.arg(verb));
            step.kind = verb == "expect"_L1 ? Step::Kind::Expect : Step::Kind::WaitFor;
            step.command = matchArgs[0];
            for (const QString &arg : matchArgs.mid(1)) {
                FieldMatch f;
                if (arg.startsWith(u'!')) {
                    f.path = arg.sliced(1);
                    f.op = FieldMatch::Op::Absent;
                } else {
                    const qsizetype eq = arg.indexOf(u'=');
                    if (eq <= 0)
                        return fail(u"a field is PATH=VALUE, PATH=* or !PATH: "_s + arg);
                    f.path = arg.first(eq);
                    const QString value = arg.sliced(eq + 1);
                    if (value == "*"_L1) {
                        f.op = FieldMatch::Op::Present;
                    } else {
                        const std::optional<QJsonValue> json = parseJsonValue(value);
                        f.value = json ? *json : QJsonValue(value);
                    }
                }
                if (f.path.isEmpty())
                    return fail(u"a field without a path: "_s + arg);
                step.fields.append(f);
            }
        } else {
            return fail(u"unknown step '%1'"_s.arg(verb));
        }
        result.script.steps.append(step);
    }
    return result;
}

} // namespace pairmatch::cli
