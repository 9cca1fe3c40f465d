// Reports whether stdin/stdout/stderr look like terminals, and stdout's behaviour under a seek.
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    printf("isatty %d %d %d\n", isatty(0), isatty(1), isatty(2));
    off_t r = lseek(1, 0, SEEK_CUR);
    printf("lseek stdout %d errno %d\n", (int)r, r < 0 ? errno : 0);
    return 0;
}
