// A certificate chain and its private key from PEM files, checked to belong together, as
// the QSslConfiguration a listener serves with. WsServer::listen() loads them at start-up,
// WsServer::reloadTls() again on SIGHUP: the same checks, the same messages.
#pragma once

#include <QSslConfiguration>
#include <QString>

#include <optional>

namespace pairmatch {

struct TlsCredentials {
    std::optional<QSslConfiguration> configuration; // nullopt: see error
    QString error; // one line naming the file and what is wrong with it
    QString summary; // "CN=game.example.com, expires 2027-03-01T00:00:00Z", when loaded
};

// Reads both files and checks: a PEM certificate, an unencrypted PEM RSA or EC key, and the
// key is the certificate's (a mismatched pair would fail every handshake).
TlsCredentials loadTlsCredentials(const QString &certFile, const QString &keyFile);

} // namespace pairmatch
