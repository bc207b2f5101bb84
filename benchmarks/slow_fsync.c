/* A disk whose fsync is slower, for bench_ledger.py --fsync-delay-ms (Linux, LD_PRELOAD).
 *
 * Every fsync/fdatasync first sleeps FSYNC_DELAY_US microseconds, then syncs for real.
 * A village PC's hard disk or cheap eMMC takes several milliseconds per fsync; the
 * machine the figures in README.md come from takes about 0.3 ms.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
static void pause_us(void) {
    const char *s = getenv("FSYNC_DELAY_US");
    long us = s ? atol(s) : 0;
    if (us > 0) { struct timespec t = { us / 1000000, (us % 1000000) * 1000 }; nanosleep(&t, NULL); }
}
int fsync(int fd) { static int (*real)(int); if (!real) real = dlsym(RTLD_NEXT, "fsync"); pause_us(); return real(fd); }
int fdatasync(int fd) { static int (*real)(int); if (!real) real = dlsym(RTLD_NEXT, "fdatasync"); pause_us(); return real(fd); }
