// The dashboard's feed in the same process: the ServerCore's snapshot and updates, handed
// over directly on the one thread, and operator commands carried out on the core
// (adminactions.h, as the admin API does).
#pragma once

#include "adminfeed.h"

namespace pairmatch {

class ServerCore;

class LocalFeed final : public AdminFeed
{
    Q_OBJECT

public:
    explicit LocalFeed(ServerCore &core, QObject *parent = nullptr);
    ~LocalFeed() override;
    Q_DISABLE_COPY_MOVE(LocalFeed)

    void start() override;
    QString source() const override;
    void submit(const AdminCommand &command) override;

private:
    ServerCore &m_core;
    bool m_started = false;
};

} // namespace pairmatch
