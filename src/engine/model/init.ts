import { Rng } from '../random';
import { VsmlModelConfig, numLayers } from './config';
import { paramLayout } from './param-layout';

/** Per-layer LSTM state of one rollout: h and c are [A_l, B_l, N] (B_l = A_{l+1}), row-major. */
export interface LayerState {
  h: Float64Array;
  c: Float64Array;
}

export interface InitOptions {
  /**
   * Initial value of the input-gate part of lstm_b (columns 0..N-1). The reference uses 0; the
   * hard-coded -5 shift then keeps the gate at sigmoid(-5) = 0.007, nearly closed.
   */
  inputGateBias?: number;
}

/**
 * The reference's meta-init of θ: lstm_w ~ TruncNormal(1/sqrt(2M+N)), messenger weights
 * ~ TruncNormal(1/sqrt(N)), biases 0 (except the input-gate bias when given), LN scale 1 and offset 0.
 */
export function initParams(cfg: VsmlModelConfig, rng: Rng, opts: InitOptions = {}): Float64Array {
  const layout = paramLayout(cfg);
  const theta = new Float64Array(layout.size);
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  for (let s = 0; s < layout.numSets; s++) {
    for (const slot of layout.slots) {
      const base = s * layout.setSize + slot.offset;
      const std = slot.name === 'lstm_w' ? 1 / Math.sqrt(2 * M + N) : slot.name === 'fwd_w' || slot.name === 'bwd_w' ? 1 / Math.sqrt(N) : 0;
      const fill = slot.name.endsWith('ln_scale') ? 1 : 0;
      for (let i = 0; i < slot.size; i++) theta[base + i] = std > 0 ? rng.truncatedNormal(std) : fill;
      if (slot.name === 'lstm_b' && opts.inputGateBias) for (let n = 0; n < N; n++) theta[base + n] = opts.inputGateBias;
    }
  }
  return theta;
}

/**
 * A fresh episode state: h = 0; the first floor(N * init_rand_proportion) channels of c
 * ~ TruncNormal(±2σ) with σ = 1/sqrt(A_l), the rest 0.
 */
export function initialState(cfg: VsmlModelConfig, rng: Rng): LayerState[] {
  const N = cfg.slowSize;
  const k = Math.floor(N * cfg.initRandProportion);
  const states: LayerState[] = [];
  for (let l = 0; l < numLayers(cfg); l++) {
    const A = cfg.layerSizes[l];
    const B = cfg.layerSizes[l + 1];
    const h = new Float64Array(A * B * N);
    const c = new Float64Array(A * B * N);
    const sigma = 1 / Math.sqrt(A);
    for (let cell = 0; cell < A * B; cell++) for (let j = 0; j < k; j++) c[cell * N + j] = rng.truncatedNormal(sigma);
    states.push({ h, c });
  }
  return states;
}
