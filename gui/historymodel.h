// The match history's finished games (matchhistory.h), one page at a time, newest first: the
// model asks the feed for the page (queryHistory) and shows it when historyAnswered brings
// it; a filter (userId or pairId) and the paging are part of the query, answered by the
// server. While following (the History tab is in front), a pair that goes over brings the
// first page again, at most once every kFollowIntervalMs. Also the history's state as one
// line: off, or how many rows were written and failed (as of the last answer, then live from
// the stats samples, once a second), and the last error (as of the last answer).
#pragma once

#include "adminfeed.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <optional>

namespace pairmatch {

class HistoryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int kPageSize = 50;
    static constexpr int kFollowIntervalMs = 1000;
    enum Column { OverAt, Pair, Type, Users, Outcome, Moves, ColumnCount };
    enum class FilterField : quint8 { UserId, PairId };

    explicit HistoryModel(AdminFeed *feed, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const MatchRecord &recordAt(int row) const { return m_rows.at(row); }

    // The query of the page asked for last (shown once its answer came).
    const HistoryQuery &query() const { return m_asked; }
    // Only games of this user (or this pair); empty: all. Asks for the first page.
    void setFilter(FilterField field, const QString &text);
    // Asks for the page shown again (the newest games: a refresh of the first page).
    void refresh();
    // The page of older games, when there is one; the page of newer ones, unless on the first.
    void showOlder();
    void showNewer();
    bool hasOlder() const { return m_more; }
    bool hasNewer() const { return m_shown.offset > 0; }
    bool isWaiting() const { return m_waiting; }
    // On: games that end show up by themselves while the first page is shown.
    void setFollowing(bool on);
    bool isFollowing() const { return m_following; }

    // The history's state: "history off", "12 written, 0 failed",
    // "12 written, 1 failed: <last error>", or why the last page could not be read.
    QString stateText() const;
    // "games 51–100", "no games", for the paging line.
    QString pageText() const;

    // "ended by bob", "none (alice left)", "invalid", "expired by operator", "kicked: alice"
    static QString outcomeText(const MatchRecord &record);

Q_SIGNALS:
    // A page arrived (or could not be read), or the history's counters changed.
    void stateChanged();

private:
    void ask(const HistoryQuery &query);
    void onAnswered(const HistoryPage &page);
    void onCounters(const HistoryCounters &counters);
    void onUpdates(const QList<AdminUpdate> &updates);
    void onStats(const StatsSample &stats);
    void followNow();

    AdminFeed *m_feed;
    QList<MatchRecord> m_rows;
    HistoryQuery m_asked; // the last query sent
    HistoryQuery m_shown; // the query of the rows shown
    bool m_more = false;
    bool m_waiting = false;
    bool m_off = false;
    bool m_following = false;
    bool m_overSinceAsked = false; // a pair went over after the last query was sent
    QTimer m_follow; // holds the next follow-up query back
    QString m_error; // why the last page could not be read
    std::optional<HistoryCounters> m_counters;
};

} // namespace pairmatch
