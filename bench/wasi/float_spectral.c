/* Float kernel: the spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), by power iteration
 * on A^T A (10 rounds), plus an n-body style pairwise-force loop. Arg: n (vector length). */
#include <math.h>
#include "bench.h"

static double a(long i, long j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_av(long n, const double *v, double *out)
{
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (long j = 0; j < n; j++) s += a(i, j) * v[j];
        out[i] = s;
    }
}

static void mul_atv(long n, const double *v, double *out)
{
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (long j = 0; j < n; j++) s += a(j, i) * v[j];
        out[i] = s;
    }
}

static void mul_atav(long n, const double *v, double *out, double *tmp)
{
    mul_av(n, v, tmp);
    mul_atv(n, tmp, out);
}

/* Pairwise gravity between n bodies, a few steps (the structure of the n-body benchmark). */
static double bodies(int n, int steps)
{
    double *x = malloc(sizeof(double) * n * 6), *y = x + n, *z = y + n, *vx = z + n, *vy = vx + n, *vz = vy + n;
    for (int i = 0; i < n; i++) {
        /* no sin/cos: libm differs between glibc and wasi-libc, sqrt and + - * / do not */
        x[i] = (double)((i * 37) % 101) / 50.0 - 1, y[i] = (double)((i * 61) % 97) / 48.0 - 1, z[i] = 0.01 * i;
        vx[i] = -y[i] * 0.01, vy[i] = x[i] * 0.01, vz[i] = 0;
    }
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
                double d2 = dx * dx + dy * dy + dz * dz + 0.01;
                double mag = 0.001 / (d2 * sqrt(d2));
                vx[i] -= dx * mag, vy[i] -= dy * mag, vz[i] -= dz * mag;
                vx[j] += dx * mag, vy[j] += dy * mag, vz[j] += dz * mag;
            }
        for (int i = 0; i < n; i++) x[i] += 0.01 * vx[i], y[i] += 0.01 * vy[i], z[i] += 0.01 * vz[i];
    }
    double e = 0;
    for (int i = 0; i < n; i++) e += vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i];
    free(x);
    return e;
}

int main(int argc, char **argv)
{
    long n = size_arg(argc, argv, 1500);
    kernel_begin();
    double *u = malloc(sizeof(double) * n), *v = malloc(sizeof(double) * n), *tmp = malloc(sizeof(double) * n);
    for (long i = 0; i < n; i++) u[i] = 1;
    for (int i = 0; i < 10; i++) {
        mul_atav(n, u, v, tmp);
        mul_atav(n, v, u, tmp);
    }
    double vbv = 0, vv = 0;
    for (long i = 0; i < n; i++) vbv += u[i] * v[i], vv += v[i] * v[i];
    double e = bodies(400, (int)(n / 15));
    printf("float_spectral n=%ld norm=%.9f energy=%.9e\n", n, sqrt(vbv / vv), e);
    kernel_end();
    return 0;
}
