// File I/O inside the directory argv[1]: create, write, read back, seek, pread/pwrite, truncate, readdir,
// rename, append, stat, symlinks, unlink, rmdir, and the errno of common failures.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base;
static char buf[1024];
static const char *P(const char *rel) { static char p[4][512]; static int k; k = (k + 1) & 3; snprintf(p[k], sizeof p[k], "%s/%s", base, rel); return p[k]; }
static void err(const char *what, int r) { printf("%s -> %d %s\n", what, r, r < 0 ? strerror(errno) : "ok"); }
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *rel) {
    DIR *d = opendir(P(rel));
    if (!d) { printf("opendir %s: %s\n", rel, strerror(errno)); return; }
    char *names[128]; int n = 0; struct dirent *e;
    while ((e = readdir(d)) && n < 128)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(char *), cmp);
    printf("ls %s:", rel);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc < 2) { printf("usage: files DIR\n"); return 2; }
    base = argv[1];
    struct stat st;
    err("mkdir sub", mkdir(P("sub"), 0755));
    err("mkdir sub again", mkdir(P("sub"), 0755));

    FILE *f = fopen(P("sub/a.txt"), "w");
    if (!f) { printf("fopen w: %s\n", strerror(errno)); return 1; }
    fprintf(f, "line1\nline2\n");
    for (int i = 0; i < 1000; i++) fprintf(f, "%d,", i);
    fclose(f);
    err("stat a", stat(P("sub/a.txt"), &st));
    printf("size %lld reg %d dir %d\n", (long long)st.st_size, S_ISREG(st.st_mode), S_ISDIR(st.st_mode));

    f = fopen(P("sub/a.txt"), "r");
    fgets(buf, sizeof buf, f); printf("first [%s]", buf);
    fseek(f, 6, SEEK_SET); fgets(buf, sizeof buf, f); printf("at 6 [%s]", buf);
    printf("tell %ld\n", ftell(f));
    fseek(f, -4, SEEK_END); size_t n = fread(buf, 1, 100, f); buf[n] = 0; printf("tail %zu [%s]\n", n, buf);
    fclose(f);

    int fd = open(P("sub/b.bin"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    err("open b", fd);
    unsigned char bytes[256];
    for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
    printf("write %zd\n", write(fd, bytes, 256));
    printf("lseek %lld\n", (long long)lseek(fd, 100, SEEK_SET));
    unsigned char r[8] = {0};
    printf("read %zd: %d %d %d %d\n", read(fd, r, 4), r[0], r[1], r[2], r[3]);
    printf("cur %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("pwrite %zd\n", pwrite(fd, "XYZ", 3, 10));
    memset(r, 0, sizeof r);
    printf("pread %zd: %d %c %c %c %d\n", pread(fd, r, 5, 9), r[0], r[1], r[2], r[3], r[4]);
    printf("cur after p %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("end %lld\n", (long long)lseek(fd, 0, SEEK_END));
    err("lseek negative", (int)lseek(fd, -1000, SEEK_SET));
    err("ftruncate 50", ftruncate(fd, 50));
    fstat(fd, &st); printf("after truncate %lld\n", (long long)st.st_size);
    err("ftruncate 300", ftruncate(fd, 300));
    fstat(fd, &st); printf("after extend %lld\n", (long long)st.st_size);
    memset(r, 1, sizeof r);
    printf("pread hole %zd: %d %d\n", pread(fd, r, 2, 290), r[0], r[1]);
    printf("pread eof %zd\n", pread(fd, r, 2, 400));
    close(fd);

    fd = open(P("sub/created-rdonly"), O_CREAT | O_RDONLY, 0644);
    err("create read-only", fd);
    err("write to created read-only", (int)write(fd, "x", 1));
    fstat(fd, &st); printf("created size %lld\n", (long long)st.st_size);
    close(fd);
    err("unlink created", unlink(P("sub/created-rdonly")));
    err("open excl", open(P("sub/b.bin"), O_CREAT | O_EXCL | O_WRONLY, 0644));
    err("open missing", open(P("sub/missing"), O_RDONLY));
    err("open dir for write", open(P("sub"), O_WRONLY));
    err("open file as dir", open(P("sub/b.bin"), O_RDONLY | O_DIRECTORY));
    err("open under file", open(P("sub/b.bin/x"), O_RDONLY));
    list("sub");

    err("rename a->c", rename(P("sub/a.txt"), P("sub/c.txt")));
    err("stat old", stat(P("sub/a.txt"), &st));
    err("stat new", stat(P("sub/c.txt"), &st));
    printf("renamed size %lld\n", (long long)st.st_size);
    err("rename missing", rename(P("sub/nope"), P("sub/nope2")));
    list("sub");

    f = fopen(P("sub/c.txt"), "a"); fputs("TAIL", f); fclose(f);
    stat(P("sub/c.txt"), &st); printf("appended size %lld\n", (long long)st.st_size);
    fd = open(P("sub/c.txt"), O_RDONLY);
    lseek(fd, -6, SEEK_END); n = read(fd, buf, 100); buf[n] = 0; printf("append tail [%s]\n", buf);
    err("write to read-only fd", (int)write(fd, "x", 1));
    close(fd);
    err("read closed fd", (int)read(fd, buf, 1));

    err("mkdir deep", mkdir(P("sub/d1"), 0755));
    err("mkdir deeper", mkdir(P("sub/d1/d2"), 0755));
    err("mkdir missing parent", mkdir(P("sub/zz/d2"), 0755));
    f = fopen(P("sub/d1/d2/x"), "w"); fputs("x", f); fclose(f);
    err("rmdir non-empty", rmdir(P("sub/d1")));
    err("unlink dir", unlink(P("sub/d1")));
    err("rmdir file", rmdir(P("sub/c.txt")));
    err("rename dir", rename(P("sub/d1"), P("sub/d9")));
    list("sub/d9/d2");
    err("relative dotdot", stat(P("sub/d9/d2/../../c.txt"), &st));
    printf("dotdot size %lld\n", (long long)st.st_size);

    err("symlink", symlink("c.txt", P("sub/link")));
    ssize_t ln = readlink(P("sub/link"), buf, sizeof buf);
    if (ln >= 0) buf[ln] = 0;
    printf("readlink %zd [%s]\n", ln, ln >= 0 ? buf : "");
    err("stat via link", stat(P("sub/link"), &st));
    printf("link target size %lld reg %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    err("lstat link", lstat(P("sub/link"), &st));
    printf("lstat is link %d\n", S_ISLNK(st.st_mode));
    fd = open(P("sub/link"), O_RDONLY);
    n = read(fd, buf, 5); buf[n] = 0; printf("read via link [%s]\n", buf);
    close(fd);
    err("symlink to dir", symlink("d9", P("sub/dirlink")));
    list("sub/dirlink");
    err("readlink on file", (int)readlink(P("sub/c.txt"), buf, sizeof buf));
    list("sub");

    err("unlink link", unlink(P("sub/link")));
    err("unlink dirlink", unlink(P("sub/dirlink")));
    err("unlink x", unlink(P("sub/d9/d2/x")));
    err("rmdir d2", rmdir(P("sub/d9/d2")));
    err("rmdir d9", rmdir(P("sub/d9")));
    err("unlink b", unlink(P("sub/b.bin")));
    err("unlink c", unlink(P("sub/c.txt")));
    err("unlink missing", unlink(P("sub/c.txt")));
    err("rmdir sub", rmdir(P("sub")));
    list(".");
    return 0;
}
