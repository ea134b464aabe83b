/*
 * The fused VSML episode kernel: one whole episode of one rollout in float32.
 *
 * The math is ../../shared/fixtures/README.md (and src/engine/model/reference-episode.ts, the
 * float64 reference). This file is compiled three ways from the same source:
 *   - natively with AVX2/FMA   (native/kernel-avx2.c: VSML_VB=32, VSML_FN suffix _avx2)
 *   - natively without AVX2    (native/kernel-base.c: VSML_VB=16, SSE2, suffix _base)
 *   - to wasm32 with simd128   (native/build-wasm.sh: VSML_VB=16, no suffix)
 * SIMD goes through GCC/Clang vector extensions only, so there is no intrinsic per target.
 *
 * The algebra VSML allows, used here:
 *   z[a,b] = fwd_in[a] @ W[0:M] + bwd_in[b] @ W[M:2M] + b + h[a,b] @ W[2M:]:
 *     the first part is computed once per row a ("rowpre"), the second once per column b
 *     ("colpre"), so per cell only h @ W_h (N x 4N) remains.
 *   Without layer norm, mean_a (h'[a,b] @ Wf + bf) = (mean_a h'[a,b]) @ Wf + bf: the message
 *     projections run once per row/column on sums of h' accumulated on the last micro tick.
 *   Micro ticks reuse the same incoming messages, so the gate pre-activation's message part is
 *     computed once per layer call; a row's micro ticks run tick-major over its B cells, whose
 *     h and c (B x 2 x Np floats) stay in L1.
 *
 * Memory: no allocation here. The caller passes one float workspace of vsml_work_floats(ci)
 * floats, aligned to 64 bytes. Every per-cell vector (h, c) is padded from N to Np (a multiple
 * of the vector width) so the hot loop runs on whole, aligned vectors; the gate columns are
 * regrouped as [4][Np] (i, g, f, o). Pad lanes stay exactly 0 (their weights and biases are 0).
 */
#include <stdint.h>
#include <stddef.h>

#ifndef VSML_VB
#define VSML_VB 32
#endif
#ifndef VSML_FN
#define VSML_FN(name) name
#endif

#define VL (VSML_VB / 4)
typedef float vf __attribute__((vector_size(VSML_VB), aligned(VSML_VB)));
typedef int32_t vi __attribute__((vector_size(VSML_VB), aligned(VSML_VB)));
/* Unaligned view for loads from the packed padded buffers (they are aligned, but say so only where sure). */
typedef float vfu __attribute__((vector_size(VSML_VB), aligned(4)));

/* wasm: built with -mbulk-memory, so the compiler's memset/memcpy become memory.fill/copy
 * instructions and no libc is needed (a test checks the module imports nothing). */

/* Layout of the int config vector (the JS loader writes the same indices: kernel-abi.ts). */
enum {
  CI_L = 0, CI_N, CI_M, CI_MICRO, CI_OUT, CI_FEED, CI_LN, CI_BWD, CI_BS, CI_T, CI_NSETS, CI_SETSIZE,
  CI_SIZES /* then layer_sizes[L+1], layer_param_index[L], backward_layer_param_index[L] */
};
#define MAX_LAYERS 16

/* ---------- vector math ---------- */

/* x - 0 is x for every x (also -0), so this folds to one broadcast; 0 + x would not. */
static inline vf splat(float x) { return x - (vf){0}; }

/*
 * a * b + c. Native builds get one FMA from -ffp-contract=fast (-mfma); wasm has no fused
 * multiply-add in plain simd128, so the relaxed-SIMD build (-mrelaxed-simd) says it explicitly:
 * f32x4.relaxed_madd is an FMA where the CPU has one, else a multiply and an add (either way
 * within the float32 tolerance the fixtures ask for).
 */
#if defined(__wasm_relaxed_simd__) && VSML_VB == 16
static inline vf vfma(vf a, vf b, vf c) { return __builtin_wasm_relaxed_madd_f32x4(a, b, c); }
#else
static inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
#endif

/*
 * Hides a pointer's value from the optimizer. wasm only: LLVM sees wasm locals as unlimited
 * registers and hoists every W_h load of the cell (4N x N / 4 vectors) out of the row's loops,
 * which V8 then spills and reloads around each FMA (measured: slower than loading from memory).
 */
#if defined(__wasm__)
#define NO_HOIST(p) __asm__("" : "+r"(p))
#else
#define NO_HOIST(p) ((void)0)
#endif

/*
 * The h @ W_h loop over i: fully unrolled natively; on wasm unrolling makes LLVM issue all
 * loads first into hundreds of live locals, which V8's register allocator then spills.
 */
#if defined(__wasm__)
#define UNROLL_H_LOOP _Pragma("clang loop unroll_count(WASM_UNROLL)")
#else
#define UNROLL_H_LOOP _Pragma("GCC unroll 16")
#endif
#ifndef WASM_UNROLL
#define WASM_UNROLL 1
#endif

/* min/max: one instruction where the target has it (the generic select costs four). */
#if defined(__AVX__) && VSML_VB == 32
static inline vf vmin(vf a, vf b) { return __builtin_ia32_minps256(a, b); }
static inline vf vmax(vf a, vf b) { return __builtin_ia32_maxps256(a, b); }
#elif defined(__SSE__) && VSML_VB == 16
static inline vf vmin(vf a, vf b) { return __builtin_ia32_minps(a, b); }
static inline vf vmax(vf a, vf b) { return __builtin_ia32_maxps(a, b); }
#elif defined(__wasm_simd128__) && VSML_VB == 16
static inline vf vmin(vf a, vf b) { return __builtin_wasm_pmin_f32x4(a, b); }
static inline vf vmax(vf a, vf b) { return __builtin_wasm_pmax_f32x4(a, b); }
#else
static inline vf vsel(vi mask, vf a, vf b) { return (vf)(((vi)a & mask) | ((vi)b & ~mask)); }
static inline vf vmin(vf a, vf b) { return vsel(a < b, a, b); }
static inline vf vmax(vf a, vf b) { return vsel(a > b, a, b); }
#endif

/* exp(x) to ~1 ulp over the clamped range: Cody-Waite reduction and Cephes' expf polynomial. */
static inline vf vexp(vf x) {
  x = vmin(vmax(x, splat(-87.0f)), splat(88.0f));
  vf t = x * 1.44269504088896341f;
  vf k = (t + 12582912.0f) - 12582912.0f; /* round to nearest (1.5 * 2^23 trick) */
  vf r = x - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  vf p = splat(1.9875691500e-4f);
  p = vfma(p, r, splat(1.3981999507e-3f));
  p = vfma(p, r, splat(8.3334519073e-3f));
  p = vfma(p, r, splat(4.1665795894e-2f));
  p = vfma(p, r, splat(1.6666665459e-1f));
  p = vfma(p, r, splat(5.0000001201e-1f));
  p = p * (r * r) + r + 1.0f;
  vi ki = __builtin_convertvector(k, vi);
  return (vf)((vi)p + (ki << 23));
}

/*
 * tanh as a [13/6] rational function on [-8, 8] (the approximation Eigen uses for float):
 * clamp, 10 FMAs, one division, no exp and no integer tricks. Absolute and relative error
 * <= 2.6e-7 (measured against libm over [-20, 20] in steps of 1e-4).
 */
/* The numerator and denominator of the rational tanh below (tanh = p / q, q in [4.9e-3, 1.1]). */
static inline void vtanh_pq(vf x, vf *pn, vf *qd) {
  x = vmin(vmax(x, splat(-7.99881172180175781f)), splat(7.99881172180175781f));
  vf x2 = x * x;
  vf p = splat(-2.76076847742355e-16f);
  p = vfma(p, x2, splat(2.00018790482477e-13f));
  p = vfma(p, x2, splat(-8.60467152213735e-11f));
  p = vfma(p, x2, splat(5.12229709037114e-08f));
  p = vfma(p, x2, splat(1.48572235717979e-05f));
  p = vfma(p, x2, splat(6.37261928875436e-04f));
  p = vfma(p, x2, splat(4.89352455891786e-03f));
  *pn = p * x;
  vf q = splat(1.19825839466702e-06f);
  q = vfma(q, x2, splat(1.18534705686654e-04f));
  q = vfma(q, x2, splat(2.26843463243900e-03f));
  *qd = vfma(q, x2, splat(4.89352518554385e-03f));
}
static inline vf vtanh(vf x) {
  vf p, q;
  vtanh_pq(x, &p, &q);
  return p / q;
}
/*
 * sigmoid(a) * tanh(b) with one division: sigmoid(a) = (1 + tanh(a/2)) / 2 = (qa + pa) / (2 qa),
 * so the product is (qa + pa) pb / (2 qa qb). Divisions are the slowest vector op here.
 */
static inline vf vsigmoid_tanh(vf a, vf b) {
  vf pa, qa, pb, qb;
  vtanh_pq(0.5f * a, &pa, &qa);
  vtanh_pq(b, &pb, &qb);
  return ((qa + pa) * pb) / (2.0f * qa * qb);
}
/* sigmoid(x) = (1 + tanh(x/2)) / 2: absolute error <= 1.3e-7. */
static inline vf vsigmoid(vf x) { return 0.5f + 0.5f * vtanh(0.5f * x); }

static inline float sexp(float x) { return vexp(splat(x))[0]; }
/*
 * Scalar tanh accurate in relative terms (the logit bound tanh(v/b)*b multiplies the error
 * by b, e.g. 100): odd Taylor series below |x| = 0.5 (next term < 4e-8 relative), else
 * 1 - 2/(exp(2|x|)+1) with the sign restored.
 */
static inline float stanh(float xf) {
  double x = xf, ax = x < 0 ? -x : x;
  if (ax < 0.5) {
    double x2 = x * x;
    double p = -929569.0 / 638512875.0;
    p = p * x2 + 21844.0 / 6081075.0;
    p = p * x2 - 1382.0 / 155925.0;
    p = p * x2 + 62.0 / 2835.0;
    p = p * x2 - 17.0 / 315.0;
    p = p * x2 + 2.0 / 15.0;
    p = p * x2 - 1.0 / 3.0;
    return (float)(x + x * x2 * p);
  }
  double t = 1.0 - 2.0 / ((double)sexp((float)(2.0 * ax)) + 1.0);
  return (float)(x < 0 ? -t : t);
}

static inline float hsum(vf v) {
  float s = 0;
  for (int i = 0; i < VL; i++) s += v[i];
  return s;
}

/* ---------- packed parameters of one sub-RNN set ---------- */

typedef struct {
  float *wf;   /* [M][G]   rows 0..M-1 of lstm_w, gate columns regrouped to [4][Np] */
  float *wb;   /* [M][G]   rows M..2M-1 */
  float *wh;   /* [Np][G]  rows 2M..2M+N-1 (pad rows 0) */
  float *bias; /* [G]      lstm_b with the -5 (i) and +5 (f) shifts folded in */
  float *fw, *fb, *bw, *bb;             /* [Np][Mp], [Mp], [Np][Mp], [Mp] */
  float *fls, *flo, *bls, *blo;         /* [Mp] layer norm scale/offset (pads 0) */
} Set;

typedef struct {
  int L, N, M, micro, out, feed, ln, bwd, bs, T, nsets, setsize;
  int Np, Mp, G, NV, MV;
  int sizes[MAX_LAYERS + 1];
  int fidx[MAX_LAYERS], bidx[MAX_LAYERS];
  float tanh_bound;
  Set sets[2 * MAX_LAYERS];
  float *h[MAX_LAYERS], *c[MAX_LAYERS]; /* per layer [bs][A][B][Np] */
  float *in_fwd[MAX_LAYERS];            /* per layer [bs][A_l][Mp] */
  float *in_bwd[MAX_LAYERS];            /* per layer [bs][B_l][Mp]; in_bwd[L-1] holds E (ch 0, 1) */
  float *rowpre, *colpre;               /* [Amax][G], [Bmax][G] */
  float *hsr, *hsc;                     /* [Amax][Np], [Bmax][Np] sums of h' (layer norm off) */
  float *lout;                          /* [C][Mp] last layer's new forward message */
  size_t total;                         /* floats used */
} K;

static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

/* Parses the config and lays out the workspace; with base == NULL it only counts. Returns 0 or an error code. */
static int layout(K *k, const int32_t *ci, float *base) {
  k->L = ci[CI_L]; k->N = ci[CI_N]; k->M = ci[CI_M]; k->micro = ci[CI_MICRO]; k->out = ci[CI_OUT];
  k->feed = ci[CI_FEED]; k->ln = ci[CI_LN]; k->bwd = ci[CI_BWD]; k->bs = ci[CI_BS]; k->T = ci[CI_T];
  k->nsets = ci[CI_NSETS]; k->setsize = ci[CI_SETSIZE];
  if (k->L < 1 || k->L > MAX_LAYERS) return 1;
  if (k->nsets < 1 || k->nsets > 2 * MAX_LAYERS) return 2;
  if (k->N < 1 || k->M < 2 || k->micro < 1 || k->bs < 1 || k->T < 1) return 3;
  if (k->out < 0 || k->out >= k->M) return 4;
  int L = k->L;
  for (int i = 0; i <= L; i++) { k->sizes[i] = ci[CI_SIZES + i]; if (k->sizes[i] < 1) return 5; }
  for (int i = 0; i < L; i++) {
    k->fidx[i] = ci[CI_SIZES + L + 1 + i];
    k->bidx[i] = ci[CI_SIZES + 2 * L + 1 + i];
    if (k->fidx[i] < 0 || k->fidx[i] >= k->nsets) return 6;
    if (k->bwd && (k->bidx[i] < 0 || k->bidx[i] >= k->nsets)) return 6;
  }
  k->Np = (k->N + VL - 1) / VL * VL;
  k->Mp = (k->M + VL - 1) / VL * VL;
  k->G = 4 * k->Np;
  k->NV = k->Np / VL;
  k->MV = k->Mp / VL;
  int N = k->N, M = k->M, Np = k->Np, Mp = k->Mp, G = k->G, bs = k->bs;
  int expect = (2 * M + N) * 4 * N + 4 * N + 2 * (N * M + M) + (k->ln ? 4 * M : 0);
  if (k->setsize != expect) return 7;

  size_t off = 0;
#define TAKE(ptr, n) do { (ptr) = base ? base + off : NULL; off += round16((size_t)(n)); } while (0)
  for (int s = 0; s < k->nsets; s++) {
    Set *p = &k->sets[s];
    TAKE(p->wf, (size_t)M * G); TAKE(p->wb, (size_t)M * G); TAKE(p->wh, (size_t)Np * G); TAKE(p->bias, G);
    TAKE(p->fw, (size_t)Np * Mp); TAKE(p->fb, Mp); TAKE(p->bw, (size_t)Np * Mp); TAKE(p->bb, Mp);
    TAKE(p->fls, Mp); TAKE(p->flo, Mp); TAKE(p->bls, Mp); TAKE(p->blo, Mp);
  }
  int amax = 0, bmax = 0;
  for (int l = 0; l < L; l++) {
    size_t A = k->sizes[l], B = k->sizes[l + 1];
    if ((int)A > amax) amax = (int)A;
    if ((int)B > bmax) bmax = (int)B;
    TAKE(k->h[l], bs * A * B * Np); TAKE(k->c[l], bs * A * B * Np);
    TAKE(k->in_fwd[l], bs * A * Mp); TAKE(k->in_bwd[l], bs * B * Mp);
  }
  TAKE(k->rowpre, (size_t)amax * G); TAKE(k->colpre, (size_t)bmax * G);
  TAKE(k->hsr, (size_t)amax * Np); TAKE(k->hsc, (size_t)bmax * Np);
  TAKE(k->lout, (size_t)k->sizes[L] * Mp);
#undef TAKE
  k->total = off;
  return 0;
}

static void zero(float *p, size_t n) { for (size_t i = 0; i < n; i++) p[i] = 0; }

/* Copies θ (canonical layout, param-layout.ts) into the padded, regrouped layout above. */
static void pack_params(K *k, const float *theta) {
  int N = k->N, M = k->M, Np = k->Np, Mp = k->Mp, G = k->G, G4 = 4 * N;
  for (int s = 0; s < k->nsets; s++) {
    Set *p = &k->sets[s];
    const float *t = theta + (size_t)s * k->setsize;
    const float *lw = t, *lb = lw + (2 * M + N) * G4, *fw = lb + G4, *fb = fw + N * M, *bw = fb + M, *bb = bw + N * M;
    const float *ln = bb + M;
    zero(p->wf, (size_t)M * G); zero(p->wb, (size_t)M * G); zero(p->wh, (size_t)Np * G); zero(p->bias, G);
    zero(p->fw, (size_t)Np * Mp); zero(p->bw, (size_t)Np * Mp);
    zero(p->fb, Mp); zero(p->bb, Mp); zero(p->fls, Mp); zero(p->flo, Mp); zero(p->bls, Mp); zero(p->blo, Mp);
    for (int j = 0; j < G4; j++) {
      int gate = j / N, n = j % N, col = gate * Np + n;
      for (int m = 0; m < M; m++) {
        p->wf[m * G + col] = lw[m * G4 + j];
        p->wb[m * G + col] = lw[(M + m) * G4 + j];
      }
      for (int i = 0; i < N; i++) p->wh[i * G + col] = lw[(2 * M + i) * G4 + j];
      p->bias[col] = lb[j] + (gate == 0 ? -5.0f : gate == 2 ? 5.0f : 0.0f);
    }
    for (int n = 0; n < N; n++)
      for (int m = 0; m < M; m++) {
        p->fw[n * Mp + m] = fw[n * M + m];
        p->bw[n * Mp + m] = bw[n * M + m];
      }
    for (int m = 0; m < M; m++) {
      p->fb[m] = fb[m];
      p->bb[m] = bb[m];
      if (k->ln) {
        p->fls[m] = ln[m]; p->flo[m] = ln[M + m]; p->bls[m] = ln[2 * M + m]; p->blo[m] = ln[3 * M + m];
      }
    }
  }
}

/* ---------- the cell ---------- */

/*
 * `micro` ticks of one cell (called with 1): z = pre + h @ W_h, gates, state update. h and c are [Np]
 * (aligned). NV is a compile-time constant at the hot call sites, so z lives in registers.
 */
static inline __attribute__((always_inline)) void cell(const int NV, int N, int micro, float *restrict h, float *restrict c,
                                                       const float *restrict rp, const float *restrict cp, const float *restrict wh) {
  const int G = 4 * NV * VL;
  NO_HOIST(wh);
  for (int tk = 0; tk < micro; tk++) {
    /*
     * Two passes over W_h, gates (i, g) then (f, o): 2*NV accumulators plus the broadcast fit
     * the 16 vector registers (4*NV = 8 at N = 16 spilled two of them with GCC), at the price
     * of broadcasting h twice. The first pass's i*g is ready before the second starts.
     */
    vf ig[NV];
    {
      vf z[2 * NV];
      for (int j = 0; j < 2 * NV; j++) z[j] = *(const vf *)(rp + j * VL) + *(const vf *)(cp + j * VL);
UNROLL_H_LOOP
      for (int i = 0; i < N; i++) {
        vf hi = splat(h[i]);
        const float *w = wh + i * G;
        for (int j = 0; j < 2 * NV; j++) z[j] = vfma(hi, *(const vf *)(w + j * VL), z[j]);
      }
      for (int v = 0; v < NV; v++) ig[v] = vsigmoid_tanh(z[v], z[NV + v]);
    }
    vf z[2 * NV];
    for (int j = 0; j < 2 * NV; j++) z[j] = *(const vf *)(rp + (2 * NV + j) * VL) + *(const vf *)(cp + (2 * NV + j) * VL);
UNROLL_H_LOOP
    for (int i = 0; i < N; i++) {
      vf hi = splat(h[i]);
      const float *w = wh + i * G + 2 * NV * VL;
      for (int j = 0; j < 2 * NV; j++) z[j] = vfma(hi, *(const vf *)(w + j * VL), z[j]);
    }
    for (int v = 0; v < NV; v++) {
      vf fg = vsigmoid(z[v]);
      vf cn = fg * *(vf *)(c + v * VL) + ig[v];
      *(vf *)(c + v * VL) = cn;
      *(vf *)(h + v * VL) = vsigmoid_tanh(z[NV + v], cn);
    }
  }
}

/*
 * One micro tick of two cells of the same row (b and b+1) in one body: their independent
 * dependency chains interleave, and each W_h vector loaded serves both (2 x 2*NV accumulators,
 * two broadcasts and one weight vector: 11 registers at N = 16 with AVX2).
 */
static inline __attribute__((always_inline)) void cell2(const int NV, int N, float *restrict h0, float *restrict c0,
                                                        float *restrict h1, float *restrict c1, const float *restrict rp,
                                                        const float *restrict cp0, const float *restrict cp1, const float *restrict wh) {
  const int G = 4 * NV * VL;
  NO_HOIST(wh);
  vf ig0[NV], ig1[NV];
  {
    vf z0[2 * NV], z1[2 * NV];
    for (int j = 0; j < 2 * NV; j++) {
      vf r = *(const vf *)(rp + j * VL);
      z0[j] = r + *(const vf *)(cp0 + j * VL);
      z1[j] = r + *(const vf *)(cp1 + j * VL);
    }
UNROLL_H_LOOP
    for (int i = 0; i < N; i++) {
      vf a0 = splat(h0[i]), a1 = splat(h1[i]);
      const float *w = wh + i * G;
      for (int j = 0; j < 2 * NV; j++) {
        vf wj = *(const vf *)(w + j * VL);
        z0[j] = vfma(a0, wj, z0[j]);
        z1[j] = vfma(a1, wj, z1[j]);
      }
    }
    for (int v = 0; v < NV; v++) {
      ig0[v] = vsigmoid_tanh(z0[v], z0[NV + v]);
      ig1[v] = vsigmoid_tanh(z1[v], z1[NV + v]);
    }
  }
  vf z0[2 * NV], z1[2 * NV];
  for (int j = 0; j < 2 * NV; j++) {
    vf r = *(const vf *)(rp + (2 * NV + j) * VL);
    z0[j] = r + *(const vf *)(cp0 + (2 * NV + j) * VL);
    z1[j] = r + *(const vf *)(cp1 + (2 * NV + j) * VL);
  }
UNROLL_H_LOOP
  for (int i = 0; i < N; i++) {
    vf a0 = splat(h0[i]), a1 = splat(h1[i]);
    const float *w = wh + i * G + 2 * NV * VL;
    for (int j = 0; j < 2 * NV; j++) {
      vf wj = *(const vf *)(w + j * VL);
      z0[j] = vfma(a0, wj, z0[j]);
      z1[j] = vfma(a1, wj, z1[j]);
    }
  }
  for (int v = 0; v < NV; v++) {
    vf cn0 = vsigmoid(z0[v]) * *(vf *)(c0 + v * VL) + ig0[v];
    vf cn1 = vsigmoid(z1[v]) * *(vf *)(c1 + v * VL) + ig1[v];
    *(vf *)(c0 + v * VL) = cn0;
    *(vf *)(c1 + v * VL) = cn1;
    *(vf *)(h0 + v * VL) = vsigmoid_tanh(z0[NV + v], cn0);
    *(vf *)(h1 + v * VL) = vsigmoid_tanh(z1[NV + v], cn1);
  }
}

/*
 * wasm's pair of cells (b, b+1) at 4 lanes: h is NV = 4 vectors at N = 16, so cell2's
 * 2 x 2*NV accumulators would not fit x86's 16 vector registers under V8. One gate per pass
 * instead: 2 x NV accumulators, two broadcasts and one weight vector serving both cells.
 * z0, z1 [NV] = rp + cp{0,1} + h{0,1} @ W_h[:, gate].
 */
static inline __attribute__((always_inline)) void gate_pair(const int NV, int N, int gate, const float *restrict h0, const float *restrict h1,
                                                            const float *restrict rp, const float *restrict cp0, const float *restrict cp1,
                                                            const float *restrict wh, vf *z0, vf *z1) {
  const int G = 4 * NV * VL, off = gate * NV * VL;
  NO_HOIST(wh);
  for (int j = 0; j < NV; j++) {
    vf r = *(const vf *)(rp + off + j * VL);
    z0[j] = r + *(const vf *)(cp0 + off + j * VL);
    z1[j] = r + *(const vf *)(cp1 + off + j * VL);
  }
UNROLL_H_LOOP
  for (int i = 0; i < N; i++) {
    vf a0 = splat(h0[i]), a1 = splat(h1[i]);
    const float *w = wh + i * G + off;
    for (int j = 0; j < NV; j++) {
      vf wj = *(const vf *)(w + j * VL);
      z0[j] = vfma(a0, wj, z0[j]);
      z1[j] = vfma(a1, wj, z1[j]);
    }
  }
}

static inline __attribute__((always_inline)) void cell2_gatewise(const int NV, int N, float *restrict h0, float *restrict c0,
                                                                 float *restrict h1, float *restrict c1, const float *restrict rp,
                                                                 const float *restrict cp0, const float *restrict cp1, const float *restrict wh) {
  vf a0[NV], a1[NV], b0[NV], b1[NV], ig0[NV], ig1[NV];
  gate_pair(NV, N, 0, h0, h1, rp, cp0, cp1, wh, a0, a1);
  gate_pair(NV, N, 1, h0, h1, rp, cp0, cp1, wh, b0, b1);
  for (int v = 0; v < NV; v++) {
    ig0[v] = vsigmoid_tanh(a0[v], b0[v]);
    ig1[v] = vsigmoid_tanh(a1[v], b1[v]);
  }
  gate_pair(NV, N, 2, h0, h1, rp, cp0, cp1, wh, a0, a1);
  for (int v = 0; v < NV; v++) {
    vf cn0 = vsigmoid(a0[v]) * *(vf *)(c0 + v * VL) + ig0[v];
    vf cn1 = vsigmoid(a1[v]) * *(vf *)(c1 + v * VL) + ig1[v];
    *(vf *)(c0 + v * VL) = cn0;
    *(vf *)(c1 + v * VL) = cn1;
  }
  /* h is read by all four passes, so it is written only after the last. */
  gate_pair(NV, N, 3, h0, h1, rp, cp0, cp1, wh, a0, a1);
  for (int v = 0; v < NV; v++) {
    *(vf *)(h0 + v * VL) = vsigmoid_tanh(a0[v], *(vf *)(c0 + v * VL));
    *(vf *)(h1 + v * VL) = vsigmoid_tanh(a1[v], *(vf *)(c1 + v * VL));
  }
}

/* Layer norm of a padded [Mp] message (pad lanes are 0 in and out): s * (v - mean) / sqrt(var + 1e-5) + o. */
static void layer_norm(const K *k, vf *v, const float *scale, const float *offset) {
  int MV = k->MV, M = k->M;
  float sum = 0;
  for (int j = 0; j < MV; j++) sum += hsum(v[j]);
  float mean = sum / (float)M, var = 0;
  for (int j = 0; j < MV; j++) {
    vf d = v[j] - mean;
    var += hsum(d * d);
  }
  var -= (float)(k->Mp - M) * mean * mean; /* pad lanes contributed mean^2 each */
  var /= (float)M;
  /* 1/sqrt in float via one exp/log-free route: Newton on the float reciprocal sqrt. */
  float x = var + 1e-5f;
  union { float f; int32_t i; } u = {x};
  u.i = 0x5f3759df - (u.i >> 1);
  float r = u.f;
  for (int it = 0; it < 4; it++) r = r * (1.5f - 0.5f * x * r * r);
  for (int j = 0; j < MV; j++) v[j] = *(const vf *)(scale + j * VL) * ((v[j] - mean) * r) + *(const vf *)(offset + j * VL);
}

/* x @ W for a padded [Np] vector x and W [Np][Mp] into MV vectors, plus bias. */
static inline void project(const K *k, const float *x, const float *w, const float *b, vf *out) {
  int MV = k->MV, Mp = k->Mp;
  for (int j = 0; j < MV; j++) out[j] = *(const vf *)(b + j * VL);
  for (int n = 0; n < k->N; n++) {
    vf xn = splat(x[n]);
    for (int j = 0; j < MV; j++) out[j] = vfma(xn, *(const vf *)(w + n * Mp + j * VL), out[j]);
  }
}

/*
 * One dense layer call for one batch member: all cells, all micro ticks.
 * fin [A][Mp], bin [B][Mp], h/c [A][B][Np] -> nf [B][Mp], nb [A][Mp] (nb may be NULL: discarded).
 */
static void dense_layer(K *k, const Set *p, int A, int B, const float *fin, const float *bin, float *h, float *c, float *nf, float *nb) {
  const int N = k->N, M = k->M, Np = k->Np, Mp = k->Mp, G = k->G, NV = k->NV, micro = k->micro;
  /* Row and column parts of the gate pre-activation. */
  for (int a = 0; a < A; a++) {
    vf *r = (vf *)(k->rowpre + (size_t)a * G);
    for (int j = 0; j < G / VL; j++) r[j] = *(const vf *)(p->bias + j * VL);
    for (int m = 0; m < M; m++) {
      float x = fin[a * Mp + m];
      if (x == 0.0f) continue; /* the first layer's input has one nonzero channel */
      vf xs = splat(x);
      for (int j = 0; j < G / VL; j++) r[j] = vfma(xs, *(const vf *)(p->wf + m * G + j * VL), r[j]);
    }
  }
  for (int b = 0; b < B; b++) {
    vf *r = (vf *)(k->colpre + (size_t)b * G);
    for (int j = 0; j < G / VL; j++) r[j] = splat(0);
    for (int m = 0; m < M; m++) {
      float x = bin[b * Mp + m];
      if (x == 0.0f) continue;
      vf xs = splat(x);
      for (int j = 0; j < G / VL; j++) r[j] = vfma(xs, *(const vf *)(p->wb + m * G + j * VL), r[j]);
    }
  }
  if (!k->ln) zero(k->hsc, (size_t)B * Np);
  zero(nf, (size_t)B * Mp);
  if (nb) zero(nb, (size_t)A * Mp);
  const float invA = 1.0f / (float)A, invB = 1.0f / (float)B;

  for (int a = 0; a < A; a++) {
    const float *rp = k->rowpre + (size_t)a * G;
    float *hrow = h + (size_t)a * B * Np, *crow = c + (size_t)a * B * Np;
    float *hsr = k->hsr + (size_t)a * Np;
    if (!k->ln) zero(hsr, Np);
    /*
     * Tick-major within the row: the B cells of one micro tick are independent, so the CPU
     * overlaps one cell's dependency chain (h @ W_h -> gates -> c -> h) with the next cell's.
     * Cell-major order (all ticks of a cell in a row) left it waiting on that chain.
     */
    for (int tk = 0; tk < micro; tk++) {
      int b = 0;
      /*
       * Pairs of cells when h is exactly 2 vectors (the default N = 16 with AVX2): ~17% more
       * cell-ticks per CPU-second there. Only this constant-size instance: a second, runtime-N
       * instance made GCC compile the whole loop worse (+30% instructions).
       */
      if (N == 2 * VL && NV == 2)
        for (; b + 1 < B; b += 2) {
          float *h0 = hrow + (size_t)b * Np, *c0 = crow + (size_t)b * Np;
          const float *cp0 = k->colpre + (size_t)b * G, *cp1 = cp0 + G;
          cell2(2, 2 * VL, h0, c0, h0 + Np, c0 + Np, rp, cp0, cp1, p->wh);
        }
#if defined(__wasm__)
      if (N == 4 * VL && NV == 4)
        for (; b + 1 < B; b += 2) {
          float *h0 = hrow + (size_t)b * Np, *c0 = crow + (size_t)b * Np;
          const float *cp0 = k->colpre + (size_t)b * G, *cp1 = cp0 + G;
          cell2_gatewise(4, 4 * VL, h0, c0, h0 + Np, c0 + Np, rp, cp0, cp1, p->wh);
        }
#endif
      for (; b < B; b++) {
        float *hc = hrow + (size_t)b * Np, *cc = crow + (size_t)b * Np;
        const float *cp = k->colpre + (size_t)b * G;
        /* Constant sizes let the compiler unroll the h @ W_h loop and keep z in registers. */
        if (N == NV * VL && NV == 2) cell(2, 2 * VL, 1, hc, cc, rp, cp, p->wh);
        else if (N == NV * VL && NV == 1) cell(1, VL, 1, hc, cc, rp, cp, p->wh);
        else if (N == NV * VL && NV == 4) cell(4, 4 * VL, 1, hc, cc, rp, cp, p->wh);
        else if (NV == 1) cell(1, N, 1, hc, cc, rp, cp, p->wh);
        else if (NV == 2) cell(2, N, 1, hc, cc, rp, cp, p->wh);
        else cell(NV, N, 1, hc, cc, rp, cp, p->wh);
      }
    }
    for (int b = 0; b < B; b++) {
      float *hc = hrow + (size_t)b * Np;
      if (!k->ln) {
        /* Projection after the mean: only sum h' here. */
        for (int v = 0; v < NV; v++) {
          vf hv = *(const vf *)(hc + v * VL);
          *(vf *)(hsr + v * VL) += hv;
          *(vf *)(k->hsc + (size_t)b * Np + v * VL) += hv;
        }
      } else {
        vf fo[k->MV], bo[k->MV];
        project(k, hc, p->fw, p->fb, fo);
        layer_norm(k, fo, p->fls, p->flo);
        for (int j = 0; j < k->MV; j++) *(vf *)(nf + b * Mp + j * VL) += fo[j] * invA;
        if (nb) {
          project(k, hc, p->bw, p->bb, bo);
          layer_norm(k, bo, p->bls, p->blo);
          for (int j = 0; j < k->MV; j++) *(vf *)(nb + a * Mp + j * VL) += bo[j] * invB;
        }
      }
    }
    if (!k->ln && nb) {
      /* new_bwd[a] = (sum_b h'[a,b] / B) @ Wb + bb */
      float mean[Np];
      for (int n = 0; n < Np; n++) mean[n] = hsr[n] * invB;
      vf o[k->MV];
      project(k, mean, p->bw, p->bb, o);
      for (int j = 0; j < k->MV; j++) *(vf *)(nb + a * Mp + j * VL) = o[j];
    }
  }
  if (!k->ln) {
    for (int b = 0; b < B; b++) {
      float mean[Np];
      for (int n = 0; n < Np; n++) mean[n] = k->hsc[(size_t)b * Np + n] * invA;
      vf o[k->MV];
      project(k, mean, p->fw, p->fb, o);
      for (int j = 0; j < k->MV; j++) *(vf *)(nf + b * Mp + j * VL) = o[j];
    }
  }
}

/* One network tick for batch member `mb`; writes the (bounded) logits into out[C] when forward. */
static void tick(K *k, int mb, int reverse, float *out) {
  const int L = k->L, Np = k->Np, Mp = k->Mp;
  for (int li = 0; li < L; li++) {
    int l = reverse ? L - 1 - li : li;
    const Set *p = &k->sets[reverse ? k->bidx[l] : k->fidx[l]];
    int A = k->sizes[l], B = k->sizes[l + 1];
    size_t cells = (size_t)A * B * Np;
    float *nf = l < L - 1 ? k->in_fwd[l + 1] + (size_t)mb * B * Mp : k->lout;
    float *nb = l > 0 ? k->in_bwd[l - 1] + (size_t)mb * A * Mp : NULL;
    dense_layer(k, p, A, B, k->in_fwd[l] + (size_t)mb * A * Mp, k->in_bwd[l] + (size_t)mb * B * Mp,
                k->h[l] + mb * cells, k->c[l] + mb * cells, nf, nb);
  }
  if (out) {
    int C = k->sizes[L];
    for (int j = 0; j < C; j++) {
      float v = k->lout[j * Mp + k->out];
      out[j] = k->tanh_bound != 0.0f ? stanh(v / k->tanh_bound) * k->tanh_bound : v;
    }
  }
}

/* The reference's _merge_layer_states: the first N/2 channels of h and c become their batch mean. */
static void merge_batch(K *k) {
  int half = k->N / 2, bs = k->bs, Np = k->Np;
  float inv = 1.0f / (float)bs;
  for (int l = 0; l < k->L; l++) {
    size_t cells = (size_t)k->sizes[l] * k->sizes[l + 1], per = cells * Np;
    for (int which = 0; which < 2; which++) {
      float *arr = which ? k->c[l] : k->h[l];
      for (size_t cell = 0; cell < cells; cell++)
        for (int n = 0; n < half; n++) {
          float s = 0;
          for (int b = 0; b < bs; b++) s += arr[b * per + cell * Np + n];
          s *= inv;
          for (int b = 0; b < bs; b++) arr[b * per + cell * Np + n] = s;
        }
    }
  }
}

/*
 * Sizes of the episode's arrays, so callers can check buffers before the kernel touches them:
 * out = {theta, inputs, labels, state (h and c of all layers), logits}. Returns 0 or an error code.
 */
int VSML_FN(vsml_io_sizes)(const int32_t *ci, int32_t *out) {
  K k;
  int err = layout(&k, ci, NULL);
  if (err) return err;
  int64_t state = 0;
  for (int l = 0; l < k.L; l++) state += 2 * (int64_t)k.bs * k.sizes[l] * k.sizes[l + 1] * k.N;
  out[0] = k.nsets * k.setsize;
  out[1] = k.T * k.bs * k.sizes[0];
  out[2] = k.T * k.bs;
  out[3] = (int32_t)state;
  out[4] = k.T * k.bs * k.sizes[k.L];
  return 0;
}

/* Floats of workspace the episode needs (0 if the config is invalid). */
size_t VSML_FN(vsml_work_floats)(const int32_t *ci) {
  K k;
  if (layout(&k, ci, NULL) != 0) return 0;
  return k.total;
}

/*
 * Runs one episode. ci: int config (see the enum), cf[0]: tanh_bound. theta: canonical layout.
 * inputs [T][bs][A0], labels [T][bs], state_in: per layer h [bs][A][B][N] then c [bs][A][B][N].
 * logits_out [T][bs][C]; state_out (same layout as state_in) may be NULL.
 * work: vsml_work_floats(ci) floats, 64-byte aligned. Returns 0, or an error code for a bad config/label.
 */
int VSML_FN(vsml_episode)(const int32_t *ci, const float *cf, const float *theta, const float *inputs, const int32_t *labels,
                          const float *state_in, float *logits_out, float *state_out, float *work) {
  K k;
  int err = layout(&k, ci, work);
  if (err) return err;
  k.tanh_bound = cf[0];
  const int L = k.L, N = k.N, Np = k.Np, Mp = k.Mp, bs = k.bs, T = k.T, A0 = k.sizes[0], C = k.sizes[L];
  pack_params(&k, theta);

  /* Unpack the state into the padded layout, zero the messages (all zero at t = 0). */
  const float *sp = state_in;
  for (int l = 0; l < L; l++) {
    size_t cells = (size_t)bs * k.sizes[l] * k.sizes[l + 1];
    float *dst[2] = {k.h[l], k.c[l]};
    for (int w = 0; w < 2; w++) {
      zero(dst[w], cells * Np);
      for (size_t cell = 0; cell < cells; cell++)
        for (int n = 0; n < N; n++) dst[w][cell * Np + n] = *sp++;
    }
    zero(k.in_fwd[l], (size_t)bs * k.sizes[l] * Mp);
    zero(k.in_bwd[l], (size_t)bs * k.sizes[l + 1] * Mp);
  }

  float out[C];
  const float invbs = 1.0f / (float)bs;
  for (int t = 0; t < T; t++) {
    if (bs > 1) merge_batch(&k);
    for (int mb = 0; mb < bs; mb++) {
      size_t row = (size_t)t * bs + mb;
      const float *x = inputs + row * A0;
      float *fin0 = k.in_fwd[0] + (size_t)mb * A0 * Mp;
      for (int a = 0; a < A0; a++) fin0[a * Mp] = x[a];
      tick(&k, mb, 0, out);
      float *E = k.in_bwd[L - 1] + (size_t)mb * C * Mp; /* E [C] on channels 0 and 1 */
      int y = labels[row];
      if (y < 0 || y >= C) return 8;
      float mx = out[0];
      for (int j = 1; j < C; j++) mx = out[j] > mx ? out[j] : mx;
      float sum = 0;
      for (int j = 0; j < C; j++) sum += sexp(out[j] - mx);
      for (int j = 0; j < C; j++) {
        logits_out[row * C + j] = out[j];
        float onehot = j == y ? 1.0f : 0.0f;
        E[j * Mp] = (sexp(out[j] - mx) / sum - onehot) * invbs;
        E[j * Mp + 1] = k.feed ? onehot : 0.0f;
      }
      if (k.bwd) {
        tick(&k, mb, 1, NULL);
        for (int j = 0; j < C; j++) E[j * Mp] = E[j * Mp + 1] = 0.0f;
      }
    }
  }

  if (state_out) {
    float *dp = state_out;
    for (int l = 0; l < L; l++) {
      size_t cells = (size_t)bs * k.sizes[l] * k.sizes[l + 1];
      float *src[2] = {k.h[l], k.c[l]};
      for (int w = 0; w < 2; w++)
        for (size_t cell = 0; cell < cells; cell++)
          for (int n = 0; n < N; n++) *dp++ = src[w][cell * Np + n];
    }
  }
  return 0;
}
