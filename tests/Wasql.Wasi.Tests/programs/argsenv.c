// Prints argv and the environment (sorted).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    int n = 0;
    while (environ && environ[n]) n++;
    char **copy = malloc((n + 1) * sizeof(char *));
    for (int i = 0; i < n; i++) copy[i] = environ[i];
    qsort(copy, n, sizeof(char *), cmp);
    printf("envc=%d\n", n);
    for (int i = 0; i < n; i++) printf("env %s\n", copy[i]);
    const char *foo = getenv("FOO");
    printf("FOO=%s\n", foo ? foo : "(null)");
    return 0;
}
