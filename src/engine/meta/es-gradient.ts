/**
 * The antithetic ES gradient estimate of the reference (`experiment.py` `_es_grads`):
 *   g = mean_k [ (L+_k - L-_k) / (2σ²) · σ ε_k ]
 * with optional centered-rank fitness shaping (Salimans et al. 2017): the 2P losses are
 * replaced by their ranks scaled to [-0.5, 0.5] before the same formula, which makes the
 * step invariant to the loss scale and robust to outliers.
 */
export interface EsPairResult {
  /** ε_k, shape [D]. */
  eps: Float64Array;
  lossPos: number;
  lossNeg: number;
}

/** Centered ranks of `values` in [-0.5, 0.5] (ties broken by position, as argsort does). */
export function centeredRanks(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [0];
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ranks = new Array<number>(n);
  order.forEach(([, i], r) => (ranks[i] = r / (n - 1) - 0.5));
  return ranks;
}

export function esGradient(pairs: readonly EsPairResult[], sigma: number, useCenteredRanks: boolean): Float64Array {
  const P = pairs.length;
  const D = pairs[0].eps.length;
  let pos = pairs.map((p) => p.lossPos);
  let neg = pairs.map((p) => p.lossNeg);
  if (useCenteredRanks) {
    const r = centeredRanks([...pos, ...neg]);
    pos = r.slice(0, P);
    neg = r.slice(P);
  }
  const g = new Float64Array(D);
  for (let k = 0; k < P; k++) {
    // (L+ - L-) / (2σ²) · σ ε  =  (L+ - L-) / (2σ) · ε
    const w = (pos[k] - neg[k]) / (2 * sigma) / P;
    const eps = pairs[k].eps;
    for (let i = 0; i < D; i++) g[i] += w * eps[i];
  }
  return g;
}

/** θ ± σε for one pair. */
export function perturb(theta: Float64Array, eps: Float64Array, sigma: number): [Float64Array, Float64Array] {
  const plus = new Float64Array(theta.length);
  const minus = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    plus[i] = theta[i] + sigma * eps[i];
    minus[i] = theta[i] - sigma * eps[i];
  }
  return [plus, minus];
}

/** The episode loss the reference optimizes: mean over steps (and batch) of CE, or the last step's. */
export function episodeLoss(ce: ArrayLike<number>, batchSize: number, lossType: 'mean' | 'last'): number {
  if (lossType === 'mean') {
    let s = 0;
    for (let i = 0; i < ce.length; i++) s += ce[i];
    return s / ce.length;
  }
  let s = 0;
  for (let b = 0; b < batchSize; b++) s += ce[ce.length - batchSize + b];
  return s / batchSize;
}
