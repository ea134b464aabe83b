import { EngineError } from '../errors';
import { adamInit, AdamState } from '../optim/adam';
import { esStep, EsOptions, stepRng } from './es-step';
import { MetaOptimizer, MetaOptimizerContext, MetaOptimizerState, MetaStepResult } from './meta-optimizer';

/** Whole-episode antithetic ES (es-step.ts) as a MetaOptimizer: its only state is Adam's. */
export class EsMetaOptimizer implements MetaOptimizer {
  readonly type = 'es';
  private adam: AdamState;

  constructor(private readonly ctx: MetaOptimizerContext, private readonly opt: EsOptions) {
    this.adam = adamInit(ctx.size);
  }

  step(theta: Float64Array, step: number, signal?: AbortSignal): Promise<MetaStepResult> {
    const { runner, model, train, seed } = this.ctx;
    return esStep(runner, model, theta, this.adam, train, stepRng(seed, step), this.opt, signal);
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
