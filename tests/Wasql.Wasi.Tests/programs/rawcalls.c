// A hostile guest: raw WASI calls with out-of-bounds pointers, bad descriptors and bad arguments. Each line
// prints the errno; the host must answer with errnos and never crash.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int32_t raw_proc_raise(int32_t sig) __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("proc_raise")));

int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, int32_t fd_out)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")));

#define BAD ((void *)0xFFFFFF00u)
#define P(name, expr) printf("%s %d\n", name, (int)(expr))

int main(void) {
    char buf[64] = "hello\n";
    __wasi_size_t n = 0;
    __wasi_ciovec_t ok = {(const uint8_t *)buf, 6};
    __wasi_ciovec_t badbuf = {(const uint8_t *)BAD, 0x1000};
    __wasi_iovec_t rbad = {(uint8_t *)BAD, 0x1000};
    P("write_bad_iovs", __wasi_fd_write(1, (const __wasi_ciovec_t *)BAD, 1, &n));
    P("write_bad_buf", __wasi_fd_write(1, &badbuf, 1, &n));
    P("write_bad_nwritten", __wasi_fd_write(1, &ok, 1, (__wasi_size_t *)0xFFFFFFFCu));
    P("write_huge_count", __wasi_fd_write(1, &ok, 0x7FFFFFFF, &n));
    P("write_bad_fd", __wasi_fd_write(99, &ok, 1, &n));
    P("write_stdin", __wasi_fd_write(0, &ok, 1, &n));
    P("read_bad_buf", __wasi_fd_read(0, &rbad, 1, &n));
    P("read_stdout", __wasi_fd_read(1, &rbad, 1, &n));
    P("random_bad", __wasi_random_get(BAD, 0x1000));
    P("args_sizes_bad", __wasi_args_sizes_get((__wasi_size_t *)BAD, (__wasi_size_t *)BAD));
    P("args_get_bad", __wasi_args_get((uint8_t **)BAD, (uint8_t *)BAD));
    P("clock_bad_id", __wasi_clock_time_get(99, 0, (__wasi_timestamp_t *)buf));
    P("clock_bad_ptr", __wasi_clock_time_get(0, 0, (__wasi_timestamp_t *)BAD));
    P("path_open_bad_ptr", raw_path_open(3, 0, (int32_t)BAD, 100, 0, 0, 0, 0, (int32_t)buf));
    P("path_open_bad_utf8", __wasi_path_open(3, 0, "\xff\xfe", 0, __WASI_RIGHTS_FD_READ, 0, 0, (__wasi_fd_t *)buf));
    P("path_open_not_dir", __wasi_path_open(1, 0, "x", 0, 0, 0, 0, (__wasi_fd_t *)buf));
    P("path_open_bad_out", __wasi_path_open(3, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, (__wasi_fd_t *)BAD));
    P("close_bad", __wasi_fd_close(99));
    P("prestat_stdin", __wasi_fd_prestat_get(0, (__wasi_prestat_t *)buf));
    P("prestat_name_short", __wasi_fd_prestat_dir_name(3, (uint8_t *)buf, 1));
    P("seek_stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_SET, (__wasi_filesize_t *)buf));
    P("readdir_stdout", __wasi_fd_readdir(1, (uint8_t *)buf, sizeof buf, 0, &n));
    P("readdir_bad_buf", __wasi_fd_readdir(3, (uint8_t *)BAD, 0x1000, 0, &n));
    P("renumber_bad", __wasi_fd_renumber(3, 99));
    P("raise", raw_proc_raise(6));
    P("sched_yield", __wasi_sched_yield());
    P("poll_zero", __wasi_poll_oneoff((const __wasi_subscription_t *)buf, (__wasi_event_t *)buf, 0, &n));
    P("poll_bad", __wasi_poll_oneoff((const __wasi_subscription_t *)BAD, (__wasi_event_t *)BAD, 100, &n));
    P("sock_recv_stdout", __wasi_sock_recv(1, (const __wasi_iovec_t *)buf, 0, 0, &n, (__wasi_roflags_t *)buf));
    P("sock_send_bad_fd", __wasi_sock_send(99, (const __wasi_ciovec_t *)buf, 0, 0, &n));
    P("sock_accept_preopen", __wasi_sock_accept(3, 0, (__wasi_fd_t *)buf));
    P("sock_shutdown", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
    P("set_rights_escalate", __wasi_fd_fdstat_set_rights(1, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
    P("filestat_set_times_bad", __wasi_fd_filestat_set_times(3, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    puts("survived");
    return 0;
}
