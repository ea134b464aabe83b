import { VsmlModelConfig } from '../model/config';
import { RolloutRunner } from '../model/rollout-runner';
import { EvalEpisode, evaluateVsml } from '../eval/evaluate';
import { OnlineSummary, summarizeOnline } from '../eval/online-metrics';
import { CellRule, teacherEpisode, weightsFromState } from './teacher';

/**
 * The clone (the VSML network run forward only with θ, on the given runner) beside its teacher
 * on the very same episodes, the teacher starting from the weights the clone's initial state
 * holds in its weight channel: the same stream and the same weight initialization.
 */
export async function evaluateClone(
  runner: RolloutRunner, model: VsmlModelConfig, theta: Float64Array, rule: CellRule, weightChannel: number, episodes: readonly EvalEpisode[],
): Promise<{ clone: OnlineSummary; teacher: OnlineSummary }> {
  const clone = await evaluateVsml(runner, model, theta, episodes);
  const outcomes = episodes.map((e) => teacherEpisode(model, rule, e.episode, weightsFromState(model, e.state, weightChannel)));
  return { clone, teacher: summarizeOnline(outcomes, episodes[0].episode.length, 1) };
}
