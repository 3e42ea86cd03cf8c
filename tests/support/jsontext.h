// JSON as it travels: an object to its compact text and back, for the codec tests.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace pairmatch::test {

inline QByteArray compactJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The object the text holds; the test program stops when it holds none (a broken test).
inline QJsonObject jsonObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("not a JSON object: %s", json.constData());
    return document.object();
}

} // namespace pairmatch::test
