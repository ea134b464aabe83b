import { EngineError } from '../errors';
import { Rng } from '../random';
import { learnerInitParams, learnerLayout } from '../learners/learner-layout';
import { openTrainedLa } from '../eval/evaluate-checkpoint';
import { findOrClone, FindOrCloneContext } from '../clone/find-or-clone';
import { ExperimentPlan } from './experiment-plan';

/**
 * The θ meta-training starts from: the meta-init, or (`optimizer.init_from`) the V_M of a run
 * folder or checkpoint, or of the clone a clone config describes (found, or cloned first).
 */
export async function initialTheta(plan: ExperimentPlan, ctx: FindOrCloneContext): Promise<{ theta: Float64Array; from?: string }> {
  if (!plan.initFrom) return { theta: learnerInitParams(plan.model, new Rng(plan.seed, 'meta-init'), plan.init) };
  const target = plan.initFrom.endsWith('.vsml.json') ? await findOrClone(plan.initFrom, ctx) : plan.initFrom;
  const la = openTrainedLa(target);
  const size = learnerLayout(plan.model).size;
  if (la.checkpoint.theta.length !== size)
    throw new EngineError('optimizer.init_from', `${la.file} holds ${la.checkpoint.theta.length} parameters, this model needs ${size}`,
      'use the same model.sub_rnn (slow_size, msg_size, layer_norm) and param sets (backward_pass, separate_backward_rnn, layerwise_rnns) as that run');
  return { theta: Float64Array.from(la.checkpoint.theta), from: la.file };
}
