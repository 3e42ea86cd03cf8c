// Writes the Prometheus text exposition format (version 0.0.4): metric families with their
// HELP and TYPE lines, samples with labels, histograms. Pure; escaping as the format asks
// (label values: backslash, double quote, newline; HELP: backslash, newline).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <initializer_list>
#include <utility>

namespace pairmatch {

struct DurationHistogram;

class PrometheusText final
{
public:
    using Label = std::pair<QByteArrayView, QByteArrayView>; // name, value

    // "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
    void family(QByteArrayView name, QByteArrayView type, QByteArrayView help);
    void sample(QByteArrayView name, std::initializer_list<Label> labels, quint64 value);
    void sample(QByteArrayView name, std::initializer_list<Label> labels, double value);
    void sample(QByteArrayView name, quint64 value) { sample(name, {}, value); }
    void sample(QByteArrayView name, double value) { sample(name, {}, value); }
    // A whole histogram family in seconds: name_bucket{le=...} (cumulative), _sum, _count.
    void histogram(QByteArrayView name, QByteArrayView help, const DurationHistogram &h);

    const QByteArray &text() const { return m_text; }

    static QByteArray formatDouble(
        double value); // "+Inf", "-Inf", "NaN" or the shortest exact form

private:
    void labels(std::initializer_list<Label> labels);

    QByteArray m_text;
};

} // namespace pairmatch
