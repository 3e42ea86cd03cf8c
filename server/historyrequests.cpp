#include "historyrequests.h"

#include "historystore.h"
#include "logging.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

HistoryRequests::HistoryRequests(QObject *parent)
    : QObject(parent)
{ }

HistoryRequests::~HistoryRequests() = default;

HistoryAnswer HistoryRequests::offAnswer(const HistoryQuery &query)
{
    HistoryAnswer answer;
    answer.page.query = query;
    answer.page.error = QString(kHistoryOffError);
    return answer;
}

void HistoryRequests::setBackend(Backend backend)
{
    m_backend = std::move(backend);
    m_early.clear();
    const QHash<quint64, Pending> orphaned = std::exchange(m_pending, {});
    for (const Pending &pending : orphaned) {
        HistoryAnswer answer = offAnswer(pending.query);
        if (isOn())
            answer.page.error = u"the history was replaced before it answered"_s;
        answerLater(pending.asker, pending.reply, std::move(answer));
    }
}

void HistoryRequests::setStore(HistoryStore *store)
{
    if (m_store)
        disconnect(m_store, &HistoryStore::answered, this, &HistoryRequests::onAnswered);
    m_store = store;
    if (!store) {
        setBackend({});
        return;
    }
    setBackend({[store](const HistoryQuery &q) { return store->query(q); },
        [store] {
            return HistoryCounters {store->written(), store->failed(), store->lastError()};
        }});
    connect(store, &HistoryStore::answered, this, &HistoryRequests::onAnswered);
}

void HistoryRequests::ask(const HistoryQuery &query, const QObject *asker, Reply reply)
{
    if (!isOn()) {
        answerLater(asker, std::move(reply), offAnswer(query));
        return;
    }
    HistoryQuery checked;
    if (!fromJson(toJson(query), checked)) { // the codec's rules, also for the in-process feed
        HistoryAnswer answer;
        answer.page.query = query;
        answer.page.error = u"a malformed query: limit must be 1 to %1, offset not negative"_s.arg(
            kMaxHistoryLimit);
        answerLater(asker, std::move(reply), std::move(answer));
        return;
    }
    if (pendingOf(asker) >= kMaxPendingPerAsker) {
        HistoryAnswer answer;
        answer.page.query = query;
        answer.page.error
            = u"too many history queries waiting (%1): ask again later"_s.arg(kMaxPendingPerAsker);
        answerLater(asker, std::move(reply), std::move(answer));
        return;
    }
    m_inQuery = true;
    const quint64 ticket = m_backend.query(query);
    m_inQuery = false;
    if (const auto early = m_early.constFind(ticket); early != m_early.cend()) {
        HistoryAnswer answer {
            *early, m_backend.counters ? m_backend.counters() : HistoryCounters {}};
        m_early.erase(early);
        answerLater(asker, std::move(reply), std::move(answer));
        return;
    }
    m_pending.insert(ticket, Pending {asker, std::move(reply), query});
}

void HistoryRequests::onAnswered(quint64 ticket, const HistoryPage &page)
{
    const auto it = m_pending.find(ticket);
    if (it == m_pending.end()) {
        if (m_inQuery)
            m_early.insert(ticket, page);
        return; // another's ticket, or one whose history was replaced
    }
    Pending pending = std::move(*it);
    m_pending.erase(it);
    deliver(std::move(pending), page);
}

void HistoryRequests::deliver(Pending pending, const HistoryPage &page)
{
    if (!pending.asker) {
        qCDebug(lcAdmin) << "a history answer for an asker that is gone: dropped";
        return;
    }
    const HistoryAnswer answer {
        page, m_backend.counters ? m_backend.counters() : HistoryCounters {}};
    pending.reply(answer);
}

void HistoryRequests::answerLater(const QObject *asker, Reply reply, HistoryAnswer answer)
{
    QMetaObject::invokeMethod(
        this,
        [pending = Pending {asker, std::move(reply), {}}, page = std::move(answer)]() mutable {
            if (!pending.asker)
                return;
            pending.reply(page);
        },
        Qt::QueuedConnection);
}

qsizetype HistoryRequests::pendingOf(const QObject *asker) const
{
    qsizetype n = 0;
    for (const Pending &pending : m_pending)
        n += pending.asker == asker;
    return n;
}

} // namespace pairmatch
