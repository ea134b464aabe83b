import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers op gradients only when asked (the @tensorflow/tfjs bundle does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { EngineError } from '../errors';
import { VsmlModelConfig, validateModelConfig } from '../model/config';
import { Episode, checkEpisode, checkParams } from '../model/episode';
import { LayerState } from '../model/init';
import { paramLayout } from '../model/param-layout';
import { TickContext } from './network-tick';
import { subRnnFromTensor, SubRnnTensors } from './sub-rnn-tensors';
import { startState, unrollSteps } from './unrolled-episode';

export type LossType = 'mean' | 'last';

/**
 * The episode loss as a pure tfjs function of θ [D], so `tf.grad` gives dLoss/dθ by
 * backpropagation through the whole online episode (for gradient-based meta-training and
 * learning-algorithm cloning). Same math as the runner and the float64 reference, including the
 * paths through the fed-back error (softmax - onehot), which depends on θ too.
 *
 * `mean`: mean over steps and batch members of the CE; `last`: mean over the batch of the last
 * step's CE (as src/engine/meta/es-gradient.ts). Returns a scalar owned by the caller.
 */
export function episodeLoss(cfg: VsmlModelConfig, theta: tf.Tensor, episode: Episode, initialState: readonly LayerState[], lossType: LossType): tf.Scalar {
  validateModelConfig(cfg);
  const layout = paramLayout(cfg);
  if (lossType !== 'mean' && lossType !== 'last') throw new EngineError('training.loss_type', `is "${lossType}"`, 'use "mean" or "last"');
  if (theta.rank !== 1) throw new EngineError('theta', `must be a vector [${layout.size}], got shape [${theta.shape}]`, 'pass the flat θ in the canonical layout');
  checkEpisode(cfg, episode, initialState, theta.size, layout.size);
  checkParams(theta.dataSync());

  const T = episode.length;
  return tf.tidy(() => {
    const th = theta as tf.Tensor1D;
    const ctx: TickContext = { cfg, ops: { fastTanh: tf.getBackend() === 'wasm' }, sets: subRnnSets(th, cfg) };
    const { ce } = unrollSteps(ctx, episode, 0, T, startState(cfg, initialState)); // [T, batch]
    return (lossType === 'mean' ? tf.mean(ce) : tf.mean(tf.slice(ce, [T - 1, 0], [1, -1]))) as tf.Scalar;
  });
}

/** Every param set of the network as differentiable slices of θ [D]. */
export function subRnnSets(theta: tf.Tensor1D, cfg: VsmlModelConfig): SubRnnTensors[] {
  const layout = paramLayout(cfg);
  return Array.from({ length: layout.numSets }, (_, s) => subRnnFromTensor(theta, layout, s, cfg, tf.getBackend() === 'wasm'));
}
