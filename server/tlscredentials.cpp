#include "tlscredentials.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// Whether the PEM private key is the one of the first PEM certificate. Qt has no such check:
// OpenSSL's, on the same bytes.
bool keyMatchesCertificate(const QByteArray &certPem, const QByteArray &keyPem)
{
    const std::unique_ptr<BIO, decltype(&BIO_free)> certBio(
        BIO_new_mem_buf(certPem.constData(), int(certPem.size())), BIO_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(
        BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), BIO_free);
    if (!certBio || !keyBio)
        return false;
    const std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr), X509_free);
    // an empty passphrase: an encrypted key fails to read instead of prompting
    char empty[] = "";
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, empty), EVP_PKEY_free);
    return cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
}

} // namespace

TlsCredentials loadTlsCredentials(const QString &certFile, const QString &keyFile)
{
    TlsCredentials result;
    QFile cert(certFile);
    QFile key(keyFile);
    if (!cert.open(QIODevice::ReadOnly)) {
        result.error = u"cannot read --tls-cert %1: %2"_s.arg(cert.fileName(), cert.errorString());
        return result;
    }
    if (!key.open(QIODevice::ReadOnly)) {
        result.error = u"cannot read --tls-key %1: %2"_s.arg(key.fileName(), key.errorString());
        return result;
    }
    const QByteArray certPem = cert.readAll();
    const QByteArray keyPem = key.readAll();
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    QSslKey privateKey(keyPem, QSsl::Rsa, QSsl::Pem);
    if (privateKey.isNull())
        privateKey = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty()) {
        result.error = u"--tls-cert %1 holds no PEM certificate"_s.arg(cert.fileName());
        return result;
    }
    if (privateKey.isNull()) {
        result.error = u"--tls-key %1 holds no PEM RSA or EC private key (encrypted keys are not "
                       "supported)"_s.arg(key.fileName());
        return result;
    }
    if (!keyMatchesCertificate(certPem, keyPem)) {
        result.error
            = u"--tls-key %1 is not the private key of the certificate in --tls-cert %2"_s.arg(
                key.fileName(), cert.fileName());
        return result;
    }
    if (!QSslSocket::supportsSsl()) {
        result.error = u"TLS is not available in this Qt build"_s;
        return result;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(privateKey);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    result.configuration = std::move(configuration);
    const QSslCertificate &leaf = chain.first();
    const QStringList names = leaf.subjectInfo(QSslCertificate::CommonName);
    result.summary = u"CN=%1, expires %2"_s.arg(
        names.isEmpty() ? u"?"_s : names.first(), leaf.expiryDate().toUTC().toString(Qt::ISODate));
    return result;
}

} // namespace pairmatch
