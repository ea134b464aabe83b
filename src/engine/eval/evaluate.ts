import { Rng } from '../random';
import { ModelConfig } from '../learners/learner-config';
import { learnerInitialState, learnerInitParams } from '../learners/learner-layout';
import { broadcastState, Episode } from '../model/episode';
import { InitOptions, LayerState } from '../model/init';
import { RolloutRunner } from '../model/rollout-runner';
import { EpisodeSampler } from '../meta/episode-sampler';
import { OnlineSummary, summarizeOnline } from './online-metrics';

export interface EvalSpec {
  /** Inner steps T per episode. */
  length: number;
  /** Episodes K. */
  episodes: number;
  /** Evaluation seed: the same episodes for every method and every evaluation of a run. */
  seed: number;
}

export interface EvalEpisode {
  episode: Episode;
  /** Per layer [batch, A, B, N]: the learned LA's initial state for this episode. */
  state: LayerState[];
}

/**
 * The K evaluation episodes of one dataset. They depend only on (seed, dataset key), so the
 * learned LA, the untrained LA and the baselines see the very same streams.
 */
export function evalEpisodes(cfg: ModelConfig, sample: EpisodeSampler, spec: EvalSpec, datasetKey: string): EvalEpisode[] {
  const rng = new Rng(spec.seed, `eval-${datasetKey}`);
  return Array.from({ length: spec.episodes }, () => {
    const episode = sample(rng, spec.length, cfg.batchSize);
    return { episode, state: broadcastState(learnerInitialState(cfg, rng), cfg.batchSize) };
  });
}

/**
 * The untrained LA every evaluation compares with: a meta-init drawn from the evaluation seed
 * (its size depends only on N, M and the param sets, not on the layer sizes).
 */
export function untrainedTheta(model: ModelConfig, evalSeed: number, init?: InitOptions): Float64Array {
  return learnerInitParams(model, new Rng(evalSeed, 'untrained-la'), init);
}

/** The figures an evaluation row keeps of a summary (the per-step loss curve is left out). */
export function methodResult(s: OnlineSummary): Omit<OnlineSummary, 'lossCurve'> {
  return { meanAccuracy: s.meanAccuracy, finalAccuracy: s.finalAccuracy, meanLoss: s.meanLoss, curve: s.curve };
}

/** Online accuracy and loss of a learned learning algorithm θ (any learner) on the given episodes. */
export async function evaluateVsml(runner: RolloutRunner, cfg: ModelConfig, theta: Float64Array, episodes: readonly EvalEpisode[]): Promise<OnlineSummary> {
  const results = await runner.run(cfg, episodes.map((e) => ({ theta, episode: e.episode, initialState: e.state })));
  return summarizeOnline(results, episodes[0].episode.length, cfg.batchSize);
}
