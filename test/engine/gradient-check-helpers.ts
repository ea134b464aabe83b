import assert from 'node:assert/strict';
import { VsmlModelConfig } from '../../src/engine/model/config';
import { broadcastState } from '../../src/engine/model/episode';
import { initParams, initialState } from '../../src/engine/model/init';
import { referenceEpisode } from '../../src/engine/model/reference-episode';
import { Rng } from '../../src/engine/random';
import { LossType } from '../../src/engine/tfjs/episode-loss';

/** Shared by the tfjs and the kernel gradient tests: a tiny problem and the float64 reference's directional derivative. */
export function problem(cfg: VsmlModelConfig, seed: number, T: number) {
  const rng = new Rng(seed);
  const theta = initParams(cfg, rng);
  for (let i = 0; i < theta.length; i++) theta[i] += 1.0 * rng.normal(); // high gain: every path matters
  const inputs = new Float64Array(T * cfg.batchSize * cfg.layerSizes[0]);
  rng.fillNormal(inputs);
  const C = cfg.layerSizes[cfg.layerSizes.length - 1];
  const episode = { length: T, inputs, labels: Int32Array.from({ length: T * cfg.batchSize }, () => rng.int(C)) };
  return { theta, episode, state: broadcastState(initialState(cfg, rng), cfg.batchSize) };
}

/**
 * Truncated BPTT's gradient along v, from the float64 reference alone: slice k's loss L_k as a
 * function of the parameters of slice k's steps only (earlier steps keep θ, so the state a slice
 * starts from is a constant, as the detached carry is), summed over slices:
 *   g·v = Σ_k d/dε L_k(θ in steps before slice k, θ + εv in slice k).
 */
export function referenceTruncatedDirectional(cfg: VsmlModelConfig, p: ReturnType<typeof problem>, v: Float64Array, lossType: LossType, truncation: number): number {
  const T = p.episode.length;
  const bs = cfg.batchSize;
  const slice = truncation === 0 ? T : truncation;
  const h = 1e-5;
  let total = 0;
  for (let from = 0; from < T; from += slice) {
    const to = Math.min(T, from + slice);
    if (lossType === 'last' && to !== T) continue;
    const sliceLoss = (eps: number): number => {
      const moved = p.theta.map((x, i) => x + eps * v[i]);
      const { ce } = referenceEpisode(cfg, p.theta, p.episode, p.state, undefined, (t) => (t >= from && t < to ? moved : p.theta));
      if (lossType === 'last') return (ce[(T - 1) * bs] + (bs > 1 ? ce[(T - 1) * bs + 1] : 0)) / bs;
      let s = 0;
      for (let i = from * bs; i < to * bs; i++) s += ce[i];
      return s / (T * bs);
    };
    total += (sliceLoss(h) - sliceLoss(-h)) / (2 * h);
  }
  return total;
}


/**
 * Checks grad·v against referenceTruncatedDirectional along 3 random directions v (seed 17):
 * |fd - grad·v| < rel·|fd| + abs, and that the gradient does not vanish (some |fd| > 1e-3).
 */
export function assertMatchesReferenceDirections(
  cfg: VsmlModelConfig, p: ReturnType<typeof problem>, grad: Float64Array, lossType: LossType, truncation: number, rel: number, abs: number,
): void {
  const rng = new Rng(17);
  let maxFd = 0;
  for (let k = 0; k < 3; k++) {
    const v = new Float64Array(p.theta.length);
    rng.fillNormal(v);
    let gv = 0;
    for (let i = 0; i < v.length; i++) gv += grad[i] * v[i];
    const fd = referenceTruncatedDirectional(cfg, p, v, lossType, truncation);
    maxFd = Math.max(maxFd, Math.abs(fd));
    assert.ok(Math.abs(fd - gv) < rel * Math.abs(fd) + abs, `direction ${k}: fd ${fd} vs grad·v ${gv}`);
  }
  assert.ok(maxFd > 1e-3, `the gradient should not vanish here (max ${maxFd})`);
}
