// What every process a test starts (the server binary, redis-server) does between fork and
// exec: it asks the kernel to kill it when the test that started it dies, by a crash, an
// abort or a timeout's SIGKILL as much as by a normal end, so that no node or redis-server
// outlives an aborted test run and holds its port.
#pragma once

#include <csignal>
#include <sys/prctl.h>

namespace pairmatch::test {

inline void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

} // namespace pairmatch::test
