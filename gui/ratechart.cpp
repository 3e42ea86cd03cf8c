#include "ratechart.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// A round ceiling for an axis: 1, 2, 5 times a power of ten.
double niceCeiling(double v)
{
    if (v <= 1)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (v <= m * p)
            return m * p;
    }
    return 10 * p;
}

} // namespace

RateChart::RateChart(AdminFeed *feed, QWidget *parent)
    : QWidget(parent)
{
    connect(feed, &AdminFeed::snapshotReceived, this, &RateChart::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &RateChart::onUpdates);
    setAccessibleName(u"Rates of the last minutes"_s);
}

void RateChart::onSnapshot(const Snapshot &snapshot)
{
    m_samples.assign(snapshot.history.begin(), snapshot.history.end());
    while (m_samples.size() > kSeconds)
        m_samples.pop_front();
    update();
}

void RateChart::onUpdates(const QList<AdminUpdate> &updates)
{
    bool added = false;
    for (const AdminUpdate &u : updates) {
        if (u.kind != AdminUpdate::Kind::Stats)
            continue;
        m_samples.push_back(u.stats);
        if (m_samples.size() > kSeconds)
            m_samples.pop_front();
        added = true;
    }
    if (added)
        update();
}

void RateChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());
    const QFontMetrics fm = fontMetrics();
    const int left = fm.horizontalAdvance(u"00000"_s) + 6;
    const int right = fm.horizontalAdvance(u"00000"_s) + 6;
    const QRect plot = rect().adjusted(left, fm.height() + 4, -right, -fm.height() - 4);
    if (plot.width() < 10 || plot.height() < 10)
        return;

    double maxMoves = 0;
    double maxMatches = 0;
    for (const StatsSample &s : m_samples) {
        maxMoves = std::max(maxMoves, s.movesPerSecond);
        maxMatches = std::max(maxMatches, s.matchesPerMinute);
    }
    maxMoves = niceCeiling(maxMoves);
    maxMatches = niceCeiling(maxMatches);

    // The span grows with the history, a minute at a time, up to ten minutes.
    const int minutes = std::clamp(int((m_samples.size() + 59) / 60), 1, kSeconds / 60);
    const double span = minutes * 60.0;

    // grid: a line a minute, and the axes' top values
    p.setPen(QPen(pal.color(QPalette::Mid), 0, Qt::DotLine));
    for (int minute = 0; minute <= minutes; ++minute) {
        const int x = plot.right() - int(minute * 60 / span * plot.width());
        p.drawLine(x, plot.top(), x, plot.bottom());
    }
    p.drawLine(plot.topLeft(), plot.topRight());
    p.setPen(pal.color(QPalette::Text));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());

    const QColor movesColor(0x1f, 0x77, 0xb4);
    const QColor matchesColor(0xd6, 0x27, 0x28);
    const auto series = [&](auto value, double max, const QColor &color) {
        QPainterPath path;
        const auto n = qsizetype(m_samples.size());
        for (qsizetype i = 0; i < n; ++i) {
            const double x = plot.right() - double(n - 1 - i) / span * plot.width();
            const double y = plot.bottom() - value(m_samples[std::size_t(i)]) / max * plot.height();
            if (i == 0)
                path.moveTo(x, y);
            else
                path.lineTo(x, y);
        }
        p.setPen(QPen(color, 1.5));
        p.drawPath(path);
    };
    series([](const StatsSample &s) { return s.movesPerSecond; }, maxMoves, movesColor);
    series([](const StatsSample &s) { return s.matchesPerMinute; }, maxMatches, matchesColor);

    p.setPen(movesColor);
    p.drawText(QRect(0, plot.top() - fm.height() / 2, left - 4, fm.height()),
        Qt::AlignRight | Qt::AlignVCenter, QString::number(maxMoves, 'g', 4));
    p.drawText(
        QRect(plot.left(), 0, plot.width() / 2, fm.height() + 2), Qt::AlignLeft, u"moves/s"_s);
    p.setPen(matchesColor);
    p.drawText(QRect(plot.right() + 4, plot.top() - fm.height() / 2, right - 4, fm.height()),
        Qt::AlignLeft | Qt::AlignVCenter, QString::number(maxMatches, 'g', 4));
    p.drawText(QRect(plot.left() + plot.width() / 2, 0, plot.width() / 2, fm.height() + 2),
        Qt::AlignRight, u"matches/min"_s);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(plot.left(), plot.bottom() + 2, plot.width(), fm.height() + 2), Qt::AlignLeft,
        u"−%1 min"_s.arg(minutes));
    p.drawText(QRect(plot.left(), plot.bottom() + 2, plot.width(), fm.height() + 2), Qt::AlignRight,
        u"now"_s);
}

} // namespace pairmatch
