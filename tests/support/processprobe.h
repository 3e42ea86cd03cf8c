// What this test process holds right now: heap bytes in use and open descriptors. For tests
// that bound what the in-process server keeps for a misbehaving peer (by comparison with a
// baseline taken before, on the same process), never for timing.
#pragma once

#include <QtGlobal>

namespace pairmatch::test {

// Bytes allocated and not freed (glibc's mallinfo2; the sanitizer's allocator under ASan).
qint64 heapInUse();
// Entries of /proc/self/fd.
int openDescriptorCount();

} // namespace pairmatch::test
