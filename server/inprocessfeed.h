// The dashboard's end of the in-process feed: an AdminFeed on the dashboard's thread whose
// other end is a FeedPublisher on the server's thread. Everything between the two goes by
// queued signals: a snapshot, then batches of changes (each acknowledged once the models
// have applied it), commands one way and their results (and history pages) the other.
#pragma once

#include "adminfeed.h"

namespace pairmatch {

class FeedPublisher;

class InProcessFeed final : public AdminFeed
{
    Q_OBJECT

public:
    explicit InProcessFeed(QObject *parent = nullptr);
    // Connects to the publisher's signals and slots (it is never called directly). Safe from
    // the publisher's thread, so a ServerThread attaches it where the publisher lives and
    // dies; the connections go with whichever end goes first.
    void attach(FeedPublisher *publisher);
    ~InProcessFeed() override;
    Q_DISABLE_COPY_MOVE(InProcessFeed)

    void start() override;
    QString source() const override;
    void submit(const AdminCommand &command) override;

Q_SIGNALS:
    // To the publisher.
    void startRequested();
    void applied();
    void commandSubmitted(const pairmatch::AdminCommand &command);

private:
    void onSnapshot(const Snapshot &snapshot);
    void onBatch(const QList<AdminUpdate> &updates);
};

} // namespace pairmatch
