import { Episode } from '../model/episode';
import { FwmConfig } from './learner-config';
import { learnerLayout } from './learner-layout';
import { affine, fedInputPart, fedLstmState, lstmStep } from './lstm-step';
import { recordStep } from './online-error';
import { BaselineEpisodeResult, emptyResult } from './baseline-result';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const LN_EPS = 1e-5; // hk.LayerNorm's default

/**
 * The Fast Weight Memory (Schlag et al. 2021; reference models.py `FWMemory`) over one episode.
 * Step t: the LSTM reads [input (A), error_{t-1} (C), label_{t-1} (C)] once; its output h writes
 * the memory M [m, m²] with key k1 ⊗ k2, value v and strength β (delta rule, then M is scaled to
 * Frobenius norm ≤ 1), and reads it with the query n ⊗ e; the read, layer-normed (no scale or
 * offset) and projected to H, is added to h, and a linear map gives the logits. M starts at 0.
 */
export function fwmEpisode(cfg: FwmConfig, theta: Float64Array, episode: Episode): BaselineEpisodeResult {
  const { inputSize: A, numClasses: C, slowSize: H, memorySize: m, batchSize: bs } = cfg;
  const mm = m * m;
  const layout = learnerLayout(cfg);
  const off = (name: string): number => layout.slot(name).offset;
  const G = 4 * H;
  const T = episode.length;
  const res = emptyResult(T, bs, C);
  const members = Array.from({ length: bs }, () => ({ ...fedLstmState(H, C), memory: new Float64Array(m * mm) /* [m, m²] */ }));
  const xPart = new Float64Array(G);
  const z = new Float64Array(G);
  const write = new Float64Array(3 * m + 1);
  const read = new Float64Array(2 * m);
  const key = new Float64Array(mm);
  const vNew = new Float64Array(m);
  const readout = new Float64Array(m);
  const proj = new Float64Array(H);
  const out = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < bs; b++) {
      const row = t * bs + b;
      const s = members[b];
      const M = s.memory;
      fedInputPart(episode.inputs, row * A, A, s.feedback, theta, off('lstm_w'), off('lstm_b'), xPart);
      lstmStep(xPart, theta, off('lstm_w') + (A + 2 * C) * G, s.h, s.c, z);
      // Write: key = k1 ⊗ k2 (flattened row-major), M += β (v − M·key) ⊗ key.
      affine(s.h, 0, H, theta, off('write_w'), off('write_b'), write);
      const beta = sigmoid(write[3 * m]);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) key[i * m + j] = Math.tanh(write[i]) * Math.tanh(write[m + j]);
      for (let r = 0; r < m; r++) {
        let old = 0;
        for (let k = 0; k < mm; k++) old += M[r * mm + k] * key[k];
        vNew[r] = beta * (Math.tanh(write[2 * m + r]) - old);
      }
      let norm2 = 0;
      for (let r = 0; r < m; r++)
        for (let k = 0; k < mm; k++) {
          const v = (M[r * mm + k] += vNew[r] * key[k]);
          norm2 += v * v;
        }
      const scale = 1 / Math.max(1, Math.sqrt(norm2));
      if (scale !== 1) for (let i = 0; i < M.length; i++) M[i] *= scale;
      // Read with the query n ⊗ e, layer-norm, project to H.
      affine(s.h, 0, H, theta, off('read_w'), off('read_b'), read);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) key[i * m + j] = Math.tanh(read[i]) * Math.tanh(read[m + j]);
      let mean = 0;
      for (let r = 0; r < m; r++) {
        let acc = 0;
        for (let k = 0; k < mm; k++) acc += M[r * mm + k] * key[k];
        readout[r] = acc;
        mean += acc / m;
      }
      let vr = 0;
      for (let r = 0; r < m; r++) vr += (readout[r] - mean) ** 2 / m;
      const inv = 1 / Math.sqrt(vr + LN_EPS);
      for (let r = 0; r < m; r++) readout[r] = (readout[r] - mean) * inv;
      affine(readout, 0, m, theta, off('read_proj_w'), off('read_proj_b'), proj);
      for (let k = 0; k < H; k++) proj[k] += s.h[k]; // h + readout; the LSTM's own h is not changed
      affine(proj, 0, H, theta, off('out_w'), off('out_b'), out);
      recordStep(res, row, out, episode.labels[row], cfg.tanhBound, bs, s.feedback);
    }
  }
  return res;
}
