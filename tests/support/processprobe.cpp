#include "processprobe.h"

#include <QDir>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAIRMATCH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PAIRMATCH_ASAN 1
#endif

#ifdef PAIRMATCH_ASAN
#include <sanitizer/allocator_interface.h>
#else
#include <malloc.h>
#endif

namespace pairmatch::test {

qint64 heapInUse()
{
#ifdef PAIRMATCH_ASAN
    return qint64(__sanitizer_get_current_allocated_bytes());
#else
    const struct mallinfo2 info = mallinfo2();
    return qint64(info.uordblks + info.hblkhd);
#endif
}

int openDescriptorCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)
                   .size());
}

} // namespace pairmatch::test
