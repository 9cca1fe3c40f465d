// Spins forever (a deadline or fuel must stop it).
#include <stdio.h>
int main(void) {
    volatile unsigned long x = 0;
    puts("looping");
    fflush(stdout);
    for (;;) x++;
}
