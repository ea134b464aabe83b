import { check } from '../errors';
import { stopPoint } from '../stop';
import { summarizeOnline } from '../eval/online-metrics';
import { Episode } from '../model/episode';
import { Rng } from '../random';
import { DEFAULT_LR_GRID, LrScore, tuneLearningRate } from './lr-tuning';
import { BaselineOptimizer, runOnlineBaseline } from './online-learner';

/**
 * The SGD and Adam rows of an evaluation. For each optimizer, a linear model and (when
 * hiddenSize > 0) a one-hidden-layer tanh MLP get their learning rates tuned on META-TRAINING
 * episodes of the evaluation length; the architecture with the better tuning score (again on
 * meta-training data, never on the held-out episodes) is then run on the held-out episodes.
 * Its name goes into `model` (`linear` or `mlp160`), the tuned rate into `lr`.
 */

export interface BaselineEvalOptions {
  /** Meta-training episodes (train split), [T, batch, A_0]. */
  readonly trainSample: (rng: Rng, length: number, batchSize: number) => Episode;
  /** A_0. */
  readonly inputSize: number;
  /** A_L: outputs of the model (labels are below it). */
  readonly numClasses: number;
  readonly batchSize: number;
  /** `baselines.hidden_size`; 0 = linear only. */
  readonly hiddenSize: number;
  /** Logit bound as in the reference's sgd config (100); 0 = none. */
  readonly tanhBound: number;
  /** `baselines.tune_episodes`: meta-training episodes per learning rate. */
  readonly tuneEpisodes: number;
  readonly seed: number;
  readonly grid?: readonly number[];
}

export interface BaselineMethodResult {
  meanAccuracy: number;
  finalAccuracy: number;
  meanLoss: number;
  curve: number[];
  lr: number;
  model: string;
}

interface Tuned {
  readonly hiddenSize: number;
  readonly lr: number;
  readonly score: LrScore;
}

/**
 * Returns an evaluator; tuning results are memoized per episode length. Tuning is synchronous
 * work of minutes on big datasets, so the evaluator yields to the event loop between tuning
 * trials (an optimizer and an architecture) and stops with a StopRequested when `signal` aborts.
 */
export function makeBaselineEvaluator(opts: BaselineEvalOptions): (episodes: readonly Episode[], signal?: AbortSignal) => Promise<Record<BaselineOptimizer, BaselineMethodResult>> {
  check(Number.isInteger(opts.tuneEpisodes) && opts.tuneEpisodes > 0, 'baselines.tune_episodes', `must be a positive integer, got ${opts.tuneEpisodes}`, 'use e.g. 4');
  const memo = new Map<string, Tuned>();
  const tune = async (optimizer: BaselineOptimizer, length: number, signal?: AbortSignal): Promise<Tuned> => {
    const key = `${optimizer}/${length}`;
    const hit = memo.get(key);
    if (hit) return hit;
    let best: Tuned | null = null;
    for (const hiddenSize of opts.hiddenSize > 0 ? [0, opts.hiddenSize] : [0]) {
      await stopPoint(signal);
      const r = tuneLearningRate({ hiddenSize, optimizer, tanhBound: opts.tanhBound }, {
        sample: (rng) => opts.trainSample(rng, length, opts.batchSize),
        inputSize: opts.inputSize, numClasses: opts.numClasses, batchSize: opts.batchSize,
        episodes: opts.tuneEpisodes, seed: opts.seed, grid: opts.grid ?? DEFAULT_LR_GRID,
      });
      const score = r.scores.find((s) => s.lr === r.lr)!;
      if (!best || score.meanAccuracy > best.score.meanAccuracy) best = { hiddenSize, lr: r.lr, score };
    }
    memo.set(key, best!);
    return best!;
  };
  return async (episodes, signal) => {
    check(episodes.length > 0, 'evaluation.count', 'no evaluation episodes', 'use at least one episode');
    const T = episodes[0].length;
    const out = {} as Record<BaselineOptimizer, BaselineMethodResult>;
    for (const optimizer of ['sgd', 'adam'] as const) {
      const t = await tune(optimizer, T, signal);
      await stopPoint(signal);
      const spec = { hiddenSize: t.hiddenSize, optimizer, lr: t.lr, tanhBound: opts.tanhBound };
      // One initial network per episode index, shared by sgd and adam.
      const results = episodes.map((ep, i) => runOnlineBaseline(spec, ep, opts.inputSize, opts.numClasses, opts.batchSize, new Rng(opts.seed, `baseline-eval/${i}`)));
      const s = summarizeOnline(results, T, opts.batchSize);
      out[optimizer] = {
        meanAccuracy: s.meanAccuracy, finalAccuracy: s.finalAccuracy, meanLoss: s.meanLoss, curve: s.curve,
        lr: t.lr, model: t.hiddenSize === 0 ? 'linear' : `mlp${t.hiddenSize}`,
      };
    }
    return out;
  };
}
