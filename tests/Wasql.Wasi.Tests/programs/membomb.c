// Allocates 1 MiB blocks until malloc returns NULL, then reports how far it got.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *volatile keep[100000]; // escapes every block so the allocations cannot be optimized away

int main(void) {
    int mib = 0;
    for (;;) {
        char *p = malloc(1 << 20);
        if (!p) break;
        memset(p, 0xab, 1 << 20);
        keep[mib++] = p;
        if (mib >= 100000) return 1;
    }
    printf("malloc returned NULL after %d MiB\n", mib);
    return 0;
}
