/*
 * lnsweep's C yardstick: a whole native run of the subspace kernel written in C from the same algorithm, compiled by
 * `lnsweep bench` with the machine's gcc (-O3 -ffp-contract=off, generic x86-64: 128-bit SIMD at most, as
 * WebAssembly) and timed as a whole process beside `lnsweep run` (src/bench/yardstick.ts).
 *
 * The same algorithm as src/core: xoshiro128** streams and their word consumption (src/core/rng.ts), gaussian label
 * noise σ·Φ⁻¹(u) by Acklam's approximation with fdlibm's logarithm (src/core/normal.ts, portable-math.ts), the
 * batch-1 loop with the next step's sample drawn before the fused pass (steps-b1.ts) and the batch loop through
 * θ = Mᵀv (steps-batch.ts), both with their four partial sums; the run driver's chunks (a loss check every
 * min(log_every, 256) steps, src/core/run-driver.ts) and each metric row's work (src/core/metrics.ts: train loss, Gram
 * matrix, kernel distance; the per-neuron pass of two k×k quadratic forms per neuron in blocks of eight neurons,
 * src/core/wasm/neurons.ts, and the row's sums). Set-up: data, teacher and init by Box–Muller, the span basis by
 * modified Gram–Schmidt twice, C = QᵀW. What it leaves out is what a process of lnsweep adds: Node's start, the
 * sweep file, plan, folder, worker thread and the run file.
 *
 *   yardstick run STEPS BATCH LOG_EVERY   the paper's setting (n=200, d=20, m=1000, η=1e-3, gaussian σ=2):
 *                                         prints one JSON line (seconds of the steps and rows, final train loss)
 *   yardstick check STEPS BATCH N D ROWS  the step loop alone on a state drawn from uniforms (seed [1,2,3,4], loop
 *                                         seed [9,10,11,12], gaussian σ=1, η=0.01): prints the final M, v and
 *                                         generator words as hex, for test/bench/yardstick.test.ts to hold bit for
 *                                         bit against the JavaScript loops
 *   yardstick logcheck COUNT              a sum of the bits of Φ⁻¹ over 3·COUNT uniforms, for the same test
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- xoshiro128** and the draws of src/core/rng.ts ---- */
typedef struct { uint32_t s[4]; } Rng;

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static inline uint32_t next_u32(Rng *r) {
  uint32_t *s = r->s;
  const uint32_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

static inline double next_double(Rng *r) {
  const double hi = (double)(next_u32(r) >> 5), lo = (double)(next_u32(r) >> 6);
  return (hi * 67108864.0 + lo) * 0x1p-53;
}

static inline int next_index(Rng *r, int n) {
  const int i = (int)floor((double)next_u32(r) * (double)n * 0x1p-32);
  return i < n ? i : n - 1;
}

/* ---- fdlibm's log (e_log.c), as src/core/portable-math.ts ---- */
static double flog(double x) {
  static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  static const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                      Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                      Lg7 = 1.479819860511658591e-01;
  uint64_t bits;
  memcpy(&bits, &x, 8);
  int32_t hx = (int32_t)(bits >> 32), k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | (uint32_t)bits) == 0) return -INFINITY;
    if (hx < 0) return NAN;
    k -= 54;
    x *= 0x1p54;
    memcpy(&bits, &x, 8);
    hx = (int32_t)(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const int32_t i0 = (hx + 0x95f64) & 0x100000;
  bits = ((uint64_t)(uint32_t)(hx | (i0 ^ 0x3ff00000)) << 32) | (bits & 0xffffffffu);
  double xn;
  memcpy(&xn, &bits, 8);
  k += i0 >> 20;
  const double f = xn - 1.0, dk = (double)k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) return k == 0 ? 0 : dk * ln2_hi + dk * ln2_lo;
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const double s = f / (2.0 + f), z = s * s, w = z * z;
  const int32_t i = (hx - 0x6147a) | (0x6b851 - hx);
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6)), t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7))), R = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/* ---- Acklam's Φ⁻¹ (src/core/normal.ts) ---- */
static double inv_normal_cdf(double u) {
  static const double A1 = -3.969683028665376e1, A2 = 2.209460984245205e2, A3 = -2.759285104469687e2,
                      A4 = 1.38357751867269e2, A5 = -3.066479806614716e1, A6 = 2.506628277459239;
  static const double B1 = -5.447609879822406e1, B2 = 1.615858368580409e2, B3 = -1.556989798598866e2,
                      B4 = 6.680131188771972e1, B5 = -1.328068155288572e1;
  static const double C1 = -7.784894002430293e-3, C2 = -3.223964580411365e-1, C3 = -2.400758277161838,
                      C4 = -2.549732539343734, C5 = 4.374664141464968, C6 = 2.938163982698783;
  static const double D1 = 7.784695709041462e-3, D2 = 3.224671290700398e-1, D3 = 2.445134137142996,
                      D4 = 3.754408661907416;
  const double p = u > 0 ? u : 0x1p-54;
  if (p < 0.02425) {
    const double q = sqrt(-2 * flog(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  if (p <= 1 - 0.02425) {
    const double q = p - 0.5, r = q * q;
    return ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) /
           (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }
  const double q = sqrt(-2 * flog(1 - p));
  return -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
}

/* ---- a run's state (src/core/step-state.ts) ---- */
typedef struct {
  int n, d, rows, batch;
  double lr, sigma;
  double *X, *y, *M, *v, *h;
  Rng rng;
  int idx;
  double eps, f;
  double *theta, *next, *g, *eps_b;
  int *idx_b;
} State;

static void *alloc(size_t bytes) {
  void *p = calloc(1, bytes);
  if (!p) {
    fprintf(stderr, "yardstick: out of memory\n");
    exit(1);
  }
  return p;
}

static void state_buffers(State *s) {
  s->h = alloc(sizeof(double) * s->rows);
  s->theta = alloc(sizeof(double) * s->d);
  s->next = alloc(sizeof(double) * s->d);
  s->g = alloc(sizeof(double) * s->d);
  s->eps_b = alloc(sizeof(double) * s->batch);
  s->idx_b = alloc(sizeof(int) * s->batch);
}

/* ---- batch 1 (steps-b1.ts) ---- */
static void prime_b1(State *s) {
  const int d = s->d;
  s->idx = next_index(&s->rng, s->n);
  s->eps = s->sigma * inv_normal_cdf(next_double(&s->rng));
  const double *x = s->X + (size_t)s->idx * d;
  double f = 0;
  for (int i = 0; i < s->rows; i++) {
    double hi = 0;
    for (int j = 0; j < d; j++) hi += s->M[i * d + j] * x[j];
    s->h[i] = hi;
    f += s->v[i] * hi;
  }
  s->f = f;
}

static inline double axpy_dot(double *restrict m, int d, double ca, const double *restrict x, const double *restrict nx) {
  double h0 = 0, h1 = 0, h2 = 0, h3 = 0;
  int j = 0;
  for (const int d4 = d - (d & 3); j < d4; j += 4) {
    const double w0 = m[j] - ca * x[j], w1 = m[j + 1] - ca * x[j + 1], w2 = m[j + 2] - ca * x[j + 2], w3 = m[j + 3] - ca * x[j + 3];
    m[j] = w0;
    m[j + 1] = w1;
    m[j + 2] = w2;
    m[j + 3] = w3;
    h0 += w0 * nx[j];
    h1 += w1 * nx[j + 1];
    h2 += w2 * nx[j + 2];
    h3 += w3 * nx[j + 3];
  }
  for (; j < d; j++) {
    const double w = m[j] - ca * x[j];
    m[j] = w;
    h0 += w * nx[j];
  }
  return h0 + h1 + (h2 + h3);
}

static int sgd_b1(State *s, int count) {
  const int n = s->n, d = s->d, rows = s->rows;
  const double lr = s->lr, sigma = s->sigma;
  int idx = s->idx, k = 0;
  double eps = s->eps, f = s->f;
  for (; k < count; k++) {
    const double r = f - s->y[idx] - eps;
    if (!(fabs(r) < INFINITY)) break;
    const int next_idx = next_index(&s->rng, n);
    const double next_eps = sigma * inv_normal_cdf(next_double(&s->rng));
    const double ec = lr * r;
    const double *x = s->X + (size_t)idx * d, *nx = s->X + (size_t)next_idx * d;
    double fn = 0;
    for (int i = 0; i < rows; i++) {
      const double ai = s->v[i];
      const double hn = axpy_dot(s->M + (size_t)i * d, d, ec * ai, x, nx);
      const double an = ai - ec * s->h[i];
      s->v[i] = an;
      s->h[i] = hn;
      fn += an * hn;
    }
    idx = next_idx;
    eps = next_eps;
    f = fn;
  }
  s->idx = idx;
  s->eps = eps;
  s->f = f;
  return k;
}

/* ---- batch B (steps-batch.ts) ---- */
static inline double dot4(const double *restrict a, const double *restrict b, int d) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int j = 0;
  for (const int d4 = d - (d & 3); j < d4; j += 4) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    s2 += a[j + 2] * b[j + 2];
    s3 += a[j + 3] * b[j + 3];
  }
  for (; j < d; j++) s0 += a[j] * b[j];
  return s0 + s1 + (s2 + s3);
}

static void refresh_theta(State *s) {
  memset(s->theta, 0, sizeof(double) * s->d);
  for (int i = 0; i < s->rows; i++)
    for (int j = 0; j < s->d; j++) s->theta[j] += s->v[i] * s->M[i * s->d + j];
}

static int sgd_batch(State *s, int count) {
  const int d = s->d, rows = s->rows, B = s->batch;
  const double lr = s->lr, inv = 1.0 / B;
  double *theta = s->theta, *next = s->next, *g = s->g;
  int k = 0;
  for (; k < count; k++) {
    for (int b = 0; b < B; b++) {
      s->idx_b[b] = next_index(&s->rng, s->n);
      s->eps_b[b] = s->sigma * inv_normal_cdf(next_double(&s->rng));
    }
    memset(g, 0, sizeof(double) * d);
    int finite = 1;
    for (int b = 0; b < B && finite; b++) {
      const double *x = s->X + (size_t)s->idx_b[b] * d;
      const double r = dot4(theta, x, d) - s->y[s->idx_b[b]] - s->eps_b[b];
      if (!(fabs(r) < INFINITY)) finite = 0;
      const double c = r * inv;
      for (int j = 0; j < d; j++) g[j] += c * x[j];
    }
    if (!finite) break;
    memset(next, 0, sizeof(double) * d);
    for (int i = 0; i < rows; i++) {
      double *m = s->M + (size_t)i * d;
      const double ai = s->v[i], an = ai - lr * dot4(m, g, d), ca = lr * ai;
      for (int j = 0; j < d; j++) {
        const double w = m[j] - ca * g[j];
        m[j] = w;
        next[j] += an * w;
      }
      s->v[i] = an;
    }
    double *swap = theta;
    theta = next;
    next = swap;
  }
  if (theta != s->theta) memcpy(s->theta, theta, sizeof(double) * d);
  return k;
}

static int take_steps(State *s, int count) { return s->batch == 1 ? sgd_b1(s, count) : sgd_batch(s, count); }

#include "yardstick-run.h"

static void print_hex(const char *name, const double *a, int len) {
  printf("%s", name);
  for (int i = 0; i < len; i++) {
    uint64_t b;
    memcpy(&b, &a[i], 8);
    printf(" %016llx", (unsigned long long)b);
  }
  printf("\n");
}

/* The check mode: a state drawn from uniforms (see the header), STEPS steps, the result in hex. */
static int check(long steps, int batch, int n, int d, int rows) {
  State s = {.n = n, .d = d, .rows = rows, .batch = batch, .lr = 0.01, .sigma = 1};
  Rng init = {{1, 2, 3, 4}};
  s.X = alloc(sizeof(double) * n * d);
  s.y = alloc(sizeof(double) * n);
  s.M = alloc(sizeof(double) * rows * d);
  s.v = alloc(sizeof(double) * rows);
  for (int i = 0; i < n * d; i++) s.X[i] = 2 * next_double(&init) - 1;
  for (int i = 0; i < n; i++) s.y[i] = 2 * next_double(&init) - 1;
  for (int i = 0; i < rows * d; i++) s.M[i] = 0.3 * (2 * next_double(&init) - 1);
  for (int i = 0; i < rows; i++) s.v[i] = 0.3 * (2 * next_double(&init) - 1);
  s.rng = (Rng){{9, 10, 11, 12}};
  state_buffers(&s);
  if (batch == 1) prime_b1(&s);
  else refresh_theta(&s);
  const int taken = take_steps(&s, (int)steps);
  printf("taken %d\n", taken);
  print_hex("M", s.M, rows * d);
  print_hex("v", s.v, rows);
  printf("rng %08x %08x %08x %08x\n", s.rng.s[0], s.rng.s[1], s.rng.s[2], s.rng.s[3]);
  return 0;
}

/* The logcheck mode: Φ⁻¹ (so fdlibm's log in both tails) of COUNT uniforms of seed [9, 8, 7, 6], and of as many in
 * the tails (u·0.05, 1 − u·0.05): a 64-bit sum of their bit patterns, for the test to compare with src's. */
static int logcheck(long count) {
  Rng r = {{9, 8, 7, 6}};
  uint64_t sum = 0;
  for (long i = 0; i < count; i++) {
    const double u = next_double(&r);
    const double z[3] = {inv_normal_cdf(u), inv_normal_cdf(u * 0.05), inv_normal_cdf(1 - u * 0.05)};
    for (int j = 0; j < 3; j++) {
      uint64_t b;
      memcpy(&b, &z[j], 8);
      sum += b;
    }
  }
  printf("%016llx\n", (unsigned long long)sum);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "run") == 0) return run(atol(argv[2]), atoi(argv[3]), atol(argv[4]));
  if (argc == 3 && strcmp(argv[1], "logcheck") == 0) return logcheck(atol(argv[2]));
  if (argc == 7 && strcmp(argv[1], "check") == 0) return check(atol(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
  fprintf(stderr, "usage: yardstick run STEPS BATCH LOG_EVERY | check STEPS BATCH N D ROWS | logcheck COUNT\n");
  return 2;
}
