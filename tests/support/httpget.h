// One plain HTTP request over raw TCP, as Prometheus or a load balancer's health check sends
// it, and the whole response (the server closes the connection after it). For /metrics,
// /healthz and /readyz. And the samples of a Prometheus text body, for exact comparisons.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>

namespace pairmatch::test {

struct HttpGetResult {
    int status = -1; // -1: no response
    QByteArray head; // status line and headers
    QByteArray body;
    bool closedByServer = false;
    // A header's value (case-insensitive name), trimmed; empty when absent.
    QByteArray header(QByteArrayView name) const;
};

// METHOD path HTTP/1.1 to 127.0.0.1:port; the response read until the server closes.
HttpGetResult httpGet(
    quint16 port, const QByteArray &path, const QByteArray &method = "GET", int timeoutMs = 5000);

// "name{labels}" (as written) -> value, for every sample line of a Prometheus text body.
QHash<QByteArray, QByteArray> metricSamples(const QByteArray &body);

} // namespace pairmatch::test
