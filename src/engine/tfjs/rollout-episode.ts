import * as tf from '@tensorflow/tfjs-core';
import { VsmlModelConfig, inputSize, numClasses } from '../model/config';
import { ParamLayout } from '../model/param-layout';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import { LayerOps } from './dense-layer';
import { forwardTick, initialNetState, mergeBatch, NetState, reverseTick, stateTensors, TickContext } from './network-tick';
import { firstLayerFwdIn, lastLayerBwdIn } from './step-inputs';
import { disposeSubRnn, subRnnFromHost } from './sub-rnn-tensors';
import { softmaxRow } from '../model/softmax-row';

/** One rollout's episode; every tensor it creates is released before it returns. */
export function runRollout(cfg: VsmlModelConfig, layout: ParamLayout, r: Rollout, ops: LayerOps, wantFinalState: boolean): RolloutResult {
  const T = r.episode.length;
  const bs = cfg.batchSize;
  const C = numClasses(cfg);
  const A0 = inputSize(cfg);
  const M = cfg.msgSize;
  const logits = new Float64Array(T * bs * C);
  const ce = new Float64Array(T * bs);
  const correct = new Uint8Array(T * bs);
  const errors = new Float64Array(bs * C * 2); // E [batch, A_L, 2]: zero at t = 0

  const ctx: TickContext = { cfg, ops, sets: [] };
  let state: NetState | undefined;
  try {
    for (let s = 0; s < layout.numSets; s++) ctx.sets.push(subRnnFromHost(r.theta, layout, s, cfg, ops.fastTanh));
    let current = initialNetState(cfg, r.initialState);
    state = current;
    for (let t = 0; t < T; t++) {
      const prev: NetState = current;
      const next = tf.tidy(() => {
        let s = mergeBatch(cfg, prev);
        const fwdIn0 = tf.tensor3d(firstLayerFwdIn(r.episode.inputs, t * bs * A0, bs, A0, M), [bs, A0, M]);
        const fwd = forwardTick(ctx, s, fwdIn0, tf.tensor3d(lastLayerBwdIn(errors, bs, C, M), [bs, C, M]));
        scoreStep(cfg, fwd.out.dataSync(), r.episode.labels, t, logits, ce, correct, errors);
        s = fwd.state;
        if (cfg.backwardPass) {
          s = reverseTick(ctx, s, fwd.inFwd, tf.tensor3d(lastLayerBwdIn(errors, bs, C, M), [bs, C, M]));
          errors.fill(0); // the next forward tick sees zero error and label
        }
        return s;
      });
      const kept = new Set(stateTensors(next).map((x) => x.id));
      tf.dispose(stateTensors(prev).filter((x) => !kept.has(x.id)));
      state = current = next;
    }
    const finalState = wantFinalState
      ? current.h.map((h, l) => ({ h: Float64Array.from(h.dataSync()), c: Float64Array.from(current.c[l].dataSync()) }))
      : undefined;
    return finalState ? { logits, ce, correct, finalState } : { logits, ce, correct };
  } finally {
    ctx.sets.forEach(disposeSubRnn);
    if (state) tf.dispose(stateTensors(state));
  }
}

/**
 * Logits, CE and argmax of step t from the last layer's forward message [batch, A_L, M], and
 * the error fed back next step: E[:, 0] = (softmax - onehot) / batch (the gradient of the
 * batch-mean CE), E[:, 1] = onehot when feed_label.
 */
function scoreStep(
  cfg: VsmlModelConfig, out: ArrayLike<number>, labels: Int32Array, t: number,
  logits: Float64Array, ce: Float64Array, correct: Uint8Array, errors: Float64Array,
): void {
  const bs = cfg.batchSize;
  const C = numClasses(cfg);
  const M = cfg.msgSize;
  const z = new Float64Array(C);
  for (let b = 0; b < bs; b++) {
    const row = t * bs + b;
    for (let k = 0; k < C; k++) {
      const v = out[(b * C + k) * M + cfg.outputIdx];
      z[k] = cfg.tanhBound ? Math.tanh(v / cfg.tanhBound) * cfg.tanhBound : v;
      logits[row * C + k] = z[k];
    }
    const y = labels[row];
    const { ce: loss, correct: right, max, sum } = softmaxRow(z, 0, C, y);
    ce[row] = loss;
    correct[row] = right;
    for (let k = 0; k < C; k++) {
      const onehot = k === y ? 1 : 0;
      errors[(b * C + k) * 2] = (Math.exp(z[k] - max) / sum - onehot) / bs;
      errors[(b * C + k) * 2 + 1] = cfg.feedLabel ? onehot : 0;
    }
  }
}
