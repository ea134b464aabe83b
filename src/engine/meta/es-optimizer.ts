import { EngineError } from '../errors';
import { adamInit, AdamState } from '../optim/adam';
import { esStep, EsOptions, esUpdate, stepEpisodeLength } from './es-step';
import { MetaOptimizer, MetaOptimizerContext, MetaOptimizerState, MetaStepResult } from './meta-optimizer';

/**
 * Whole-episode antithetic ES (es-step.ts) as a MetaOptimizer: its only state is Adam's. The pairs
 * run on the context's runner, or on a cluster when the context has a PairEvaluator.
 */
export class EsMetaOptimizer implements MetaOptimizer {
  readonly type = 'es';
  private adam: AdamState;

  constructor(private readonly ctx: MetaOptimizerContext, private readonly opt: EsOptions) {
    this.adam = adamInit(ctx.size);
  }

  step(theta: Float64Array, step: number, signal?: AbortSignal): Promise<MetaStepResult> {
    const { runner, model, train, seed, pairs } = this.ctx;
    if (!pairs) return esStep(runner, model, theta, this.adam, train, seed, step, this.opt, signal);
    return this.remoteStep(theta, step, signal);
  }

  /** The same step with the pairs evaluated elsewhere (a cluster): only the update runs here. */
  private async remoteStep(theta: Float64Array, step: number, signal?: AbortSignal): Promise<MetaStepResult> {
    const { seed, pairs } = this.ctx;
    const T = stepEpisodeLength(seed, step, this.opt);
    const outcomes = await pairs!.evaluate(theta, { seed, step, k0: 0, k1: this.opt.pairs, T }, signal);
    return esUpdate(theta, this.adam, outcomes, seed, step, this.opt);
  }

  state(): MetaOptimizerState {
    return { adam: this.adam };
  }

  restore(s: MetaOptimizerState, file?: string): void {
    // Particles mean the run sliced its episodes; continuing it with whole episodes would drop them silently.
    if (s.extra !== undefined)
      throw new EngineError('optimizer.truncation', 'is 0 (whole episodes) but the checkpoint holds truncated/persistent ES particles', 'resume with the run\'s own config.json', file);
    this.adam = s.adam;
  }
}
