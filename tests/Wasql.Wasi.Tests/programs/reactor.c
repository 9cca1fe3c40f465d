// A reactor module (no _start): _initialize runs constructors, then the host calls exported functions.
#include <stdio.h>
#include <stdlib.h>

static int initialized;
__attribute__((constructor)) static void init(void) { initialized = 42; }

__attribute__((export_name("run"))) void run(void) {
    const char *who = getenv("WHO");
    printf("reactor run: initialized=%d who=%s\n", initialized, who ? who : "(none)");
    fflush(stdout);
}

__attribute__((export_name("add"))) int add(int a, int b) { return a + b + initialized; }
