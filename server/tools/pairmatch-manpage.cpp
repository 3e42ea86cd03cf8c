// Writes pairmatch.1 (server/manpage.h) at build time: pairmatch-manpage VERSION DATE FILE.
#include "manpage.h"

#include <QFile>
#include <QString>

#include <cstdio>

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: pairmatch-manpage VERSION DATE FILE\n");
        return 2;
    }
    const QString page = pairmatch::pairmatchManPage(
        QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]));
    QFile out(QString::fromLocal8Bit(argv[3]));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "pairmatch-manpage: cannot write %s\n", argv[3]);
        return 1;
    }
    const QByteArray bytes = page.toUtf8();
    return out.write(bytes) == bytes.size() ? 0 : 1;
}
