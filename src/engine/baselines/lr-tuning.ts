import { check } from '../errors';
import { Episode } from '../model/episode';
import { Rng } from '../random';
import { BaselineSpec, runOnlineBaseline } from './online-learner';

/**
 * Picks a baseline's learning rate the way a careful practitioner would for an online learner:
 * on meta-TRAINING episodes (never the evaluation data), try a log grid and keep the rate with the
 * best mean online accuracy (ties: lower mean loss, then the smaller rate). Every rate sees the same
 * episodes and the same initial weights, so the comparison is not noise between draws.
 */

/** 1e-4 .. 1 in half-decades: 1e-4, 3e-4, 1e-3, ..., 0.3, 1. */
export const DEFAULT_LR_GRID: readonly number[] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1];

export interface LrScore {
  readonly lr: number;
  readonly meanAccuracy: number;
  readonly meanLoss: number;
}

export interface LrTuningOptions {
  /** Draws one meta-training episode [T, batch, D] with the given generator. */
  readonly sample: (rng: Rng) => Episode;
  readonly inputSize: number;
  readonly numClasses: number;
  readonly batchSize: number;
  /** Episodes per rate. */
  readonly episodes: number;
  readonly seed: number;
  readonly grid?: readonly number[];
}

export interface LrTuningResult {
  readonly lr: number;
  readonly scores: readonly LrScore[];
}

const better = (a: LrScore, b: LrScore): boolean => {
  if (a.meanAccuracy !== b.meanAccuracy) return a.meanAccuracy > b.meanAccuracy;
  const la = Number.isFinite(a.meanLoss) ? a.meanLoss : Infinity;
  const lb = Number.isFinite(b.meanLoss) ? b.meanLoss : Infinity;
  if (la !== lb) return la < lb;
  return a.lr < b.lr;
};

export function tuneLearningRate(spec: Omit<BaselineSpec, 'lr'>, opts: LrTuningOptions): LrTuningResult {
  const grid = opts.grid ?? DEFAULT_LR_GRID;
  check(grid.length > 0 && grid.every((x) => Number.isFinite(x) && x > 0), 'baselines.lr_grid', `must be positive numbers, got ${JSON.stringify(grid)}`, 'use e.g. [0.001, 0.01, 0.1]');
  check(Number.isInteger(opts.episodes) && opts.episodes > 0, 'baselines.tuning_episodes', `must be a positive integer, got ${opts.episodes}`, 'use e.g. 4');
  const episodes = Array.from({ length: opts.episodes }, (_, i) => opts.sample(new Rng(opts.seed, `lr-tuning/episode/${i}`)));
  const scores: LrScore[] = grid.map((lr) => {
    let acc = 0;
    let loss = 0;
    let n = 0;
    episodes.forEach((ep, i) => {
      const r = runOnlineBaseline({ ...spec, lr }, ep, opts.inputSize, opts.numClasses, opts.batchSize, new Rng(opts.seed, `lr-tuning/init/${i}`));
      for (let k = 0; k < r.correct.length; k++) {
        acc += r.correct[k];
        loss += r.ce[k];
      }
      n += r.correct.length;
    });
    return { lr, meanAccuracy: acc / n, meanLoss: loss / n };
  });
  let best = scores[0];
  for (const s of scores) if (better(s, best)) best = s;
  return { lr: best.lr, scores };
}
