#include "prometheustext.h"

#include "movetimer.h"

#include <cmath>

namespace pairmatch {

void PrometheusText::family(QByteArrayView name, QByteArrayView type, QByteArrayView help)
{
    m_text.append("# HELP ").append(name).append(' ');
    for (const char c : help) {
        if (c == '\\')
            m_text.append("\\\\");
        else if (c == '\n')
            m_text.append("\\n");
        else
            m_text.append(c);
    }
    m_text.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
}

void PrometheusText::labels(std::initializer_list<Label> labels)
{
    if (labels.size() == 0)
        return;
    m_text.append('{');
    bool first = true;
    for (const Label &label : labels) {
        if (!first)
            m_text.append(',');
        first = false;
        m_text.append(label.first).append("=\"");
        for (const char c : label.second) {
            if (c == '\\')
                m_text.append("\\\\");
            else if (c == '"')
                m_text.append("\\\"");
            else if (c == '\n')
                m_text.append("\\n");
            else
                m_text.append(c);
        }
        m_text.append('"');
    }
    m_text.append('}');
}

void PrometheusText::sample(QByteArrayView name, std::initializer_list<Label> l, quint64 value)
{
    m_text.append(name);
    labels(l);
    m_text.append(' ').append(QByteArray::number(value)).append('\n');
}

void PrometheusText::sample(QByteArrayView name, std::initializer_list<Label> l, double value)
{
    m_text.append(name);
    labels(l);
    m_text.append(' ').append(formatDouble(value)).append('\n');
}

void PrometheusText::histogram(QByteArrayView name, QByteArrayView help, const DurationHistogram &h)
{
    family(name, "histogram", help);
    const QByteArray bucket = name.toByteArray() + "_bucket";
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < DurationHistogram::kBoundsNs.size(); ++i) {
        cumulative += h.buckets[i];
        const QByteArray le = formatDouble(double(DurationHistogram::kBoundsNs[i]) / 1e9);
        sample(bucket, {{"le", le}}, cumulative);
    }
    cumulative += h.buckets.back();
    sample(bucket, {{"le", "+Inf"}}, cumulative);
    sample(name.toByteArray() + "_sum", double(h.sumNs) / 1e9);
    sample(name.toByteArray() + "_count", h.count);
}

QByteArray PrometheusText::formatDouble(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    // the shortest form that reads back as the same double
    for (int precision = 6; precision < 17; ++precision) {
        const QByteArray text = QByteArray::number(value, 'g', precision);
        if (text.toDouble() == value)
            return text;
    }
    return QByteArray::number(value, 'g', 17);
}

} // namespace pairmatch
