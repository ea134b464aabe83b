import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers op gradients only when asked (the @tensorflow/tfjs bundle does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { EngineError } from '../errors';
import { VsmlModelConfig, inputSize, numClasses, validateModelConfig } from '../model/config';
import { Episode, checkEpisode, checkParams } from '../model/episode';
import { LayerState } from '../model/init';
import { paramLayout } from '../model/param-layout';
import { forwardTick, initialNetState, mergeBatch, reverseTick, TickContext } from './network-tick';
import { firstLayerFwdIn } from './step-inputs';
import { subRnnFromTensor } from './sub-rnn-tensors';

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
  const bs = cfg.batchSize;
  const C = numClasses(cfg);
  const A0 = inputSize(cfg);
  const M = cfg.msgSize;
  return tf.tidy(() => {
    const th = theta as tf.Tensor1D;
    const ctx: TickContext = {
      cfg,
      ops: { fastTanh: tf.getBackend() === 'wasm' },
      sets: Array.from({ length: layout.numSets }, (_, s) => subRnnFromTensor(th, layout, s, cfg, tf.getBackend() === 'wasm')),
    };
    // in_bwd_{L-1} [batch, A_L, M] from E [batch, A_L, 2].
    const bwdIn = (e: tf.Tensor3D): tf.Tensor3D => (M > 2 ? tf.concat([e, tf.zeros([bs, C, M - 2])], 2) : e);
    let state = initialNetState(cfg, initialState);
    let errors: tf.Tensor3D = tf.zeros([bs, C, 2]); // E is zero at t = 0
    const ces: tf.Tensor1D[] = [];
    for (let t = 0; t < T; t++) {
      state = mergeBatch(cfg, state);
      const fwdIn0 = tf.tensor3d(firstLayerFwdIn(episode.inputs, t * bs * A0, bs, A0, M), [bs, A0, M]);
      const fwd = forwardTick(ctx, state, fwdIn0, bwdIn(errors));
      state = fwd.state;
      let logits = tf.reshape(tf.slice(fwd.out, [0, 0, cfg.outputIdx], [bs, C, 1]), [bs, C]) as tf.Tensor2D; // [batch, A_L]
      if (cfg.tanhBound) logits = tf.mul(tf.tanh(tf.div(logits, cfg.tanhBound)), cfg.tanhBound) as tf.Tensor2D;
      const onehot = tf.cast(tf.oneHot(tf.tensor1d(episode.labels.subarray(t * bs, (t + 1) * bs), 'int32'), C), 'float32') as tf.Tensor2D; // [batch, A_L]
      const logp = tf.logSoftmax(logits); // [batch, A_L]
      ces.push(tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as tf.Tensor1D);
      const e0 = tf.div(tf.sub(tf.exp(logp), onehot), bs); // d(batch-mean CE)/d logits
      const e1 = cfg.feedLabel ? onehot : tf.zerosLike(onehot);
      errors = tf.stack([e0, e1], 2) as tf.Tensor3D; // [batch, A_L, 2]
      if (cfg.backwardPass) {
        state = reverseTick(ctx, state, fwd.inFwd, bwdIn(errors));
        errors = tf.zeros([bs, C, 2]);
      }
    }
    return (lossType === 'mean' ? tf.mean(tf.stack(ces)) : tf.mean(ces[T - 1])) as tf.Scalar;
  });
}
