import { check } from '../errors';
import { Episode, checkParams } from '../model/episode';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import { BaselineLearnerConfig, BASELINE_SECTION } from './learner-config';
import { learnerLayout } from './learner-layout';
import { BaselineEpisodeResult } from './baseline-result';
import { metaRnnEpisode } from './meta-rnn';
import { hebbianEpisode } from './hebbian';
import { fwmEpisode } from './fwm';

/** Checks an episode and θ against a baseline's fixed sizes before its math runs. */
function checkBaselineEpisode(cfg: BaselineLearnerConfig, theta: ArrayLike<number>, episode: Episode): void {
  const { inputSize: A, numClasses: C, batchSize: bs } = cfg;
  const T = episode.length;
  check(Number.isInteger(T) && T > 0, 'episode.length', `must be a positive integer, got ${T}`, 'use at least one step');
  check(episode.inputs.length === T * bs * A, 'episode.inputs',
    `must be [T=${T}, batch=${bs}, A_0=${A}] (${T * bs * A} numbers), got ${episode.inputs.length}`,
    `${BASELINE_SECTION[cfg.type]} has a fixed input size: pad the data to it with data.preprocess.pad.input`);
  check(episode.labels.length === T * bs, 'episode.labels', `must be [T=${T}, batch=${bs}], got ${episode.labels.length} labels`, 'give one label per example');
  for (let i = 0; i < episode.labels.length; i++) {
    const y = episode.labels[i];
    check(Number.isInteger(y) && y >= 0 && y < C, `episode.labels[${i}]`, `is ${y}, outside [0, ${C})`, 'raise data.preprocess.pad.output to the largest number of classes');
  }
  for (let i = 0; i < episode.inputs.length; i++)
    if (!Number.isFinite(episode.inputs[i])) check(false, `episode.inputs[${i}]`, `is ${episode.inputs[i]}`, 'remove NaN/Infinity from the data');
  const need = learnerLayout(cfg).size;
  check(theta.length === need, 'theta', `must hold ${need} numbers for this ${cfg.type} learner, got ${theta.length}`, 'use a checkpoint made for the same model and data sizes');
  checkParams(theta);
}

/** One episode of a baseline learner in float64 (plain loops: see `npm run bench` for their speed). */
export function baselineEpisode(cfg: BaselineLearnerConfig, theta: Float64Array | Float32Array, episode: Episode): BaselineEpisodeResult {
  checkBaselineEpisode(cfg, theta, episode);
  const th = theta instanceof Float64Array ? theta : Float64Array.from(theta);
  switch (cfg.type) {
    case 'metarnn':
      return metaRnnEpisode(cfg, th, episode);
    case 'hebbian':
      return hebbianEpisode(cfg, th, episode);
    case 'fwm':
      return fwmEpisode(cfg, th, episode);
  }
}

/**
 * The baselines' rollouts, for every RolloutRunner: they have no drawn initial state and no fused
 * kernel, so each runner hands them here (on the calling thread) and keeps its own path for VSML.
 */
export function runBaselineRollouts(cfg: BaselineLearnerConfig, rollouts: readonly Rollout[]): RolloutResult[] {
  return rollouts.map((r) => baselineEpisode(cfg, r.theta, r.episode));
}
