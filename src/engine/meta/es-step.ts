import { Rng } from '../random';
import { ModelConfig } from '../learners/learner-config';
import { learnerInitialState, learnerStepWork } from '../learners/learner-layout';
import { broadcastState } from '../model/episode';
import { Rollout, RolloutResult, RolloutRunner } from '../model/rollout-runner';
import { stopPoint } from '../stop';
import { AdamOptions, AdamState, adamStep, globalNorm } from '../optim/adam';
import { EpisodeSampler } from './episode-sampler';
import { episodeLoss, esGradient, EsPairResult, perturb } from './es-gradient';

export interface EsOptions {
  /** Antithetic pairs per step (the reference's population_size): 2·pairs rollouts. */
  pairs: number;
  /** σ, the noise std (`optimizer.noise_std`). */
  sigma: number;
  episodeLength: number;
  /** When set, each step draws its episode length uniformly from this list (`training.episode_lengths`). */
  episodeLengths?: readonly number[];
  lossType: 'mean' | 'last';
  centeredRanks: boolean;
  /** L2 coefficient added to the gradient (pulls θ toward 0); 0 = off. */
  weightDecay: number;
  adam: AdamOptions;
}

export interface EsStepResult {
  /** Mean over pairs of (L+ + L-)/2: the population's loss at θ. */
  metaLoss: number;
  lossPos: number;
  lossNeg: number;
  /** Mean online accuracy over the population's episodes. */
  trainAccuracy: number;
  gradNorm: number;
  thetaNorm: number;
}

/**
 * The random generator of meta-step `step`. Deriving it from (seed, step) rather than carrying
 * one generator along makes a resumed run draw exactly what an uninterrupted one would.
 */
export function stepRng(seed: number, step: number): Rng {
  return new Rng(seed, `es-step-${step}`);
}

/** About this much work (a few seconds on the fused kernel) runs between two looks at a stop request. */
export const STOP_CHECK_CELL_TICKS = 5e7;

/**
 * How many rollouts of T steps go to the runner in one call: all of them when a meta-step is
 * short (the default experiment: one call), else batches of about STOP_CHECK_CELL_TICKS, a
 * multiple of the runner's threads, so a stop request waits seconds, not a whole long meta-step.
 */
export function rolloutsPerRunnerCall(cfg: ModelConfig, T: number, threads: number): number {
  const perRollout = Math.max(1, T * cfg.batchSize * learnerStepWork(cfg));
  const t = Math.max(1, threads);
  return Math.max(t, Math.ceil(STOP_CHECK_CELL_TICKS / perRollout / t) * t);
}

/**
 * One ES meta-step: draws P pairs (noise, episode, initial state), runs θ ± σε on the same
 * episode and state (common random numbers), estimates the gradient, applies Adam in place.
 * `signal` is looked at between runner calls; a stop throws StopRequested before θ or Adam change.
 */
export async function esStep(
  runner: RolloutRunner,
  cfg: ModelConfig,
  theta: Float64Array,
  adam: AdamState,
  sample: EpisodeSampler,
  rng: Rng,
  opt: EsOptions,
  signal?: AbortSignal,
): Promise<EsStepResult> {
  const D = theta.length;
  const rollouts: Rollout[] = [];
  const eps: Float64Array[] = [];
  const T = opt.episodeLengths && opt.episodeLengths.length > 0 ? opt.episodeLengths[rng.int(opt.episodeLengths.length)] : opt.episodeLength;
  for (let k = 0; k < opt.pairs; k++) {
    const e = new Float64Array(D);
    rng.fillNormal(e);
    eps.push(e);
    const episode = sample(rng, T, cfg.batchSize);
    const state = broadcastState(learnerInitialState(cfg, rng), cfg.batchSize);
    const [plus, minus] = perturb(theta, e, opt.sigma);
    rollouts.push({ theta: plus, episode, initialState: state }, { theta: minus, episode, initialState: state });
  }
  const results: RolloutResult[] = [];
  const perCall = rolloutsPerRunnerCall(cfg, T, runner.threads);
  for (let i = 0; i < rollouts.length; i += perCall) {
    await stopPoint(signal);
    results.push(...(await runner.run(cfg, rollouts.slice(i, i + perCall))));
  }
  const pairs: EsPairResult[] = eps.map((e, k) => ({
    eps: e,
    lossPos: episodeLoss(results[2 * k].ce, cfg.batchSize, opt.lossType),
    lossNeg: episodeLoss(results[2 * k + 1].ce, cfg.batchSize, opt.lossType),
  }));
  const grad = esGradient(pairs, opt.sigma, opt.centeredRanks);
  if (opt.weightDecay > 0) for (let i = 0; i < D; i++) grad[i] += opt.weightDecay * theta[i];
  const gradNorm = globalNorm(grad);
  adamStep(theta, grad, adam, opt.adam);

  let correct = 0;
  let count = 0;
  for (const r of results) {
    for (let i = 0; i < r.correct.length; i++) correct += r.correct[i];
    count += r.correct.length;
  }
  const lossPos = pairs.reduce((s, p) => s + p.lossPos, 0) / pairs.length;
  const lossNeg = pairs.reduce((s, p) => s + p.lossNeg, 0) / pairs.length;
  return { metaLoss: (lossPos + lossNeg) / 2, lossPos, lossNeg, trainAccuracy: correct / count, gradNorm, thetaNorm: globalNorm(theta) };
}
