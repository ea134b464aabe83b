import { ModelConfig, isVsml } from '../learners/learner-config';
import { runBaselineRollouts } from '../learners/baseline-episode';
import { referenceEpisode } from './reference-episode';
import { Rollout, RolloutResult, RolloutRunner, RunOptions } from './rollout-runner';

/** The float64 reference as a RolloutRunner: one thread, exact, slow. */
export class ReferenceRunner implements RolloutRunner {
  readonly name = 'reference';
  readonly backend = 'js-float64';
  readonly precision = 'float64' as const;
  readonly threads = 1;

  async run(cfg: ModelConfig, rollouts: readonly Rollout[], options: RunOptions = {}): Promise<RolloutResult[]> {
    if (!isVsml(cfg)) return runBaselineRollouts(cfg, rollouts);
    return rollouts.map((r) => {
      const res = referenceEpisode(cfg, Float64Array.from(r.theta), r.episode, r.initialState);
      return options.wantFinalState ? res : { logits: res.logits, ce: res.ce, correct: res.correct };
    });
  }

  async dispose(): Promise<void> {}
}
