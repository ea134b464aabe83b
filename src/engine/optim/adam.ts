/**
 * Adam as optax's `chain([clip_by_global_norm], scale_by_adam(b1, b2, eps, eps_root=0), scale(-lr))`,
 * the reference's meta-optimizer. State is plain arrays so checkpoints can store it exactly.
 */
export interface AdamOptions {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  /** Clip the gradient to this global L2 norm first; 0 = off. */
  clipGradNorm: number;
}

export interface AdamState {
  mu: Float64Array;
  nu: Float64Array;
  count: number;
}

export const DEFAULT_ADAM: Omit<AdamOptions, 'lr'> = { b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 };

export function adamInit(size: number): AdamState {
  return { mu: new Float64Array(size), nu: new Float64Array(size), count: 0 };
}

export function globalNorm(g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** One Adam step: updates `theta` and `state` in place. `grad` is not modified. */
export function adamStep(theta: Float64Array, grad: Float64Array, state: AdamState, opt: AdamOptions): void {
  let scale = 1;
  if (opt.clipGradNorm > 0) {
    const norm = globalNorm(grad);
    if (norm > opt.clipGradNorm) scale = opt.clipGradNorm / norm;
  }
  state.count += 1;
  const c1 = 1 - opt.b1 ** state.count;
  const c2 = 1 - opt.b2 ** state.count;
  for (let i = 0; i < theta.length; i++) {
    const g = grad[i] * scale;
    state.mu[i] = opt.b1 * state.mu[i] + (1 - opt.b1) * g;
    state.nu[i] = opt.b2 * state.nu[i] + (1 - opt.b2) * g * g;
    theta[i] -= (opt.lr * (state.mu[i] / c1)) / (Math.sqrt(state.nu[i] / c2) + opt.eps);
  }
}
