// Writes to stdout until a write fails, then reports the error on stderr and exits with 3.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t n = write(1, buf, sizeof buf);
        if (n < 0) { fprintf(stderr, "write failed after %ld bytes: %s\n", total, strerror(errno)); return 3; }
        total += n;
    }
}
