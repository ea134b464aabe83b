import { BaselineLearnerConfig } from './learner-config';

/**
 * Multiply-adds of one inner step of one batch member of a baseline learner: the matrix
 * products its loops in meta-rnn.ts, hebbian.ts and fwm.ts run (affine maps, LSTM gates, the
 * fast-weight and memory products). Elementwise work (gate nonlinearities, softmax) is not
 * counted: the time per multiply-add measured by runs (or assumed, speed.ts) absorbs it.
 */
export function multiplyAddsPerInnerStep(cfg: BaselineLearnerConfig): number {
  const { inputSize: A, numClasses: C, batchSize: bs } = cfg;
  const fed = A + 2 * C; // [input, previous error, previous label]
  switch (cfg.type) {
    case 'metarnn': {
      const H = cfg.slowSize;
      // x·W_x + b once per step [fed, 4H]; h·W_h per micro tick [H, 4H]; read-out [H, C]
      return fed * 4 * H + cfg.numMicroTicks * H * 4 * H + H * C;
    }
    case 'hebbian': {
      const I = fed;
      // per member: predict with the input part [A, C], run the layer again [I, C], update F [I, C];
      // w + coeff ⊙ F [I, C] once per step, shared by the batch
      return A * C + 2 * I * C + (I * C) / bs;
    }
    case 'fwm': {
      const H = cfg.slowSize;
      const m = cfg.memorySize;
      const mm = m * m;
      return fed * 4 * H + H * 4 * H // LSTM
        + H * (3 * m + 1) + mm + 2 * m * mm // write: k1, k2, v, β; key k1 ⊗ k2; M·key and the delta-rule update of M [m, m²]
        + H * 2 * m + mm + m * mm // read: n, e; query n ⊗ e; M·query
        + m * H + H * C; // project the read to H; read-out
    }
  }
}
