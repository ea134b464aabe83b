import { Rng } from '../random';
import { esGradient, EsPairResult, perturb } from './es-gradient';

/**
 * Truncated and persistent evolution strategies over long inner episodes, independent of what
 * the inner system is (the VSML network in persistent-es-optimizer.ts, a scalar recurrence in
 * the tests). Each antithetic pair ("particle") owns one episode of `episodeLength` steps and
 * advances it by `truncation` steps per meta-step from the states its + and − rollouts reached.
 *
 * - `pes` (Vicol, Metz & Sohl-Dickstein, ICML 2021, Algorithm 2; learned_optimization's
 *   TruncatedPES): the + and − rollouts keep their own states, and the gradient of a slice
 *   weighs (L+ − L−) by ξ, the sum of every ε the pair drew in the current episode. Summed over an
 *   episode this is an unbiased estimate of the gradient of the (Gaussian-smoothed) whole-episode loss.
 * - `truncated` (truncated ES): both rollouts start each slice from one shared state and the
 *   gradient weighs by the current ε only, ignoring how θ shaped the carried state: biased
 *   toward short horizons (the bias PES removes).
 *
 * Episodes are staggered: particle k starts its first episode at slice k mod S (S slices an
 * episode), from a fresh initial state, so every meta-step mixes all phases of learning.
 */
export type TruncatedEstimator = 'pes' | 'truncated';

export interface TruncationOptions {
  /** K, inner steps per meta-step (`optimizer.truncation`). */
  length: number;
  estimator: TruncatedEstimator;
}

/** One pair's place in its episode. `S` is the inner system's state (opaque here). */
export interface Particle<S> {
  /** Index of the pair's current episode (0, 1, ...): with (seed, particle) it names the episode's data. */
  episode: number;
  /** Next inner step to run, in [0, episodeLength). */
  t: number;
  pos: S;
  neg: S;
  /** PES: Σ ε over the current episode's slices so far ([D]); absent for `truncated`. */
  xi?: Float64Array;
}

/** One slice to run: `length` steps of particle `particle`'s episode from step `start`. */
export interface SliceRequest<S> {
  particle: number;
  episode: number;
  start: number;
  length: number;
  theta: Float64Array;
  state: S;
}

export interface SliceResult<S> {
  /** State after the slice. */
  state: S;
  /** The slice's loss (see sliceLoss). */
  loss: number;
}

/** How the estimator reaches the inner system. */
export interface InnerSystem<S> {
  /** Fresh initial state of an episode (derived from (particle, episode), so never stored). */
  initialState(particle: number, episode: number): S;
  /** Runs all slices (2 per particle, + then −), in one batch so runners can parallelize. */
  runSlices(requests: readonly SliceRequest<S>[]): Promise<SliceResult<S>[]>;
  /** The shared state `truncated` carries on: the mean of the pair's two final states (equal to the state under θ to first order in σ). */
  meanState(a: S, b: S): S;
}

export interface TruncatedEsSettings extends TruncationOptions {
  episodeLength: number;
  sigma: number;
  centeredRanks: boolean;
}

export interface TruncatedEsResult {
  grad: Float64Array;
  /** Mean slice losses of the + and − halves. */
  lossPos: number;
  lossNeg: number;
}

/** Number of slices in an episode of `episodeLength` steps (the last one shorter when K does not divide T). */
export function slicesPerEpisode(episodeLength: number, truncation: number): number {
  return Math.ceil(episodeLength / truncation);
}

/**
 * The starting particles: particle k at slice k mod S of its episode 0, from that episode's
 * fresh initial state (its first episode is shorter; from the second on, all are whole).
 */
export function initialParticles<S>(pairs: number, dim: number, s: TruncatedEsSettings, sys: InnerSystem<S>): Particle<S>[] {
  const S = slicesPerEpisode(s.episodeLength, s.length);
  return Array.from({ length: pairs }, (_, k) => {
    const state = sys.initialState(k, 0);
    return { episode: 0, t: (k % S) * s.length, pos: state, neg: state, xi: s.estimator === 'pes' ? new Float64Array(dim) : undefined };
  });
}

/**
 * The loss of a slice covering steps [start, start + n) of a T-step episode, from the per-step
 * losses `stepLoss` (n numbers), chosen so that the slice losses of an episode sum to a
 * multiple of the whole-episode loss, which makes PES's sum over slices estimate its gradient:
 * - `mean`: Σ stepLoss / K (K the truncation; T/K slices sum to (T/K) × mean over the episode,
 *   and a shorter last slice weighs its steps like the others);
 * - `last`: the loss of the episode's last step when the slice reaches it, else 0.
 */
export function sliceLoss(stepLoss: ArrayLike<number>, start: number, episodeLength: number, truncation: number, lossType: 'mean' | 'last'): number {
  const n = stepLoss.length;
  if (lossType === 'last') return start + n === episodeLength ? stepLoss[n - 1] : 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += stepLoss[i];
  return sum / truncation;
}

/**
 * One meta-step of truncated/persistent ES: draws ε_k of particle k from `noise(k)` (its own
 * stream, as whole-episode ES does per pair: pairRng in es-step.ts), runs each pair's next slice
 * with θ ± σε_k, updates the particles in place (states, position, PES noise; a pair that reaches the end of its episode starts the next one)
 * and returns the gradient estimate (esGradient with ξ_k, or ε_k for `truncated`).
 */
export async function truncatedEsStep<S>(particles: Particle<S>[], theta: Float64Array, noise: (k: number) => Rng, s: TruncatedEsSettings, sys: InnerSystem<S>): Promise<TruncatedEsResult> {
  const D = theta.length;
  const eps: Float64Array[] = [];
  const requests: SliceRequest<S>[] = [];
  particles.forEach((p, k) => {
    const e = new Float64Array(D);
    noise(k).fillNormal(e);
    eps.push(e);
    const length = Math.min(s.length, s.episodeLength - p.t);
    const [plus, minus] = perturb(theta, e, s.sigma);
    const base = { particle: k, episode: p.episode, start: p.t, length };
    requests.push({ ...base, theta: plus, state: p.pos }, { ...base, theta: minus, state: p.neg });
  });
  const results = await sys.runSlices(requests);

  const pairs: EsPairResult[] = particles.map((p, k) => {
    const e = eps[k];
    let noise = e;
    if (s.estimator === 'pes') {
      // Algorithm 2: accumulate first, so this slice's own ε counts too.
      const xi = p.xi ?? new Float64Array(D);
      for (let i = 0; i < D; i++) xi[i] += e[i];
      p.xi = xi;
      noise = Float64Array.from(xi); // the particle's ξ is reset below when its episode ends
    }
    return { eps: noise, lossPos: results[2 * k].loss, lossNeg: results[2 * k + 1].loss };
  });
  const grad = esGradient(pairs, s.sigma, s.centeredRanks);

  particles.forEach((p, k) => {
    const r = requests[2 * k];
    p.t = r.start + r.length;
    if (p.t >= s.episodeLength) {
      p.episode += 1;
      p.t = 0;
      p.pos = p.neg = sys.initialState(k, p.episode);
      if (p.xi) p.xi.fill(0);
    } else if (s.estimator === 'pes') {
      p.pos = results[2 * k].state;
      p.neg = results[2 * k + 1].state;
    } else {
      p.pos = p.neg = sys.meanState(results[2 * k].state, results[2 * k + 1].state);
    }
  });
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { grad, lossPos: mean(pairs.map((p) => p.lossPos)), lossNeg: mean(pairs.map((p) => p.lossNeg)) };
}
