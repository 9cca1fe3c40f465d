// Reads all of stdin: counts bytes, lines and words, echoes it upper-cased.
#include <ctype.h>
#include <stdio.h>

int main(void) {
    long bytes = 0, lines = 0, words = 0;
    unsigned long hash = 5381;
    int in_word = 0, c;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        if (isspace(c)) in_word = 0; else if (!in_word) { in_word = 1; words++; }
        hash = hash * 33 + (unsigned char)c;
        putchar(toupper(c));
    }
    printf("\nbytes %ld lines %ld words %ld hash %lu\n", bytes, lines, words, hash);
    return 0;
}
