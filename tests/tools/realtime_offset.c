/* Shifts CLOCK_REALTIME (and time(), gettimeofday()) by $REALTIME_OFFSET_S seconds; the
   monotonic clocks, sleeps and timed waits are untouched. It checks that the suite does not
   depend on the real date, for example at mid-2028:

     gcc -shared -fPIC -O2 -o /tmp/realtime_offset.so tests/tools/realtime_offset.c -ldl
     REALTIME_OFFSET_S=$(( $(date -d 2028-06-01 +%s) - $(date +%s) )) \
       LD_PRELOAD=/tmp/realtime_offset.so .venv/bin/python -m pytest -q

   Debian's libfaketime 0.9.10 cannot do this for Python 3.11: with the monotonic clock faked,
   timed waits (Thread.join(timeout), Event.wait) never time out; without, time.sleep fails with
   EINVAL. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long offset(void) {
    const char *s = getenv("REALTIME_OFFSET_S");
    return s ? atol(s) : 0;
}

int clock_gettime(clockid_t id, struct timespec *tp) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = dlsym(RTLD_NEXT, "clock_gettime");
    int r = real(id, tp);
    if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) tp->tv_sec += offset();
    return r;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    static int (*real)(struct timeval *restrict, void *restrict);
    if (!real) real = dlsym(RTLD_NEXT, "gettimeofday");
    int r = real(tv, tz);
    if (r == 0 && tv) tv->tv_sec += offset();
    return r;
}

time_t time(time_t *t) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t) *t = ts.tv_sec;
    return ts.tv_sec;
}
