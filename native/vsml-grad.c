/*
 * Reverse-mode gradient of the episode loss through the fused kernel's computation (float64).
 *
 * The forward here is the same model as vsml-kernel.c (dense layers, deep stacks with the
 * reference's message staleness, micro ticks, shared/layerwise/backward param sets, backward
 * pass, feed_label, tanh_bound, output_idx, batch_size > 1 with the state merge), without layer
 * norm (the caller falls back to TensorFlow.js for it). It runs in float64 with libm's tanh and
 * exp (the AVX2 build: the gates' exp by exp_gate, below, to ~2e-15), so the gradient is the
 * float64 reference's (checked against finite differences) and agrees with TensorFlow.js autodiff
 * to float32 tolerance.
 *
 * Semantics are those of src/engine/tfjs/truncated-gradient.ts: the episode runs in slices of
 * `truncation` steps (0 = one slice); the state carried into a slice (h, c, stale backward
 * messages, fed-back error) is a constant; `mean` loss = mean CE over steps and batch members,
 * `last` = batch-mean CE of the last step (only the slice holding it is differentiated).
 *
 * How: each slice runs forward once, writing a tape of what the reverse sweep needs (the
 * incoming messages of every layer call, h and c before every micro tick and the four gate
 * activations, h after the last tick, the logits and softmax of every step), then sweeps back
 * op by op with one adjoint array per state array. A layer call overwrites its outgoing
 * messages, so reversing it takes their adjoints and zeroes them; h and c are updated in place,
 * so their adjoints are replaced. Tape size per step: see tape_step_doubles (reported to JS).
 *
 * Parameters are read and gradients written in the canonical layout (param-layout.ts):
 * per set lstm_w [(2M+N)][4N] (rows: forward message, backward message, h), lstm_b [4N]
 * (gates i, g, f, o; the kernel's -5 / +5 shifts on i and f are added here), fwd_w [N][M],
 * fwd_b [M], bwd_w [N][M], bwd_b [M]. One thread per call; nothing kept between calls but the thread's tape memory. Built twice like the forward
 * (grad-avx2.c, grad-base.c); plain loops the compiler vectorizes (reductions may be reassociated).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef VSML_GRAD_FN
#define VSML_GRAD_FN(name) name
#endif

/* Same int config vector as vsml-kernel.c (kernel-abi.ts writes it). */
enum { GI_L = 0, GI_N, GI_M, GI_MICRO, GI_OUT, GI_FEED, GI_LN, GI_BWD, GI_BS, GI_T, GI_NSETS, GI_SETSIZE, GI_SIZES };
#define GMAX_LAYERS 16
/* Error codes shared with vsml-kernel.c (1..8), plus: */
#define GERR_LAYER_NORM 9
#define GERR_NO_MEMORY 10

typedef struct {
  int L, N, M, micro, out, feed, bwd, bs, T, nsets, setsize;
  int sizes[GMAX_LAYERS + 1], fidx[GMAX_LAYERS], bidx[GMAX_LAYERS];
  double tb;
  const double *theta;
  double *grad;
  /* State, per layer with the batch member first, and its adjoint. */
  double *h[GMAX_LAYERS], *c[GMAX_LAYERS];       /* [bs][A][B][N] */
  double *fin[GMAX_LAYERS], *bin[GMAX_LAYERS];   /* [bs][A][M], [bs][B][M]; bin[L-1] holds E */
  double *dh[GMAX_LAYERS], *dc[GMAX_LAYERS], *dfin[GMAX_LAYERS], *dbin[GMAX_LAYERS];
  double *lout, *dlout;                          /* [C][M] last layer's forward message */
  double *rowpre, *colpre, *drow, *dcol;         /* [Amax][4N], [Bmax][4N] */
  double *dnf, *dnb;                             /* [max(A,B)][M] adjoints of a call's outgoing messages */
  double *tmp;                                   /* [max(N, 4N)] */
} Gr;

static int parse(Gr *g, const int32_t *ci) {
  g->L = ci[GI_L]; g->N = ci[GI_N]; g->M = ci[GI_M]; g->micro = ci[GI_MICRO]; g->out = ci[GI_OUT];
  g->feed = ci[GI_FEED]; g->bwd = ci[GI_BWD]; g->bs = ci[GI_BS]; g->T = ci[GI_T];
  g->nsets = ci[GI_NSETS]; g->setsize = ci[GI_SETSIZE];
  if (g->L < 1 || g->L > GMAX_LAYERS) return 1;
  if (g->nsets < 1 || g->nsets > 2 * GMAX_LAYERS) return 2;
  if (g->N < 1 || g->M < 2 || g->micro < 1 || g->bs < 1 || g->T < 1) return 3;
  if (g->out < 0 || g->out >= g->M) return 4;
  for (int i = 0; i <= g->L; i++) { g->sizes[i] = ci[GI_SIZES + i]; if (g->sizes[i] < 1) return 5; }
  for (int i = 0; i < g->L; i++) {
    g->fidx[i] = ci[GI_SIZES + g->L + 1 + i];
    g->bidx[i] = ci[GI_SIZES + 2 * g->L + 1 + i];
    if (g->fidx[i] < 0 || g->fidx[i] >= g->nsets) return 6;
    if (g->bwd && (g->bidx[i] < 0 || g->bidx[i] >= g->nsets)) return 6;
  }
  int N = g->N, M = g->M;
  if (ci[GI_LN]) return GERR_LAYER_NORM;
  if (g->setsize != (2 * M + N) * 4 * N + 4 * N + 2 * (N * M + M)) return 7;
  return 0;
}

/* Doubles one layer call puts on the tape: fin, bin, per micro tick h, c, the gates and tanh(c'), then h after the last tick. */
static size_t rec_doubles(const Gr *g, int A, int B) {
  size_t cells = (size_t)A * B * g->N;
  return (size_t)(A + B) * g->M + (size_t)g->micro * 7 * cells + cells;
}

/* Doubles one online step puts on the tape (all batch members, forward and backward ticks, loss). */
static size_t tape_step_doubles(const Gr *g) {
  size_t n = 0;
  for (int l = 0; l < g->L; l++) n += rec_doubles(g, g->sizes[l], g->sizes[l + 1]) * (g->bwd ? 2 : 1);
  return g->bs * (n + 2 * (size_t)g->sizes[g->L]);
}

#ifdef __AVX2__
/*
 * exp for the gates in the AVX2 build, written so that a loop over it vectorizes (libm's exp is a
 * scalar call: ~30% of the reverse pass's samples went to it, perf, 2026-12-01). x = k ln2 + r
 * with |r| <= ln2/2, e^r by Horner to degree 12, times 2^k built in the exponent bits; |x| is
 * clamped to 708, so nothing overflows (e^708 ~ 3e307 makes a sigmoid 0 or 1 as exp's inf did).
 * Relative error ~2e-15 for |x| < 40 (libm: ~1e-16), far below what the gradient checks resolve.
 * The SSE2 build keeps libm: without SSE4.1 the rounding is a call and the loop does not vectorize.
 */
static inline double exp_gate(double x) {
  x = x > 708.0 ? 708.0 : x;
  x = x < -708.0 ? -708.0 : x;
  const double kd = __builtin_nearbyint(x * 1.4426950408889634); /* vroundpd */
  const int32_t k = (int32_t)kd;
  const double r = (x - kd * 0x1.62e42fefa3800p-1) - kd * 0x1.ef35793c76730p-45; /* ln 2 split: kd * hi is exact */
  double p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int64_t bits = (int64_t)(k + 1023) << 52;
  double s;
  memcpy(&s, &bits, sizeof s);
  return p * s;
}
#else
#define exp_gate exp
#endif

/*
 * Both through one exp (glibc's tanh costs several exps): tanh(x) = 1 - 2 / (exp(2x) + 1) is exact
 * to ~1e-16 absolute, which is what the gradient needs (relative accuracy near 0 does not matter here).
 */
static inline double sigm(double x) { return 1.0 / (1.0 + exp_gate(-x)); }
static inline double tanh_abs(double x) { return 1.0 - 2.0 / (exp_gate(2.0 * x) + 1.0); }

/* Pointers into one param set (p) and its gradient (d), canonical layout. */
typedef struct { const double *lw, *lb, *fw, *fb, *bw, *bb; } PSet;
typedef struct { double *lw, *lb, *fw, *fb, *bw, *bb; } DSet;
static PSet pset(const Gr *g, int s) {
  int N = g->N, M = g->M, G4 = 4 * N;
  PSet p;
  p.lw = g->theta + (size_t)s * g->setsize; p.lb = p.lw + (size_t)(2 * M + N) * G4; p.fw = p.lb + G4;
  p.fb = p.fw + N * M; p.bw = p.fb + M; p.bb = p.bw + N * M;
  return p;
}
static DSet dset(const Gr *g, int s) {
  int N = g->N, M = g->M, G4 = 4 * N;
  DSet p;
  p.lw = g->grad + (size_t)s * g->setsize; p.lb = p.lw + (size_t)(2 * M + N) * G4; p.fw = p.lb + G4;
  p.fb = p.fw + N * M; p.bw = p.fb + M; p.bb = p.bw + N * M;
  return p;
}

/*
 * One cell's LSTM update from its pre-activations z [4N] (gates i, g, f, o): writes the gates and
 * tanh(c') to gt [5N], updates c and h [N] in place. Two loops over n, with restrict so that the
 * compiler vectorizes them (exp_gate inlined) without run-time alias checks.
 */
static inline void cell_update(double *restrict gt, double *restrict c, double *restrict h, const double *restrict z, int N) {
  for (int n = 0; n < N; n++) {
    double i = sigm(z[n]), gg = tanh_abs(z[N + n]), f = sigm(z[2 * N + n]), o = sigm(z[3 * N + n]);
    gt[n] = i; gt[N + n] = gg; gt[2 * N + n] = f; gt[3 * N + n] = o;
    c[n] = f * c[n] + i * gg;
  }
  for (int n = 0; n < N; n++) {
    double tc = tanh_abs(c[n]);
    gt[4 * N + n] = tc;
    h[n] = gt[3 * N + n] * tc;
  }
}

/*
 * One dense layer call (all cells, all micro ticks) forward, recording its tape at tp.
 * fin [A][M], bin [B][M], h/c [A][B][N] (updated) -> nf [B][M], nb [A][M] (NULL: discarded).
 */
static double *layer_fwd(Gr *g, int s, int A, int B, const double *fin, const double *bin, double *h, double *c,
                         double *nf, double *nb, double *tp) {
  const int N = g->N, M = g->M, G4 = 4 * N;
  const size_t cells = (size_t)A * B * N;
  const PSet p = pset(g, s);
  const double *wh = p.lw + (size_t)2 * M * G4;
  memcpy(tp, fin, sizeof(double) * A * M); tp += A * M;
  memcpy(tp, bin, sizeof(double) * B * M); tp += B * M;
  for (int a = 0; a < A; a++) {
    double *r = g->rowpre + (size_t)a * G4;
    for (int j = 0; j < G4; j++) r[j] = p.lb[j] + (j < N ? -5.0 : (j >= 2 * N && j < 3 * N) ? 5.0 : 0.0);
    for (int m = 0; m < M; m++) {
      double x = fin[a * M + m];
      if (x == 0.0) continue;
      for (int j = 0; j < G4; j++) r[j] += x * p.lw[m * G4 + j];
    }
  }
  for (int b = 0; b < B; b++) {
    double *r = g->colpre + (size_t)b * G4;
    for (int j = 0; j < G4; j++) r[j] = 0.0;
    for (int m = 0; m < M; m++) {
      double x = bin[b * M + m];
      if (x == 0.0) continue;
      for (int j = 0; j < G4; j++) r[j] += x * p.lw[(M + m) * G4 + j];
    }
  }
  double *z = g->tmp;
  for (int tk = 0; tk < g->micro; tk++) {
    memcpy(tp, h, sizeof(double) * cells);
    memcpy(tp + cells, c, sizeof(double) * cells);
    double *gates = tp + 2 * cells; /* [A][B][5N]: i, g, f, o, tanh(c') */
    tp += 7 * cells;
    for (int a = 0; a < A; a++)
      for (int b = 0; b < B; b++) {
        size_t cell = (size_t)a * B + b;
        double *hc = h + cell * N, *cc = c + cell * N, *gt = gates + cell * 5 * N;
        const double *rp = g->rowpre + (size_t)a * G4, *cp = g->colpre + (size_t)b * G4;
        for (int j = 0; j < G4; j++) z[j] = rp[j] + cp[j];
        for (int n = 0; n < N; n++) {
          double hn = hc[n];
          const double *w = wh + (size_t)n * G4;
          for (int j = 0; j < G4; j++) z[j] += hn * w[j];
        }
        cell_update(gt, cc, hc, z, N);
      }
  }
  memcpy(tp, h, sizeof(double) * cells); tp += cells;
  /* Messages: the mean over the other axis of h', projected (no layer norm, so the mean goes first). */
  double *mean = g->tmp;
  for (int b = 0; b < B; b++) {
    for (int n = 0; n < N; n++) {
      double sum = 0;
      for (int a = 0; a < A; a++) sum += h[((size_t)a * B + b) * N + n];
      mean[n] = sum / A;
    }
    for (int m = 0; m < M; m++) {
      double v = p.fb[m];
      for (int n = 0; n < N; n++) v += mean[n] * p.fw[n * M + m];
      nf[b * M + m] = v;
    }
  }
  if (nb)
    for (int a = 0; a < A; a++) {
      for (int n = 0; n < N; n++) {
        double sum = 0;
        for (int b = 0; b < B; b++) sum += h[((size_t)a * B + b) * N + n];
        mean[n] = sum / B;
      }
      for (int m = 0; m < M; m++) {
        double v = p.bb[m];
        for (int n = 0; n < N; n++) v += mean[n] * p.bw[n * M + m];
        nb[a * M + m] = v;
      }
    }
  return tp;
}

/*
 * Reverse of layer_fwd whose tape ends at tp_end; returns where it starts. dnf [B][M] / dnb [A][M]
 * (NULL = zero) are the adjoints of the outgoing messages; dh/dc (adjoints of h, c after the call)
 * become those before it; dfin (NULL: not needed) and dbin accumulate; dθ of set s accumulates.
 */
static const double *layer_rev(Gr *g, int s, int A, int B, double *dfin, double *dbin, double *dh, double *dc,
                               const double *dnf, const double *dnb, const double *tp_end) {
  const int N = g->N, M = g->M, G4 = 4 * N;
  const size_t cells = (size_t)A * B * N;
  const double *rec = tp_end - rec_doubles(g, A, B);
  const double *fin = rec, *bin = rec + A * M, *hfin = rec + (size_t)(A + B) * M + (size_t)g->micro * 7 * cells;
  const PSet p = pset(g, s);
  const DSet d = dset(g, s);
  const double *wh = p.lw + (size_t)2 * M * G4;
  double *dwh = d.lw + (size_t)2 * M * G4;
  double *t = g->tmp;
  if (dnf)
    for (int b = 0; b < B; b++) {
      const double *dv = dnf + b * M;
      for (int n = 0; n < N; n++) {
        double sum = 0;
        for (int a = 0; a < A; a++) sum += hfin[((size_t)a * B + b) * N + n];
        double mean = sum / A, acc = 0;
        for (int m = 0; m < M; m++) { d.fw[n * M + m] += mean * dv[m]; acc += p.fw[n * M + m] * dv[m]; }
        t[n] = acc / A;
      }
      for (int m = 0; m < M; m++) d.fb[m] += dv[m];
      for (int a = 0; a < A; a++)
        for (int n = 0; n < N; n++) dh[((size_t)a * B + b) * N + n] += t[n];
    }
  if (dnb)
    for (int a = 0; a < A; a++) {
      const double *dv = dnb + a * M;
      for (int n = 0; n < N; n++) {
        double sum = 0;
        for (int b = 0; b < B; b++) sum += hfin[((size_t)a * B + b) * N + n];
        double mean = sum / B, acc = 0;
        for (int m = 0; m < M; m++) { d.bw[n * M + m] += mean * dv[m]; acc += p.bw[n * M + m] * dv[m]; }
        t[n] = acc / B;
      }
      for (int m = 0; m < M; m++) d.bb[m] += dv[m];
      for (int b = 0; b < B; b++)
        for (int n = 0; n < N; n++) dh[((size_t)a * B + b) * N + n] += t[n];
    }
  memset(g->drow, 0, sizeof(double) * A * G4);
  memset(g->dcol, 0, sizeof(double) * B * G4);
  double *dz = g->tmp;
  for (int tk = g->micro - 1; tk >= 0; tk--) {
    const double *hin = rec + (size_t)(A + B) * M + (size_t)tk * 7 * cells, *cin = hin + cells, *gates = hin + 2 * cells;
    for (int a = 0; a < A; a++)
      for (int b = 0; b < B; b++) {
        size_t cell = (size_t)a * B + b;
        const double *gt = gates + cell * 5 * N, *hc = hin + cell * N, *cc = cin + cell * N;
        double *dhc = dh + cell * N, *dcc = dc + cell * N;
        for (int n = 0; n < N; n++) {
          double i = gt[n], gg = gt[N + n], f = gt[2 * N + n], o = gt[3 * N + n], tc = gt[4 * N + n];
          double dcn = dcc[n] + dhc[n] * o * (1.0 - tc * tc);
          dz[n] = dcn * gg * i * (1.0 - i);
          dz[N + n] = dcn * i * (1.0 - gg * gg);
          dz[2 * N + n] = dcn * cc[n] * f * (1.0 - f);
          dz[3 * N + n] = dhc[n] * tc * o * (1.0 - o);
          dcc[n] = dcn * f;
        }
        double *dr = g->drow + (size_t)a * G4, *dcl = g->dcol + (size_t)b * G4;
        for (int j = 0; j < G4; j++) { dr[j] += dz[j]; dcl[j] += dz[j]; }
        for (int n = 0; n < N; n++) {
          double hn = hc[n], acc = 0;
          const double *w = wh + (size_t)n * G4;
          double *dw = dwh + (size_t)n * G4;
          for (int j = 0; j < G4; j++) { dw[j] += hn * dz[j]; acc += w[j] * dz[j]; }
          dhc[n] = acc;
        }
      }
  }
  for (int a = 0; a < A; a++) {
    const double *dr = g->drow + (size_t)a * G4;
    for (int j = 0; j < G4; j++) d.lb[j] += dr[j];
    for (int m = 0; m < M; m++) {
      double x = fin[a * M + m], acc = 0;
      const double *w = p.lw + (size_t)m * G4;
      double *dw = d.lw + (size_t)m * G4;
      if (x != 0.0) for (int j = 0; j < G4; j++) dw[j] += x * dr[j];
      if (dfin) {
        for (int j = 0; j < G4; j++) acc += w[j] * dr[j];
        dfin[a * M + m] += acc;
      }
    }
  }
  for (int b = 0; b < B; b++) {
    const double *dcl = g->dcol + (size_t)b * G4;
    for (int m = 0; m < M; m++) {
      double x = bin[b * M + m], acc = 0;
      const double *w = p.lw + (size_t)(M + m) * G4;
      double *dw = d.lw + (size_t)(M + m) * G4;
      if (x != 0.0) for (int j = 0; j < G4; j++) dw[j] += x * dcl[j];
      for (int j = 0; j < G4; j++) acc += w[j] * dcl[j];
      dbin[b * M + m] += acc;
    }
  }
  return rec;
}

/* Layer l of one network tick for batch member mb: which set, sizes, and where its messages go. */
typedef struct { int s, A, B; size_t hoff, foff, boff, nfoff, nboff; } Call;
static Call call_of(const Gr *g, int l, int mb, int reverse) {
  Call k;
  k.s = reverse ? g->bidx[l] : g->fidx[l];
  k.A = g->sizes[l]; k.B = g->sizes[l + 1];
  k.hoff = (size_t)mb * k.A * k.B * g->N;
  k.foff = (size_t)mb * k.A * g->M;
  k.boff = (size_t)mb * k.B * g->M;
  k.nfoff = (size_t)mb * k.B * g->M; /* into fin[l+1] */
  k.nboff = (size_t)mb * k.A * g->M; /* into bin[l-1] */
  return k;
}

static double *tick_fwd(Gr *g, int mb, int reverse, double *tp) {
  for (int li = 0; li < g->L; li++) {
    int l = reverse ? g->L - 1 - li : li;
    Call k = call_of(g, l, mb, reverse);
    double *nf = l < g->L - 1 ? g->fin[l + 1] + k.nfoff : g->lout;
    double *nb = l > 0 ? g->bin[l - 1] + k.nboff : NULL;
    tp = layer_fwd(g, k.s, k.A, k.B, g->fin[l] + k.foff, g->bin[l] + k.boff, g->h[l] + k.hoff, g->c[l] + k.hoff, nf, nb, tp);
  }
  return tp;
}

/* dlout: adjoint of the last layer's forward message (forward tick), NULL for a backward tick (never read). */
static const double *tick_rev(Gr *g, int mb, int reverse, const double *dlout, const double *tp) {
  const int M = g->M;
  for (int li = g->L - 1; li >= 0; li--) {
    int l = reverse ? g->L - 1 - li : li;
    Call k = call_of(g, l, mb, reverse);
    const double *dnf = dlout, *dnb = NULL;
    if (l < g->L - 1) {
      double *x = g->dfin[l + 1] + k.nfoff;
      memcpy(g->dnf, x, sizeof(double) * k.B * M);
      memset(x, 0, sizeof(double) * k.B * M);
      dnf = g->dnf;
    }
    if (l > 0) {
      double *x = g->dbin[l - 1] + k.nboff;
      memcpy(g->dnb, x, sizeof(double) * k.A * M);
      memset(x, 0, sizeof(double) * k.A * M);
      dnb = g->dnb;
    }
    tp = layer_rev(g, k.s, k.A, k.B, l > 0 ? g->dfin[l] + k.foff : NULL, g->dbin[l] + k.boff, g->dh[l] + k.hoff,
                   g->dc[l] + k.hoff, dnf, dnb, tp);
  }
  return tp;
}

/* The reference's batch merge (first N/2 channels of h and c become their batch mean); symmetric, so it is its own adjoint. */
static void merge(const Gr *g, double *const *hs, double *const *cs) {
  int half = g->N / 2, bs = g->bs, N = g->N;
  for (int l = 0; l < g->L; l++) {
    size_t cells = (size_t)g->sizes[l] * g->sizes[l + 1], per = cells * N;
    for (int w = 0; w < 2; w++) {
      double *arr = w ? cs[l] : hs[l];
      for (size_t cell = 0; cell < cells; cell++)
        for (int n = 0; n < half; n++) {
          double s = 0;
          for (int b = 0; b < bs; b++) s += arr[b * per + cell * N + n];
          s /= bs;
          for (int b = 0; b < bs; b++) arr[b * per + cell * N + n] = s;
        }
    }
  }
}

/* One online step forward (all batch members), taping at tp. Writes bounded logits and CE of the step. */
static double *step_fwd(Gr *g, int t, const float *inputs, const int32_t *labels, float *logits_out, double *ce_out, double *tp, int *err) {
  const int L = g->L, M = g->M, bs = g->bs, A0 = g->sizes[0], C = g->sizes[L];
  if (bs > 1) merge(g, g->h, g->c);
  for (int mb = 0; mb < bs; mb++) {
    size_t row = (size_t)t * bs + mb;
    double *fin0 = g->fin[0] + (size_t)mb * A0 * M;
    for (int a = 0; a < A0; a++) fin0[a * M] = inputs[row * A0 + a];
    tp = tick_fwd(g, mb, 0, tp);
    int y = labels[row];
    if (y < 0 || y >= C) { *err = 8; return tp; }
    double *v = tp, *pr = tp + C; /* raw logit channel, softmax of the bounded logits */
    tp += 2 * C;
    double mx = -INFINITY;
    for (int j = 0; j < C; j++) {
      v[j] = g->lout[j * M + g->out];
      double z = g->tb != 0.0 ? tanh(v[j] / g->tb) * g->tb : v[j];
      logits_out[row * C + j] = (float)z;
      pr[j] = z;
      if (z > mx) mx = z;
    }
    double sum = 0;
    for (int j = 0; j < C; j++) sum += exp(pr[j] - mx);
    ce_out[row] = log(sum) + mx - pr[y];
    double *E = g->bin[L - 1] + (size_t)mb * C * M;
    for (int j = 0; j < C; j++) {
      pr[j] = exp(pr[j] - mx) / sum;
      E[j * M] = (pr[j] - (j == y)) / bs;
      E[j * M + 1] = g->feed ? (j == y) : 0.0;
    }
    if (g->bwd) {
      tp = tick_fwd(g, mb, 1, tp);
      for (int j = 0; j < C; j++) E[j * M] = E[j * M + 1] = 0.0;
    }
  }
  return tp;
}

/* Reverse of step_fwd whose tape ends at tp; w = dLoss/dCE of each of this step's CE terms. */
static const double *step_rev(Gr *g, int t, const int32_t *labels, double w, const double *tp) {
  const int L = g->L, M = g->M, bs = g->bs, C = g->sizes[L];
  for (int mb = bs - 1; mb >= 0; mb--) {
    double *dE = g->dbin[L - 1] + (size_t)mb * C * M;
    if (g->bwd) {
      for (int j = 0; j < C; j++) dE[j * M] = dE[j * M + 1] = 0.0; /* E was zeroed after the backward tick */
      tp = tick_rev(g, mb, 1, NULL, tp);
    }
    tp -= 2 * C;
    const double *v = tp, *pr = tp + C;
    int y = labels[(size_t)t * bs + mb];
    /* E0 = (softmax - onehot) / bs feeds the next tick: its adjoint flows into the logits too. */
    double dot = 0;
    for (int j = 0; j < C; j++) dot += dE[j * M] * pr[j];
    memset(g->dlout, 0, sizeof(double) * C * M);
    for (int j = 0; j < C; j++) {
      double dzj = w * (pr[j] - (j == y)) + pr[j] * (dE[j * M] - dot) / bs;
      if (g->tb != 0.0) { double th = tanh(v[j] / g->tb); dzj *= 1.0 - th * th; }
      g->dlout[j * M + g->out] = dzj;
      dE[j * M] = dE[j * M + 1] = 0.0; /* overwritten by this step */
    }
    tp = tick_rev(g, mb, 0, g->dlout, tp);
  }
  if (bs > 1) merge(g, g->dh, g->dc);
  return tp;
}

/*
 * The tape, kept per thread between calls: a fresh tens-of-MB allocation per episode cost ~15%
 * of the time in page faults. It only grows (to the largest slice this thread differentiated).
 */
static __thread double *tape_cache;
static __thread size_t tape_cap;
static double *tape_buffer(size_t doubles) {
  if (doubles > tape_cap) {
    free(tape_cache);
    tape_cache = malloc(doubles * sizeof(double));
    tape_cap = tape_cache ? doubles : 0;
  }
  return tape_cache;
}

/* Doubles of tape one slice of `slice` steps needs (for the caller's memory report). 0 on a bad config. */
double VSML_GRAD_FN(vsml_grad_tape_bytes)(const int32_t *ci, int slice) {
  Gr g;
  if (parse(&g, ci)) return 0;
  return (double)tape_step_doubles(&g) * slice * sizeof(double);
}

/*
 * ci, cf[0] = tanh_bound as the forward kernel; theta [D] float64; inputs [T][bs][A0]; labels [T][bs];
 * state_in: per layer h [bs][A][B][N] then c (float64); loss_type 0 = mean, 1 = last; truncation
 * (0 = whole episode). Out: grad [D] (overwritten), ce [T*bs], logits [T*bs*C] (bounded), loss[0].
 * Returns 0 or an error code (1..8 as vsml-kernel.c, 9 layer norm, 10 out of memory).
 */
int VSML_GRAD_FN(vsml_grad_episode)(const int32_t *ci, const float *cf, const double *theta, const float *inputs, const int32_t *labels,
                                    const double *state_in, int loss_type, int truncation, double *grad, double *ce,
                                    float *logits, double *loss) {
  Gr g;
  int err = parse(&g, ci);
  if (err) return err;
  g.tb = cf[0];
  g.theta = theta;
  g.grad = grad;
  const int L = g.L, N = g.N, M = g.M, bs = g.bs, T = g.T, G4 = 4 * N;
  const int slice = truncation <= 0 || truncation > T ? T : truncation;
  int amax = 0, bmax = 0;
  size_t total = 0;
  for (int l = 0; l < L; l++) {
    size_t A = g.sizes[l], B = g.sizes[l + 1];
    if ((int)A > amax) amax = (int)A;
    if ((int)B > bmax) bmax = (int)B;
    total += 4 * (bs * A * B * N) + 2 * (bs * A * M + bs * B * M);
  }
  int mx = amax > bmax ? amax : bmax;
  size_t C = g.sizes[L];
  total += 2 * C * M + (size_t)2 * (amax + bmax) * G4 + 2 * (size_t)mx * M + G4;
  double *mem = calloc(total, sizeof(double));
  double *tape = tape_buffer(tape_step_doubles(&g) * slice);
  if (!mem || !tape) { free(mem); return GERR_NO_MEMORY; }
  double *q = mem;
#define TAKE(ptr, n) do { (ptr) = q; q += (n); } while (0)
  for (int l = 0; l < L; l++) {
    size_t A = g.sizes[l], B = g.sizes[l + 1];
    TAKE(g.h[l], bs * A * B * N); TAKE(g.c[l], bs * A * B * N); TAKE(g.dh[l], bs * A * B * N); TAKE(g.dc[l], bs * A * B * N);
    TAKE(g.fin[l], bs * A * M); TAKE(g.dfin[l], bs * A * M); TAKE(g.bin[l], bs * B * M); TAKE(g.dbin[l], bs * B * M);
  }
  TAKE(g.lout, C * M); TAKE(g.dlout, C * M);
  TAKE(g.rowpre, (size_t)amax * G4); TAKE(g.drow, (size_t)amax * G4);
  TAKE(g.colpre, (size_t)bmax * G4); TAKE(g.dcol, (size_t)bmax * G4);
  TAKE(g.dnf, (size_t)mx * M); TAKE(g.dnb, (size_t)mx * M); TAKE(g.tmp, G4);
#undef TAKE
  const double *sp = state_in;
  for (int l = 0; l < L; l++) {
    size_t n = (size_t)bs * g.sizes[l] * g.sizes[l + 1] * N;
    memcpy(g.h[l], sp, n * sizeof(double)); sp += n;
    memcpy(g.c[l], sp, n * sizeof(double)); sp += n;
  }
  memset(grad, 0, sizeof(double) * (size_t)g.nsets * g.setsize);
  *loss = 0;
  for (int from = 0; from < T && !err; from += slice) {
    int to = from + slice < T ? from + slice : T;
    double *tp = tape;
    for (int t = from; t < to && !err; t++) tp = step_fwd(&g, t, inputs, labels, logits, ce, tp, &err);
    if (err) break;
    for (int t = from; t < to; t++)
      for (int mb = 0; mb < bs; mb++)
        if (loss_type == 0) *loss += ce[(size_t)t * bs + mb] / ((double)T * bs);
        else if (t == T - 1) *loss += ce[(size_t)t * bs + mb] / bs;
    if (loss_type != 0 && to < T) continue; /* `last`: earlier slices carry state only */
    /* The state entering the slice is a constant: adjoints start at zero at its end. */
    for (int l = 0; l < L; l++) {
      size_t A = g.sizes[l], B = g.sizes[l + 1];
      memset(g.dh[l], 0, sizeof(double) * bs * A * B * N); memset(g.dc[l], 0, sizeof(double) * bs * A * B * N);
      memset(g.dfin[l], 0, sizeof(double) * bs * A * M); memset(g.dbin[l], 0, sizeof(double) * bs * B * M);
    }
    const double *rp = tp;
    for (int t = to - 1; t >= from; t--) {
      double w = loss_type == 0 ? 1.0 / ((double)T * bs) : (t == T - 1 ? 1.0 / bs : 0.0);
      rp = step_rev(&g, t, labels, w, rp);
    }
  }
  free(mem);
  return err;
}
