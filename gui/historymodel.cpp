#include "historymodel.h"

#include "serverclock.h"
#include "tablemodel.h"

#include <QDateTime>

#include <algorithm>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

QString dateTime(qint64 epochMs)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString userOf(const MatchRecord &r, int index)
{
    return index < 0 || index > 1 ? QString() : QString::fromUtf8(r.userIds[std::size_t(index)]);
}

} // namespace

HistoryModel::HistoryModel(AdminFeed *feed, QObject *parent)
    : QAbstractTableModel(parent)
    , m_feed(feed)
{
    m_asked.limit = kPageSize;
    m_shown = m_asked;
    connect(feed, &AdminFeed::historyAnswered, this, &HistoryModel::onAnswered);
    connect(feed, &AdminFeed::historyCountersReceived, this, &HistoryModel::onCounters);
    connect(feed, &AdminFeed::updatesReceived, this, &HistoryModel::onUpdates);
    connect(feed, &AdminFeed::snapshotReceived, this, [this](const Snapshot &snapshot) {
        if (!snapshot.history.isEmpty())
            onStats(snapshot.history.last());
    });
    m_follow.setSingleShot(true);
    m_follow.setInterval(kFollowIntervalMs);
    m_follow.callOnTimeout(this, &HistoryModel::followNow);
    // A (re)connected feed: the games that ended meanwhile.
    connect(feed, &AdminFeed::connectionChanged, this, [this](bool connected) {
        if (connected)
            refresh();
    });
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case OverAt:
        return u"Over at"_s;
    case Pair:
        return u"Pair"_s;
    case Type:
        return u"Type"_s;
    case Users:
        return u"Users"_s;
    case Outcome:
        return u"Outcome"_s;
    case Moves:
        return u"Moves"_s;
    }
    return {};
}

QString HistoryModel::outcomeText(const MatchRecord &r)
{
    const QString by = userOf(r, r.by);
    switch (r.outcome) {
    case MatchOutcome::Ended:
        return by.isEmpty() ? u"ended"_s : u"ended by %1"_s.arg(by);
    case MatchOutcome::None:
        return by.isEmpty() ? u"none"_s : u"none (%1 left)"_s.arg(by);
    case MatchOutcome::Invalid:
        return u"invalid"_s;
    case MatchOutcome::Expired:
        return u"expired by operator"_s;
    case MatchOutcome::Kicked:
        return by.isEmpty() ? u"kicked"_s : u"kicked: %1"_s.arg(by);
    }
    return {};
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MatchRecord &r = m_rows.at(index.row());
    if (role == KeyRole)
        return QString::fromUtf8(r.pairId);
    if (role == FilterRole)
        return userOf(r, 0) + u' ' + userOf(r, 1);
    if (role == SortRole) {
        switch (index.column()) {
        case OverAt:
            return r.overAtMs;
        case Type:
            return r.type;
        case Moves:
            return r.moveCount;
        default:
            role = Qt::DisplayRole;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case OverAt: {
            QString tip = u"issued %1"_s.arg(dateTime(r.issuedAtMs));
            if (r.startedAtMs > 0) {
                tip += u", started %1, played %2"_s.arg(
                    dateTime(r.startedAtMs), formatDuration(r.overAtMs - r.startedAtMs));
            } else {
                tip += u", never started"_s;
            }
            return tip;
        }
        case Pair:
            return QString::fromUtf8(r.pairId);
        case Moves:
            return r.firstSeq > 1 ? u"moves before seq %1 were not kept"_s.arg(r.firstSeq)
                                  : QVariant();
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == Type || index.column() == Moves)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case OverAt:
        return dateTime(r.overAtMs);
    case Pair:
        return r.pairId.size() > 8 ? QString::fromUtf8(r.pairId.left(8)) + u'…'
                                   : QString::fromUtf8(r.pairId);
    case Type:
        return r.type;
    case Users:
        return u"%1 vs %2"_s.arg(userOf(r, 0), userOf(r, 1));
    case Outcome:
        return outcomeText(r);
    case Moves:
        return r.moveCount;
    }
    return {};
}

void HistoryModel::setFilter(FilterField field, const QString &text)
{
    HistoryQuery q;
    q.limit = kPageSize;
    const QByteArray value = text.trimmed().toUtf8();
    if (field == FilterField::UserId)
        q.userId = value;
    else
        q.pairId = value;
    ask(q);
}

void HistoryModel::refresh()
{
    ask(m_asked);
}

void HistoryModel::showOlder()
{
    if (!hasOlder())
        return;
    HistoryQuery q = m_shown;
    q.offset += q.limit;
    ask(q);
}

void HistoryModel::showNewer()
{
    if (!hasNewer())
        return;
    HistoryQuery q = m_shown;
    q.offset = qMax(0, q.offset - q.limit);
    ask(q);
}

void HistoryModel::setFollowing(bool on)
{
    m_following = on;
    if (!on)
        m_follow.stop();
    else if (m_overSinceAsked && !m_follow.isActive())
        followNow(); // games ended while it was not followed
}

void HistoryModel::onUpdates(const QList<AdminUpdate> &updates)
{
    for (auto it = updates.crbegin(); it != updates.crend(); ++it) {
        if (it->kind == AdminUpdate::Kind::Stats) {
            onStats(it->stats);
            break;
        }
    }
    const bool over = std::any_of(updates.cbegin(), updates.cend(), [](const AdminUpdate &u) {
        return u.kind == AdminUpdate::Kind::PairChanged && u.pair.state == PairState::Over;
    });
    if (!over)
        return;
    m_overSinceAsked = true;
    if (m_following && !m_follow.isActive())
        m_follow.start();
}

// The first page again, when that is what is shown and the last answer is in; else later.
void HistoryModel::followNow()
{
    if (!m_following || !m_overSinceAsked || m_asked.offset != 0)
        return;
    if (m_waiting) {
        m_follow.start();
        return;
    }
    refresh();
}

void HistoryModel::ask(const HistoryQuery &query)
{
    m_overSinceAsked = false;
    m_asked = query;
    m_asked.withMoves = false; // a page of the list; a game's moves are asked on their own
    m_waiting = true;
    m_feed->queryHistory(m_asked);
    Q_EMIT stateChanged();
}

void HistoryModel::onAnswered(const HistoryPage &page)
{
    // Pages asked by others (a game's moves), or for a query since replaced: not this list's.
    if (page.query != m_asked)
        return;
    m_waiting = false;
    m_off = page.error == kHistoryOffError;
    m_error = page.error;
    if (m_off)
        m_counters.reset();
    beginResetModel();
    m_rows = page.error.isEmpty() ? page.rows : QList<MatchRecord>();
    m_shown = page.query;
    m_more = page.error.isEmpty() && page.more;
    endResetModel();
    Q_EMIT stateChanged();
}

void HistoryModel::onCounters(const HistoryCounters &counters)
{
    m_off = false;
    if (m_counters == counters)
        return;
    m_counters = counters;
    Q_EMIT stateChanged();
}

// The counters between answers. Only once an answer said the history is on: with it off
// the samples say 0 and 0.
void HistoryModel::onStats(const StatsSample &stats)
{
    if (m_off || !m_counters)
        return;
    const auto written = quint64(qMax<qint64>(0, stats.historyWritten));
    const auto failed = quint64(qMax<qint64>(0, stats.historyFailed));
    if (written == m_counters->written && failed == m_counters->failed)
        return;
    m_counters->written = written;
    m_counters->failed = failed;
    Q_EMIT stateChanged();
}

QString HistoryModel::stateText() const
{
    if (m_off)
        return u"history off"_s;
    QString text;
    if (m_counters) {
        text = u"%1 written, %2 failed"_s.arg(m_counters->written).arg(m_counters->failed);
        if (!m_counters->lastError.isEmpty())
            text += u": "_s + m_counters->lastError;
    }
    if (!m_error.isEmpty())
        text += (text.isEmpty() ? QString() : u" · "_s) + u"could not read: "_s + m_error;
    if (text.isEmpty())
        text = m_waiting ? u"asking the history…"_s : u"history: no answer yet"_s;
    return text;
}

QString HistoryModel::pageText() const
{
    if (m_rows.isEmpty())
        return m_shown.offset == 0 ? u"no games"_s : u"no games past %1"_s.arg(m_shown.offset);
    return u"games %1–%2%3"_s.arg(m_shown.offset + 1)
        .arg(m_shown.offset + m_rows.size())
        .arg(m_more ? u" (more)"_s : QString());
}

} // namespace pairmatch
