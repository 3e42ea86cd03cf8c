// The match history as the operators ask it (the admin API, the in-process dashboard): a query
// goes to the history (server/historystore.h) with the one who asked, and the answer goes back
// to that asker alone once the history has it, with the history's counters; an asker gone
// meanwhile gets nothing. Without a history (--history off) every query is answered with a
// page whose error is "history is off". Lives on the server's thread, as the history does.
#pragma once

#include "admincommands.h"
#include "matchhistory.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

namespace pairmatch {

class HistoryStore;

class HistoryRequests final : public QObject
{
    Q_OBJECT

public:
    // Queries one asker may have waiting at once; past that it is answered with an error page.
    static constexpr int kMaxPendingPerAsker = 8;

    // What the history does for it: start a query (its ticket; the page comes later through
    // onAnswered) and read its counters. Whoever owns the history fills it in and connects
    // the history's answered() signal to onAnswered().
    struct Backend {
        std::function<quint64(const HistoryQuery &)> query;
        std::function<HistoryCounters()> counters;
    };

    explicit HistoryRequests(QObject *parent = nullptr);
    ~HistoryRequests() override;
    Q_DISABLE_COPY_MOVE(HistoryRequests)

    // The history to ask from now on; an empty backend turns it off. Queries waiting for the
    // old one are answered with an error page.
    void setBackend(Backend backend);
    // The SQLite store as the backend (null: off); it must outlive this object or be unset.
    void setStore(HistoryStore *store);
    bool isOn() const { return bool(m_backend.query); }

    using Reply = std::function<void(const HistoryAnswer &answer)>;
    // Asks for a page. `reply` runs later on this thread, never inside ask(), and not at all
    // once `asker` is destroyed. A malformed query (matchhistory.h: limit 1 to
    // kMaxHistoryLimit, offset not negative) is answered with an error page.
    void ask(const HistoryQuery &query, const QObject *asker, Reply reply);
    // Queries sent to the history and not answered yet.
    qsizetype pendingCount() const { return m_pending.size(); }

    // The history answered the query with this ticket.
    void onAnswered(quint64 ticket, const pairmatch::HistoryPage &page);

    // The answer of a server without a history.
    static HistoryAnswer offAnswer(const HistoryQuery &query);

private:
    struct Pending {
        QPointer<const QObject> asker;
        Reply reply;
        HistoryQuery query;
    };

    void answerLater(const QObject *asker, Reply reply, HistoryAnswer answer);
    void deliver(Pending pending, const HistoryPage &page);
    qsizetype pendingOf(const QObject *asker) const;

    Backend m_backend;
    QPointer<HistoryStore> m_store;
    QHash<quint64, Pending> m_pending; // by ticket
    // Answers that came while the history was still inside query(), before its ticket was
    // known here.
    QHash<quint64, HistoryPage> m_early;
    bool m_inQuery = false;
};

} // namespace pairmatch
