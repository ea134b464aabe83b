import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { VsmlModelConfig, numClasses } from '../model/config';
import { checkGradientArgs, EpisodeGradient } from '../model/episode-gradient';
import { Episode } from '../model/episode';
import { LayerState } from '../model/init';
import { LossType, subRnnSets } from './episode-loss';
import { TickContext } from './network-tick';
import { fromHost, HostUnrollState, startState, toHost, unrollSteps, unrollTensors } from './unrolled-episode';

/**
 * The gradient of the episode loss by truncated backpropagation through time: the episode runs
 * in slices of `truncation` steps (0 = one slice, exact BPTT); each slice is differentiated on
 * its own, starting from the previous slice's end state copied to the host (so nothing older is
 * kept and memory is bounded by the slice), and the slices' gradients are summed.
 *
 * The loss is split across slices so that the sum is the whole loss: with `mean`, slice k
 * contributes the sum of its CE over T·batch; with `last`, only the slice holding step T-1 has
 * a loss (earlier slices run forward only). With truncation ≥ T this is episodeLoss's gradient.
 */
export function truncatedEpisodeGradient(
  cfg: VsmlModelConfig, theta: Float64Array | Float32Array, episode: Episode, initialState: readonly LayerState[], lossType: LossType, truncation: number,
): EpisodeGradient {
  checkGradientArgs(cfg, theta, episode, initialState, lossType, truncation);

  const T = episode.length;
  const bs = cfg.batchSize;
  const C = numClasses(cfg);
  const slice = truncation === 0 ? T : Math.min(truncation, T);
  const grad = new Float64Array(theta.length);
  const ce = new Float64Array(T * bs);
  const correct = new Uint8Array(T * bs);
  let loss = 0;
  let peakTapeBytes = 0;
  const thetaT = tf.tensor1d(Float32Array.from(theta)); // [D]
  try {
    let carry = hostStartState(cfg, initialState);
    for (let from = 0; from < T; from += slice) {
      const to = Math.min(T, from + slice);
      // What the slice hands out besides its loss: kept through tf.grad's tidy, released below.
      let kept: { ce: tf.Tensor2D; logits: tf.Tensor3D; endState: HostUnrollState } | undefined;
      const start = carry;
      const run = (x: tf.Tensor1D): tf.Scalar => {
        const ctx: TickContext = { cfg, ops: { fastTanh: tf.getBackend() === 'wasm' }, sets: subRnnSets(x, cfg) };
        const r = unrollSteps(ctx, episode, from, to, fromHost(cfg, start)); // ce [to-from, batch]
        const sliceLoss = lossType === 'mean' ? tf.div(tf.sum(r.ce), T * bs) : tf.mean(tf.slice(r.ce, [to - from - 1, 0], [1, -1]));
        peakTapeBytes = Math.max(peakTapeBytes, tf.memory().numBytes);
        kept = { ce: tf.keep(r.ce), logits: tf.keep(r.logits), endState: toHost(r.end) };
        return sliceLoss as tf.Scalar;
      };
      if (lossType === 'mean' || to === T) {
        const { value, grad: g1 } = tf.valueAndGrad(run)(thetaT);
        const g = g1.dataSync();
        for (let i = 0; i < g.length; i++) grad[i] += g[i];
        loss += value.dataSync()[0];
        tf.dispose([value, g1]);
      } else {
        tf.tidy(() => void run(thetaT));
      }
      const k = kept!;
      const stepCe = k.ce.dataSync();
      const stepLogits = k.logits.dataSync(); // [to-from, batch, A_L]
      for (let i = 0; i < stepCe.length; i++) {
        const row = from * bs + i;
        ce[row] = stepCe[i];
        let arg = 0;
        for (let c = 1; c < C; c++) if (stepLogits[i * C + c] > stepLogits[i * C + arg]) arg = c; // ties to the lowest index, as numpy
        correct[row] = arg === episode.labels[row] ? 1 : 0;
      }
      carry = k.endState;
      tf.dispose([k.ce, k.logits]);
    }
  } finally {
    thetaT.dispose();
  }
  return { loss, grad, ce, correct, peakTapeBytes };
}

function hostStartState(cfg: VsmlModelConfig, initialState: readonly LayerState[]): HostUnrollState {
  const s = startState(cfg, initialState);
  try {
    return toHost(s);
  } finally {
    tf.dispose(unrollTensors(s));
  }
}
