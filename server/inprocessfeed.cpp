#include "inprocessfeed.h"

#include "feedpublisher.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

InProcessFeed::InProcessFeed(QObject *parent)
    : AdminFeed(parent)
{ }

void InProcessFeed::attach(FeedPublisher *publisher)
{
    // Queued both ways, even on one thread (tests): neither end ever runs inside the other.
    constexpr auto queued = Qt::QueuedConnection;
    connect(this, &InProcessFeed::startRequested, publisher, &FeedPublisher::start, queued);
    connect(this, &InProcessFeed::applied, publisher, &FeedPublisher::acknowledge, queued);
    connect(this, &InProcessFeed::commandSubmitted, publisher, &FeedPublisher::submit, queued);
    connect(publisher, &FeedPublisher::snapshotReady, this, &InProcessFeed::onSnapshot, queued);
    connect(publisher, &FeedPublisher::batchReady, this, &InProcessFeed::onBatch, queued);
    connect(publisher, &FeedPublisher::resultReady, this, &InProcessFeed::deliverResult, queued);
    connect(publisher, &FeedPublisher::historyReady, this, &InProcessFeed::deliverHistory, queued);
}

InProcessFeed::~InProcessFeed() = default;

void InProcessFeed::start()
{
    Q_EMIT connectionChanged(true, source());
    Q_EMIT startRequested();
}

QString InProcessFeed::source() const
{
    return u"in-process"_s;
}

void InProcessFeed::submit(const AdminCommand &command)
{
    Q_EMIT commandSubmitted(command);
}

void InProcessFeed::onSnapshot(const Snapshot &snapshot)
{
    deliverSnapshot(snapshot);
    Q_EMIT applied();
}

void InProcessFeed::onBatch(const QList<AdminUpdate> &updates)
{
    deliverUpdates(updates);
    Q_EMIT applied();
}

} // namespace pairmatch
