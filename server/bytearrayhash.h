// QByteArray keys in the standard unordered containers (pair ids, node ids), by Qt's qHash.
#pragma once

#include <QByteArray>
#include <QHashFunctions>

#include <cstddef>

namespace pairmatch {

struct ByteArrayHash {
    std::size_t operator()(const QByteArray &b) const noexcept { return qHash(b); }
};

} // namespace pairmatch
