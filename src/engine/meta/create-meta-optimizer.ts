import { BackpropMetaOptimizer } from './backprop-optimizer';
import { EsMetaOptimizer } from './es-optimizer';
import { PersistentEsMetaOptimizer } from './persistent-es-optimizer';
import { MetaOptimizer, MetaOptimizerContext, MetaOptimizerSpec, VsmlOptimizerContext } from './meta-optimizer';
import { EngineError } from '../errors';
import { isVsml, learnerType } from '../learners/learner-config';

/** Builds the meta-optimizer a plan names; a new `optimizer.type` adds one case here. */
export function createMetaOptimizer(spec: MetaOptimizerSpec, ctx: MetaOptimizerContext): MetaOptimizer {
  // Persistent ES carries per-pair LSTM states between steps and backprop a tape: neither is a few numbers per pair.
  if (ctx.pairs && (spec.type !== 'es' || spec.truncation))
    throw new EngineError('engine.cluster', `runs whole-episode ES only, not ${spec.type === 'es' ? 'truncated/persistent ES (optimizer.truncation > 0)' : `optimizer.type "${spec.type}"`}`, 'train this config without --cluster, or use optimizer.type "es" with optimizer.truncation 0');
  // Truncated ES and backprop step VSML's own state and tfjs graph; the baselines take whole-episode ES.
  const vsmlOnly = (field: string): VsmlOptimizerContext => {
    if (isVsml(ctx.model)) return ctx as VsmlOptimizerContext;
    throw new EngineError(field, `is not available for model.type ${learnerType(ctx.model)} (only for VSMLRNN)`, 'use optimizer.type "es" with optimizer.truncation 0');
  };
  switch (spec.type) {
    case 'es':
      return spec.truncation ? new PersistentEsMetaOptimizer(vsmlOnly('optimizer.truncation'), spec.es, spec.truncation) : new EsMetaOptimizer(ctx, spec.es);
    case 'backprop':
      return new BackpropMetaOptimizer(vsmlOnly('optimizer.type'), spec.backprop);
    default:
      // Unreachable for a typed plan; a plan built from untyped JSON lands here.
      throw new Error(`unknown meta-optimizer ${(spec as { type: string }).type}`);
  }
}
