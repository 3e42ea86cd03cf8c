// A small live chart of the last minutes: moves per second and matches per minute, one
// sample a second, drawn with QPainter.
#pragma once

#include "adminfeed.h"

#include <QWidget>

#include <deque>

namespace pairmatch {

class RateChart final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kSeconds = 600; // what the server keeps, too

    explicit RateChart(AdminFeed *feed, QWidget *parent = nullptr);

    QSize sizeHint() const override { return {480, 120}; }
    QSize minimumSizeHint() const override { return {200, 80}; }
    const std::deque<StatsSample> &samples() const { return m_samples; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);

    std::deque<StatsSample> m_samples;
};

} // namespace pairmatch
