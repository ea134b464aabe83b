import { check } from '../errors';
import { VsmlModelConfig, numLayers, numClasses, inputSize } from '../model/config';
import { Episode } from '../model/episode';
import { LayerState } from '../model/init';
import { softmaxRow } from '../model/softmax-row';

/**
 * The learning algorithm a clone copies: online backpropagation written as ONE rule per
 * weight cell, composed over the VSML network exactly as the VSML messages compose.
 *
 * Cell (a, b) of layer l holds its weight u in c[weight_channel]. With x the cell's incoming
 * forward value (channel 0 of fwd_in[a]) and e its incoming error (channel 0 of bwd_in[b]):
 *   forward tick:  fwd_out = G·u·f(x)                     (the weighted input)
 *   reverse tick:  bwd_out = G·u·f'(x)·e                  (the weighted error, chain rule through f)
 *                  u      <- u - λ·f(x)·e                (the SGD step)
 * and the layer sums these as VSML does: new_fwd[b] = mean_a fwd_out, new_bwd[a] = mean_b bwd_out.
 * f is the activation (identity for the shallow teacher, so every layer is linear); applying it
 * on the receiving side is what lets one shared cell rule express a nonlinear network.
 *
 * This is exactly online SGD on the network z_{l+1} = V_lᵀ f(z_l) with V_l = G·U_l / A_l:
 * for one layer with learning rate η = λ·G / A_0; with a hidden layer of H units the output layer
 * gets η_1 = λ·G / H and the hidden layer η_0 = λ·G·H / (A_0·C) (the mean over the C outputs in the
 * backward message), equal when H² = A_0·C.
 */
export type Activation = 'identity' | 'tanh' | 'sigmoid';

export interface CellRule {
  /** G: the gain of the weighted messages. */
  gain: number;
  /** λ: the SGD step on u per example. */
  lr: number;
  activation: Activation;
}

export function activate(act: Activation, x: number): number {
  switch (act) {
    case 'identity':
      return x;
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
  }
}

/** f'(x) */
export function activateGrad(act: Activation, x: number): number {
  switch (act) {
    case 'identity':
      return 1;
    case 'tanh': {
      const t = Math.tanh(x);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 - s);
    }
  }
}

/** Per-step record of what every layer received, for building supervision streams. */
export interface TeacherStep {
  /** Per layer l, the forward values z_l [A_l] the cells of layer l read (z_0 = the input). */
  inputs: Float64Array[];
  /** Per layer l, the error message e_l [B_l] the cells of layer l read in the reverse tick. */
  errors: Float64Array[];
}

export interface TeacherResult {
  /** [T, C] */
  logits: Float64Array;
  /** [T] */
  ce: Float64Array;
  /** [T] 0/1: the prediction was made before the label was seen. */
  correct: Uint8Array;
  /** Per layer [A_l, B_l] weights at the end. */
  finalWeights: Float64Array[];
}

/** The weights u of every layer read out of a VSML initial state: [A_l, B_l] per layer. */
export function weightsFromState(cfg: VsmlModelConfig, state: readonly LayerState[], weightChannel: number): Float64Array[] {
  const N = cfg.slowSize;
  return state.map((s, l) => {
    const cells = cfg.layerSizes[l] * cfg.layerSizes[l + 1];
    check(s.c.length >= cells * N, `state[${l}]`, `must hold ${cells}x${N} numbers, got ${s.c.length}`, 'build it with initialState() for this model');
    const w = new Float64Array(cells);
    for (let k = 0; k < cells; k++) w[k] = s.c[k * N + weightChannel];
    return w;
  });
}

/**
 * Runs the teacher online over one episode (batch 1): predict, then learn from the label, as the
 * VSML network with backward_pass does. `weights` (per layer [A_l, B_l]) are updated in place.
 */
export function teacherEpisode(cfg: VsmlModelConfig, rule: CellRule, episode: Episode, weights: Float64Array[], onStep?: (t: number, s: TeacherStep) => void): TeacherResult {
  check(cfg.batchSize === 1, 'evaluation.batch_size', `is ${cfg.batchSize}; the teacher is online backprop with batch 1`, 'set it to 1');
  const L = numLayers(cfg);
  const C = numClasses(cfg);
  const A0 = inputSize(cfg);
  const T = episode.length;
  const G = rule.gain;
  const logits = new Float64Array(T * C);
  const ce = new Float64Array(T);
  const correct = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    // Forward: z_{l+1}[b] = mean_a G u[a,b] f(z_l[a]).
    const z: Float64Array[] = [Float64Array.from(episode.inputs.subarray(t * A0, (t + 1) * A0))];
    for (let l = 0; l < L; l++) {
      const A = cfg.layerSizes[l];
      const B = cfg.layerSizes[l + 1];
      const out = new Float64Array(B);
      const w = weights[l];
      for (let a = 0; a < A; a++) {
        const fx = activate(rule.activation, z[l][a]);
        for (let b = 0; b < B; b++) out[b] += (G * w[a * B + b] * fx) / A;
      }
      z.push(out);
    }
    const y = z[L].map((v) => (cfg.tanhBound ? Math.tanh(v / cfg.tanhBound) * cfg.tanhBound : v));
    logits.set(y, t * C);
    const label = episode.labels[t];
    const { ce: loss, correct: right, max, sum } = softmaxRow(y, 0, C, label);
    ce[t] = loss;
    correct[t] = right;
    // Reverse: the output layer reads E = softmax - onehot; each layer's error message is computed
    // with the weights before their update, then the weights take the SGD step.
    const errors: Float64Array[] = new Array(L);
    let e = new Float64Array(C);
    for (let k = 0; k < C; k++) e[k] = Math.exp(y[k] - max) / sum - (k === label ? 1 : 0);
    for (let l = L - 1; l >= 0; l--) {
      errors[l] = e;
      const A = cfg.layerSizes[l];
      const B = cfg.layerSizes[l + 1];
      const w = weights[l];
      const down = new Float64Array(A);
      for (let a = 0; a < A; a++) {
        const fx = activate(rule.activation, z[l][a]);
        const dfx = activateGrad(rule.activation, z[l][a]);
        for (let b = 0; b < B; b++) {
          down[a] += (G * w[a * B + b] * dfx * e[b]) / B;
          w[a * B + b] -= rule.lr * fx * e[b];
        }
      }
      e = down;
    }
    onStep?.(t, { inputs: z.slice(0, L), errors });
  }
  return { logits, ce, correct, finalWeights: weights };
}
