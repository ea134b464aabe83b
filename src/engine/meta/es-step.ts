import { Rng } from '../random';
import { EngineError } from '../errors';
import { isVsml, learnerType, ModelConfig } from '../learners/learner-config';
import { learnerInitialState, learnerStepWork } from '../learners/learner-layout';
import { broadcastState } from '../model/episode';
import { Rollout, RolloutResult, RolloutRunner } from '../model/rollout-runner';
import { stopPoint } from '../stop';
import { AdamOptions, AdamState, adamStep, globalNorm } from '../optim/adam';
import { EpisodeSampler, modelForEpisode, SampledEpisode } from './episode-sampler';
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

/**
 * The generator of pair k of meta-step `step`: its ε_k, then its episode, then its initial state.
 * One stream per pair (not one per step) makes pair k independent of pairs < k, so any machine
 * can evaluate any range of pairs and the step's numbers do not depend on how it was split.
 */
export function pairRng(seed: number, step: number, k: number): Rng {
  return new Rng(seed, `es-step-${step}/pair-${k}`);
}

/** The episode length of meta-step `step`: drawn from the step's own stream when `training.episode_lengths` is set. */
export function stepEpisodeLength(seed: number, step: number, opt: Pick<EsOptions, 'episodeLength' | 'episodeLengths'>): number {
  if (!opt.episodeLengths || opt.episodeLengths.length === 0) return opt.episodeLength;
  return opt.episodeLengths[stepRng(seed, step).int(opt.episodeLengths.length)];
}

/** ε_k of pair k ([D] standard normals): the first draws of its stream, so regenerating it needs no episode. */
export function pairNoise(seed: number, step: number, k: number, size: number): Float64Array {
  const eps = new Float64Array(size);
  pairRng(seed, step, k).fillNormal(eps);
  return eps;
}

/** Which pairs of which step to evaluate: [k0, k1) of meta-step `step`, episodes of length T. */
export interface PairRange {
  seed: number;
  step: number;
  k0: number;
  k1: number;
  /** The step's episode length (stepEpisodeLength). */
  T: number;
}

/** What evaluating one pair yields: its two losses and the online accuracy counts of both rollouts. */
export interface PairOutcome {
  lossPos: number;
  lossNeg: number;
  /** Correct predictions over both rollouts (T·batch each). */
  correct: number;
  /** Predictions over both rollouts. */
  count: number;
}

/**
 * Who evaluates an ES step's pairs when not this process's runner: a cluster of workers
 * (cluster/es-coordinator.ts). It returns one outcome per pair of `range`, in pair order, as
 * evaluatePairs does, or throws StopRequested on `signal` before θ changes.
 */
export interface PairEvaluator {
  evaluate(theta: Float64Array, range: PairRange, signal?: AbortSignal): Promise<PairOutcome[]>;
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
 * The network an episode runs on: VSML takes the episode's own sizes (V_M does not depend on
 * them); a fixed-size baseline only the sizes θ was shaped for (fewer classes use the first outputs).
 */
function networkForEpisode(cfg: ModelConfig, episode: SampledEpisode): ModelConfig {
  if (isVsml(cfg)) return modelForEpisode(cfg, episode);
  const s = episode.shape;
  if (s && (s.inputSize !== cfg.inputSize || s.numClasses > cfg.numClasses))
    throw new EngineError('training.tasks', `mixes an episode of ${s.inputSize} inputs and ${s.numClasses} classes into a run of model.type ${learnerType(cfg)}, whose sizes are fixed (${cfg.inputSize} and ${cfg.numClasses})`,
      'meta-train a baseline on tasks of one size (data.preprocess.resize, pad.input, pad.output), or use model.type VSMLRNN');
  return cfg;
}

/**
 * Pair k's two rollouts θ ± σε_k, sharing one episode and one initial state (common random numbers),
 * and the network they run on: an episode of a task distribution keeps its own sizes (modelForEpisode).
 */
function pairRollouts(cfg: ModelConfig, theta: Float64Array, sample: EpisodeSampler, r: PairRange, k: number, sigma: number): { model: ModelConfig; rollouts: [Rollout, Rollout] } {
  const rng = pairRng(r.seed, r.step, k);
  const eps = new Float64Array(theta.length);
  rng.fillNormal(eps); // first, as pairNoise regenerates it
  const episode = sample(rng, r.T, cfg.batchSize);
  const model = networkForEpisode(cfg, episode);
  const initial = broadcastState(learnerInitialState(model, rng), model.batchSize);
  const [plus, minus] = perturb(theta, eps, sigma);
  return {
    model,
    rollouts: [
      { theta: plus, episode, initialState: initial },
      { theta: minus, episode, initialState: initial },
    ],
  };
}

/**
 * Evaluates pairs [k0, k1) of one meta-step at θ: the local ES step runs all of them, a cluster
 * worker (cluster/es-worker.ts) a range. Rollouts go to the runner in batches (rolloutsPerRunnerCall);
 * `signal` is looked at between batches (StopRequested), nothing is changed.
 */
export async function evaluatePairs(
  runner: RolloutRunner,
  cfg: ModelConfig,
  theta: Float64Array,
  sample: EpisodeSampler,
  range: PairRange,
  opt: Pick<EsOptions, 'sigma' | 'lossType'>,
  signal?: AbortSignal,
): Promise<PairOutcome[]> {
  const pairsPerCall = Math.max(1, Math.ceil(rolloutsPerRunnerCall(cfg, range.T, runner.threads) / 2));
  const out: PairOutcome[] = [];
  for (let k = range.k0; k < range.k1; k += pairsPerCall) {
    await stopPoint(signal);
    // Rollouts of one network size go to the runner together (one call per size in the batch).
    const rollouts: Rollout[] = [];
    const groups = new Map<string, { model: ModelConfig; indices: number[] }>();
    for (let j = k; j < Math.min(range.k1, k + pairsPerCall); j++) {
      const pair = pairRollouts(cfg, theta, sample, range, j, opt.sigma);
      const key = isVsml(pair.model) ? pair.model.layerSizes.join('x') : 'fixed';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { model: pair.model, indices: [] }));
      g.indices.push(rollouts.length, rollouts.length + 1);
      rollouts.push(...pair.rollouts);
    }
    const results: RolloutResult[] = new Array(rollouts.length);
    for (const { model, indices } of groups.values()) {
      const got = await runner.run(model, indices.map((i) => rollouts[i]));
      indices.forEach((i, n) => (results[i] = got[n]));
    }
    for (let i = 0; i < results.length; i += 2) {
      let correct = 0;
      for (const r of [results[i], results[i + 1]]) for (let j = 0; j < r.correct.length; j++) correct += r.correct[j];
      out.push({
        lossPos: episodeLoss(results[i].ce, cfg.batchSize, opt.lossType),
        lossNeg: episodeLoss(results[i + 1].ce, cfg.batchSize, opt.lossType),
        correct,
        count: results[i].correct.length + results[i + 1].correct.length,
      });
    }
  }
  return out;
}

/**
 * The update of one meta-step from the outcomes of all its pairs (in pair order): regenerates each
 * ε_k from its stream, estimates the gradient, applies Adam to θ in place. The local step and the
 * cluster coordinator both end here, so a cluster step equals a local one.
 */
export function esUpdate(theta: Float64Array, adam: AdamState, outcomes: readonly PairOutcome[], seed: number, step: number, opt: EsOptions): EsStepResult {
  const D = theta.length;
  const pairs: EsPairResult[] = outcomes.map((o, k) => ({ eps: pairNoise(seed, step, k, D), lossPos: o.lossPos, lossNeg: o.lossNeg }));
  const grad = esGradient(pairs, opt.sigma, opt.centeredRanks);
  if (opt.weightDecay > 0) for (let i = 0; i < D; i++) grad[i] += opt.weightDecay * theta[i];
  const gradNorm = globalNorm(grad);
  adamStep(theta, grad, adam, opt.adam);

  let correct = 0;
  let count = 0;
  for (const o of outcomes) {
    correct += o.correct;
    count += o.count;
  }
  const lossPos = outcomes.reduce((s, p) => s + p.lossPos, 0) / outcomes.length;
  const lossNeg = outcomes.reduce((s, p) => s + p.lossNeg, 0) / outcomes.length;
  return { metaLoss: (lossPos + lossNeg) / 2, lossPos, lossNeg, trainAccuracy: correct / count, gradNorm, thetaNorm: globalNorm(theta) };
}

/**
 * One ES meta-step: P pairs (noise, episode, initial state from their own streams), θ ± σε on
 * the same episode and state (common random numbers), the gradient estimate, Adam in place.
 * `signal` is looked at between runner calls; a stop throws StopRequested before θ or Adam change.
 */
export async function esStep(
  runner: RolloutRunner,
  cfg: ModelConfig,
  theta: Float64Array,
  adam: AdamState,
  sample: EpisodeSampler,
  seed: number,
  step: number,
  opt: EsOptions,
  signal?: AbortSignal,
): Promise<EsStepResult> {
  const T = stepEpisodeLength(seed, step, opt);
  const outcomes = await evaluatePairs(runner, cfg, theta, sample, { seed, step, k0: 0, k1: opt.pairs, T }, opt, signal);
  return esUpdate(theta, adam, outcomes, seed, step, opt);
}
