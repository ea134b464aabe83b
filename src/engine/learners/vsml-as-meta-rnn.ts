import { check } from '../errors';
import { VsmlModelConfig } from '../model/config';
import { paramLayout } from '../model/param-layout';
import { MetaRnnConfig } from './learner-config';
import { learnerLayout } from './learner-layout';

/**
 * The poster's reduction, as a construction: one dense VSML layer (A inputs, B outputs, A·B cells
 * of one shared LSTM of size N) is a Meta RNN whose LSTM has H = A·B·N units and a weight matrix
 * of shared blocks. Cell (a, b)'s units read input a (forward channel 0), the error and label of
 * output b (backward channels 0 and 1) and only their own h (block diagonal); logit b is the mean
 * over a of the cells' forward projections on `outputIdx`. VSML's gate shifts (i − 5, f + 5) are
 * folded into the bias against haiku's (i, f + 1). With A = B = 1 this is a Meta RNN fed the input,
 * the error and the label. Holds for one layer, batch 1, no layer norm, no backward pass, and a zero
 * initial state (init_rand_proportion 0), the Meta RNN's own start.
 */
export function vsmlLayerAsMetaRnn(cfg: VsmlModelConfig, theta: Float64Array): { config: MetaRnnConfig; theta: Float64Array } {
  check(cfg.layerSizes.length === 2, 'model.vsml_rnn.layer_specs', 'the reduction is for one dense layer', 'use one layer');
  check(!cfg.layerNorm && !cfg.backwardPass && cfg.batchSize === 1 && cfg.initRandProportion === 0, 'model',
    'the reduction needs layer_norm false, backward_pass false, batch_size 1 and init_rand_proportion 0', 'change those settings');
  const [A, B] = cfg.layerSizes;
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const H = A * B * N;
  const C = B;
  const config: MetaRnnConfig = { type: 'metarnn', inputSize: A, numClasses: C, slowSize: H, numMicroTicks: cfg.numMicroTicks, tanhBound: cfg.tanhBound, batchSize: 1 };
  const p = paramLayout(cfg);
  const set = cfg.layerParamIndex[0];
  const lstmW = p.offset(set, 'lstm_w'); // [2M + N, 4N]
  const lstmB = p.offset(set, 'lstm_b');
  const fwdW = p.offset(set, 'fwd_w'); // [N, M]
  const fwdB = p.offset(set, 'fwd_b');
  const out = learnerLayout(config);
  const th = new Float64Array(out.size);
  const W = out.slot('lstm_w').offset; // [A + 2C + H, 4H]
  const bias = out.slot('lstm_b').offset;
  const G = 4 * H;
  const shift = [-5, 0, 5 - 1, 0]; // VSML's gate shifts minus haiku's forget bias, per gate i, g, f, o
  const vsmlW = (row: number, gate: number, n: number): number => theta[lstmW + row * 4 * N + gate * N + n];
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++)
      for (let gate = 0; gate < 4; gate++)
        for (let n = 0; n < N; n++) {
          const col = gate * H + (a * B + b) * N + n;
          th[W + a * G + col] = vsmlW(0, gate, n); // input a on forward channel 0
          th[W + (A + b) * G + col] = vsmlW(M, gate, n); // error of output b on backward channel 0
          if (cfg.feedLabel) th[W + (A + C + b) * G + col] = vsmlW(M + 1, gate, n); // label on backward channel 1
          for (let k = 0; k < N; k++) th[W + (A + 2 * C + (a * B + b) * N + k) * G + col] = vsmlW(2 * M + k, gate, n);
          th[bias + col] = theta[lstmB + gate * N + n] + shift[gate];
        }
  const outW = out.slot('out_w').offset; // [H, C]
  const outB = out.slot('out_b').offset;
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++)
      for (let n = 0; n < N; n++) th[outW + ((a * B + b) * N + n) * C + b] = theta[fwdW + n * M + cfg.outputIdx] / A;
  for (let b = 0; b < B; b++) th[outB + b] = theta[fwdB + cfg.outputIdx];
  return { config, theta: th };
}
