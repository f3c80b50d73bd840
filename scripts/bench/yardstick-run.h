/*
 * The yardstick's run mode (included by yardstick.c): set-up as src/core/data.ts and kernel-subspace.ts, the run
 * driver's chunks (src/core/run-driver.ts) and a metric row's work (src/core/metrics.ts, src/core/wasm/neurons.ts).
 */

static double gaussian(Rng *r, int *has_spare, double *spare) {
  if (*has_spare) {
    *has_spare = 0;
    return *spare;
  }
  const double u1 = 1 - next_double(r), u2 = next_double(r);
  const double radius = sqrt(-2 * log(u1)), angle = 6.283185307179586 * u2;
  *spare = radius * sin(angle);
  *has_spare = 1;
  return radius * cos(angle);
}

typedef struct {
  int m, k, m8;
  double *Q8; /* Q in blocks of eight neurons, component by component: [block][j][lane] */
  double *C0, *packed, *p, *w0n2, *star, *S, *Sn, *bn, *P, *P0, *G, *vprev, *cols;
  double cn, K0norm, star_norm, lr;
} Metrics;

/* The train loss through the d×d quadratic (checkLoss): θ = Mᵀv, then ½(θᵀSnθ − 2bᵀθ + c). */
static double check_loss(State *s, Metrics *mt) {
  const int d = s->d;
  refresh_theta(s);
  double quad = 0, lin = 0;
  for (int j = 0; j < d; j++) {
    double t = 0;
    for (int l = 0; l < d; l++) t += mt->Sn[j * d + l] * s->theta[l];
    quad += s->theta[j] * t;
    lin += mt->bn[j] * s->theta[j];
  }
  return 0.5 * (quad - 2 * lin + mt->cn);
}

/* (G + ‖v‖² I) S into out, with G = MᵀM; returns ‖W‖²_F. */
static double kernel_factor(State *s, Metrics *mt, double *out) {
  const int d = s->d;
  double aa = 0, fro2 = 0;
  memset(mt->G, 0, sizeof(double) * d * d);
  for (int i = 0; i < s->rows; i++) {
    aa += s->v[i] * s->v[i];
    for (int j = 0; j < d; j++)
      for (int l = j; l < d; l++) mt->G[j * d + l] += s->M[i * d + j] * s->M[i * d + l];
  }
  for (int j = 0; j < d; j++) {
    fro2 += mt->G[j * d + j];
    for (int l = j + 1; l < d; l++) mt->G[l * d + j] = mt->G[j * d + l];
  }
  for (int j = 0; j < d; j++) {
    for (int u = 0; u < d; u++) out[j * d + u] = aa * mt->S[j * d + u];
    for (int l = 0; l < d; l++)
      for (int u = 0; u < d; u++) out[j * d + u] += mt->G[j * d + l] * mt->S[l * d + u];
  }
  return fro2;
}

static double trace_of_product(const double *A, const double *B, int d) {
  double s = 0;
  for (int i = 0; i < d; i++)
    for (int j = 0; j < d; j++) s += A[i * d + j] * B[j * d + i];
  return s;
}

/* One metric row; returns the train loss. `step`: the second layer was held one step before (a_step_abs_mean). */
static double metric_row(State *s, Metrics *mt, int step, double *sums) {
  const int d = s->d, k = mt->k, m = mt->m;
  refresh_theta(s);
  double loss = 0;
  for (int q = 0; q < s->n; q++) {
    double f = 0;
    for (int j = 0; j < d; j++) f += s->theta[j] * s->X[q * d + j];
    loss += 0.5 * (f - s->y[q]) * (f - s->y[q]);
  }
  loss /= s->n;
  kernel_factor(s, mt, mt->P);
  sums[9] = 1 - trace_of_product(mt->P0, mt->P, d) / (mt->K0norm * sqrt(trace_of_product(mt->P, mt->P, d)));
  /* packed G = CCᵀ and E = (C − C0)(C − C0)ᵀ, off-diagonals doubled; p = Cθ* */
  int at = 0;
  for (int j = 0; j < k; j++) {
    double pj = 0;
    for (int c = 0; c < d; c++) pj += s->M[j * d + c] * mt->star[c];
    mt->p[j] = pj;
    for (int l = j; l < k; l++) {
      double gs = 0, es = 0;
      for (int c = 0; c < d; c++) {
        gs += s->M[j * d + c] * s->M[l * d + c];
        es += (s->M[j * d + c] - mt->C0[j * d + c]) * (s->M[l * d + c] - mt->C0[l * d + c]);
      }
      mt->packed[at++] = (l == j ? 1 : 2) * gs;
      mt->packed[at++] = (l == j ? 1 : 2) * es;
    }
  }
  /* per neuron, eight at a time: two k×k quadratic forms and two (with `step`, three) k-dots, then the sums */
  double sumW = 0, sumA = 0, maxA = 0, sumIp = 0, sumCos = 0, lazy = 0, lazyRel = 0, phase2 = 0, sumStep = 0;
  const double tol2 = 1.0 / m, sqrtLr = sqrt(mt->lr);
  for (int b = 0; b < mt->m8; b += 8) {
    const double *qa = mt->Q8 + (size_t)b * k;
    double sq[8] = {0}, eq[8] = {0}, av[8] = {0}, ip[8] = {0}, st[8] = {0};
    const double *pk = mt->packed;
    for (int j = 0; j < k; j++) {
      const double *qj = qa + 8 * j;
      const double vj = s->v[j], pj = mt->p[j], dvj = step ? s->v[j] - mt->vprev[j] : 0;
      double g[8] = {0}, e[8] = {0};
      for (int l = j; l < k; l++, pk += 2)
        for (int u = 0; u < 8; u++) {
          g[u] += pk[0] * qa[8 * l + u];
          e[u] += pk[1] * qa[8 * l + u];
        }
      for (int u = 0; u < 8; u++) {
        av[u] += vj * qj[u];
        ip[u] += pj * qj[u];
        st[u] += qj[u] * dvj;
        sq[u] += qj[u] * g[u];
        eq[u] += qj[u] * e[u];
      }
    }
    const int end = b + 8 < m ? b + 8 : m;
    for (int i = b; i < end; i++) {
      const int u = i - b;
      const double wn2 = sq[u] < 0 ? 0 : sq[u], dn2 = eq[u] < 0 ? 0 : eq[u], wn = sqrt(wn2);
      const double absA = fabs(av[u]), absIp = fabs(ip[u]);
      sumW += wn;
      sumA += absA;
      if (absA > maxA) maxA = absA;
      sumIp += absIp;
      if (wn > 0) sumCos += absIp / (wn * mt->star_norm);
      if (dn2 <= tol2) lazy += 1;
      if (dn2 <= mt->w0n2[i] * tol2) lazyRel += 1;
      if (wn2 <= mt->lr && absA <= sqrtLr) phase2 += 1;
      sumStep += fabs(st[u]);
      mt->cols[i] = wn2 + dn2; /* kept, as the run keeps its columns for snapshots */
    }
  }
  sums[0] = sumW, sums[1] = sumA, sums[2] = maxA, sums[3] = sumIp, sums[4] = sumCos;
  sums[5] = lazy, sums[6] = lazyRel, sums[7] = phase2, sums[8] = sumStep;
  return loss;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* A whole run at the paper's setting; prints seconds (set-up, steps and rows) and the final train loss. */
static int run(long steps, int batch, long log_every) {
  const double t0 = seconds();
  const int n = 200, d = 20, m = 1000, k = d + 1;
  State s = {.n = n, .d = d, .rows = k, .batch = batch, .lr = 1e-3, .sigma = 2, .rng = {{9, 10, 11, 12}}};
  Metrics mt = {.m = m, .k = k, .m8 = (m + 7) & ~7, .lr = 1e-3};
  int has = 0;
  double spare = 0;
  /* teacher, data, init: each its own stream, Box–Muller (the sgd stream is seeded above) */
  Rng teacher = {{3, 1, 4, 1}}, data = {{1, 2, 3, 4}}, init = {{5, 6, 7, 8}};
  mt.star = alloc(sizeof(double) * d);
  double norm2 = 0;
  for (int j = 0; j < d; j++) {
    mt.star[j] = gaussian(&teacher, &has, &spare);
    norm2 += mt.star[j] * mt.star[j];
  }
  for (int j = 0; j < d; j++) mt.star[j] /= sqrt(norm2);
  mt.star_norm = 1;
  has = 0;
  s.X = alloc(sizeof(double) * n * d);
  s.y = alloc(sizeof(double) * n);
  for (int i = 0; i < n * d; i++) s.X[i] = gaussian(&data, &has, &spare);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++) s.y[i] += s.X[i * d + j] * mt.star[j];
  has = 0;
  double *W = alloc(sizeof(double) * m * d), *a = alloc(sizeof(double) * m);
  for (int i = 0; i < m * d; i++) W[i] = gaussian(&init, &has, &spare) / sqrt(d);
  for (int i = 0; i < m; i++) a[i] = gaussian(&init, &has, &spare) / sqrt(m);
  /* span(a, W's columns): modified Gram–Schmidt, twice */
  double *Q = alloc(sizeof(double) * m * k), *w = alloc(sizeof(double) * m);
  int kk = 0;
  for (int cand = 0; cand <= d; cand++) {
    for (int i = 0; i < m; i++) w[i] = cand == 0 ? a[i] : W[i * d + cand - 1];
    for (int pass = 0; pass < 2; pass++)
      for (int l = 0; l < kk; l++) {
        double dot = 0;
        for (int i = 0; i < m; i++) dot += Q[i * k + l] * w[i];
        for (int i = 0; i < m; i++) w[i] -= dot * Q[i * k + l];
      }
    double nrm = 0;
    for (int i = 0; i < m; i++) nrm += w[i] * w[i];
    nrm = sqrt(nrm);
    for (int i = 0; i < m; i++) Q[i * k + kk] = w[i] / nrm;
    kk++;
  }
  s.M = alloc(sizeof(double) * k * d);
  s.v = alloc(sizeof(double) * k);
  mt.w0n2 = alloc(sizeof(double) * m);
  mt.Q8 = alloc(sizeof(double) * mt.m8 * k);
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < d; j++) mt.w0n2[i] += W[i * d + j] * W[i * d + j];
    for (int l = 0; l < k; l++) {
      s.v[l] += Q[i * k + l] * a[i];
      for (int j = 0; j < d; j++) s.M[l * d + j] += Q[i * k + l] * W[i * d + j];
      mt.Q8[(size_t)(i / 8) * 8 * k + 8 * l + i % 8] = Q[i * k + l];
    }
  }
  mt.C0 = alloc(sizeof(double) * k * d);
  memcpy(mt.C0, s.M, sizeof(double) * k * d);
  mt.packed = alloc(sizeof(double) * k * (k + 1));
  mt.p = alloc(sizeof(double) * k);
  mt.vprev = alloc(sizeof(double) * k);
  mt.cols = alloc(sizeof(double) * m);
  mt.S = alloc(sizeof(double) * d * d), mt.Sn = alloc(sizeof(double) * d * d), mt.bn = alloc(sizeof(double) * d);
  mt.G = alloc(sizeof(double) * d * d), mt.P = alloc(sizeof(double) * d * d), mt.P0 = alloc(sizeof(double) * d * d);
  for (int q = 0; q < n; q++) {
    mt.cn += s.y[q] * s.y[q] / n;
    for (int j = 0; j < d; j++) {
      mt.bn[j] += s.X[q * d + j] * s.y[q] / n;
      for (int l = 0; l < d; l++) {
        mt.Sn[j * d + l] += s.X[q * d + j] * s.X[q * d + l] / n;
        if (q < 64) mt.S[j * d + l] += s.X[q * d + j] * s.X[q * d + l];
      }
    }
  }
  state_buffers(&s);
  kernel_factor(&s, &mt, mt.P0);
  mt.K0norm = sqrt(trace_of_product(mt.P0, mt.P0, d));
  if (batch == 1) prime_b1(&s);
  else refresh_theta(&s);
  /* the driver: chunks up to the next loss check (every min(log_every, 256)) or row, a row every log_every */
  const long check_every = log_every < 256 ? log_every : 256;
  double sums[10], loss = metric_row(&s, &mt, 0, sums), rowsum = 0;
  const double initial_loss = loss;
  long t = 0, rows = 1;
  while (t < steps) {
    long next = (t / check_every + 1) * check_every;
    const long next_row = (t / log_every + 1) * log_every;
    if (next_row < next) next = next_row;
    if (steps < next) next = steps;
    const int is_row = next % log_every == 0 || next == steps;
    int taken = take_steps(&s, (int)(next - t - (is_row ? 1 : 0)));
    if (is_row) {
      memcpy(mt.vprev, s.v, sizeof(double) * k);
      taken += take_steps(&s, 1);
    }
    t += taken;
    if (taken < next - (t - taken)) break;
    if (is_row) {
      loss = metric_row(&s, &mt, 1, sums);
      rowsum += sums[0] + sums[9];
      rows++;
    } else if (!(check_loss(&s, &mt) <= 1e6)) break;
  }
  printf("{\"steps\": %ld, \"batch\": %d, \"log_every\": %ld, \"rows\": %ld, \"seconds\": %.6f, \"initial_loss\": %.17g, "
         "\"train_loss\": %.17g, \"check\": %.6g}\n",
         t, batch, log_every, rows, seconds() - t0, initial_loss, loss, rowsum);
  return 0;
}
