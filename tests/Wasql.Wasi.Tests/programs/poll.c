// poll_oneoff directly: clock-only subscriptions sleep and fire the earliest; an fd subscription is ready at once.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static void clock_sub(__wasi_subscription_t *s, uint64_t userdata, uint64_t timeout_ns, int abstime) {
    memset(s, 0, sizeof *s);
    s->userdata = userdata;
    s->u.tag = __WASI_EVENTTYPE_CLOCK;
    s->u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s->u.u.clock.timeout = timeout_ns;
    s->u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
}

int main(void) {
    __wasi_subscription_t subs[3];
    __wasi_event_t events[3];
    __wasi_size_t n = 0;
    __wasi_timestamp_t t0, t1;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0);

    clock_sub(&subs[0], 10, 50000000, 0);  // 50 ms
    clock_sub(&subs[1], 11, 2000000, 0);   // 2 ms: fires first
    __wasi_errno_t e = __wasi_poll_oneoff(subs, events, 2, &n);
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1);
    printf("clocks: errno %d n %lu first %llu type %d err %d waited>=2ms %d\n", e, n, (unsigned long long)events[0].userdata,
           events[0].type, events[0].error, t1 - t0 >= 2000000);

    clock_sub(&subs[0], 20, t1 + 1000000, 1);  // absolute, 1 ms ahead
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    printf("abstime: errno %d n %lu userdata %llu\n", e, n, (unsigned long long)events[0].userdata);

    clock_sub(&subs[0], 30, 3600ull * 1000000000, 0);  // an hour, but stdin is ready
    memset(&subs[1], 0, sizeof subs[1]);
    subs[1].userdata = 31;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[1].u.u.fd_read.file_descriptor = 0;
    memset(&subs[2], 0, sizeof subs[2]);
    subs[2].userdata = 32;
    subs[2].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[2].u.u.fd_write.file_descriptor = 1;
    e = __wasi_poll_oneoff(subs, events, 3, &n);
    printf("fds: errno %d n %lu", e, n);
    for (unsigned i = 0; i < n; i++) printf(" [%llu type %d err %d]", (unsigned long long)events[i].userdata, events[i].type, events[i].error);
    printf("\n");

    subs[1].u.u.fd_read.file_descriptor = 77;
    e = __wasi_poll_oneoff(&subs[1], events, 1, &n);
    printf("bad fd: errno %d n %lu err %d\n", e, n, events[0].error);
    return 0;
}
