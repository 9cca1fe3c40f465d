// printf formatting, stderr, exit code from argv[1].
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("Hello, WASI!\n");
    printf("int %d neg %d hex %x oct %o ull %llu\n", 42, -17, 0xbeef, 8, 18446744073709551615ULL);
    printf("float %.3f exp %e g %g big %.10g\n", 3.14159, 12345.678, 0.0001, 1e300 * 10);
    printf("str [%10s] [%-10s] char %c\n", "right", "left", 'x');
    double s = 0;
    for (int i = 1; i <= 1000; i++) s += sqrt((double)i);
    printf("sum sqrt %.6f\n", s);
    fprintf(stderr, "to stderr\n");
    puts("done");
    return argc > 1 ? atoi(argv[1]) : 0;
}
