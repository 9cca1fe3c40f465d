// Tries to reach files through each argv path (libc open/stat/opendir), then with raw WASI calls on fd 3
// (the first preopen): "..", absolute paths, symlinks; and tries to plant escaping symlinks.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static void try_open(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("open %s: errno %d\n", path, errno); return; }
    char buf[128]; ssize_t n = read(fd, buf, sizeof buf - 1); close(fd);
    if (n < 0) { printf("open %s: read errno %d\n", path, errno); return; }
    buf[n] = 0; printf("open %s: ok [%s]\n", path, buf);
}

static void raw_open(const char *path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    if (e) { printf("raw %s: errno %d\n", path, e); return; }
    char buf[128]; __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1}; __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n); (void)__wasi_fd_close(fd);
    buf[e ? 0 : n] = 0; printf("raw %s: ok [%s]\n", path, buf);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        try_open(argv[i]);
        struct stat st;
        if (stat(argv[i], &st) == 0) printf("stat %s: ok size %lld\n", argv[i], (long long)st.st_size);
        else printf("stat %s: errno %d\n", argv[i], errno);
        DIR *d = opendir(argv[i]);
        if (d) { int n = 0; while (readdir(d)) n++; closedir(d); printf("opendir %s: ok %d\n", argv[i], n); }
        else printf("opendir %s: errno %d\n", argv[i], errno);
    }
    const char *raw[] = {"inside.txt", "../secret.txt", "sub/../../secret.txt", "/etc/passwd", "/", "escape_abs",
                         "escape_rel", "dirlink/secret.txt", "sub/deeper_escape", "loop1", "."};
    for (size_t i = 0; i < sizeof raw / sizeof *raw; i++) raw_open(raw[i]);
    printf("plant abs symlink: errno %d\n", __wasi_path_symlink("/etc/passwd", 3, "evil1"));
    printf("plant rel symlink: errno %d\n", __wasi_path_symlink("../../secret.txt", 3, "evil2"));
    printf("plant sub symlink: errno %d\n", __wasi_path_symlink("../../secret.txt", 3, "sub/evil3"));
    printf("plant ok symlink: errno %d\n", __wasi_path_symlink("sub/../inside.txt", 3, "good"));
    raw_open("good");
    printf("rename out: errno %d\n", __wasi_path_rename(3, "inside.txt", 3, "../stolen.txt"));
    printf("mkdir out: errno %d\n", __wasi_path_create_directory(3, "../newdir"));
    printf("unlink out: errno %d\n", __wasi_path_unlink_file(3, "../secret.txt"));
    return 0;
}
