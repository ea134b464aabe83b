import { check } from '../errors';
import { Rng } from '../random';

/**
 * The comparator networks of the reference's `SGD` model (models.py): `Linear(C)` when
 * hiddenSize = 0, else `Linear(H) -> tanh -> Linear(C)`, then the optional bound
 * logits = tanh(z / b) * b. Initialized like hk.Linear (weights truncated normal with std
 * 1/sqrt(fan_in), biases 0). Plain float64: these nets are small and this runs once per
 * evaluation, so clarity beats speed here.
 *
 * Flat parameter layout (row-major, y = x @ W + b):
 *   linear: W [D, C], b [C]
 *   mlp:    W1 [D, H], b1 [H], W2 [H, C], b2 [C]
 */

export interface MlpShape {
  /** D: inputs per example. */
  readonly inputSize: number;
  /** H: hidden units; 0 = a linear model. */
  readonly hiddenSize: number;
  /** C: outputs (classes). */
  readonly numClasses: number;
  /** b in tanh(z / b) * b; 0 = unbounded logits. */
  readonly tanhBound: number;
}

export function checkMlpShape(s: MlpShape): void {
  check(Number.isInteger(s.inputSize) && s.inputSize > 0, 'baselines.input_size', `must be a positive integer, got ${s.inputSize}`, 'use the model input size A_0');
  check(Number.isInteger(s.hiddenSize) && s.hiddenSize >= 0, 'baselines.hidden_size', `must be an integer >= 0, got ${s.hiddenSize}`, 'use 0 for linear or e.g. 160');
  check(Number.isInteger(s.numClasses) && s.numClasses >= 2, 'baselines.num_classes', `must be an integer >= 2, got ${s.numClasses}`, 'use the model output size A_L');
  check(Number.isFinite(s.tanhBound) && s.tanhBound >= 0, 'baselines.tanh_bound', `must be >= 0, got ${s.tanhBound}`, 'use e.g. 100, or 0 for none');
}

export function mlpParamCount(s: MlpShape): number {
  const { inputSize: D, hiddenSize: H, numClasses: C } = s;
  return H === 0 ? D * C + C : D * H + H + H * C + C;
}

/** hk.Linear's default init: W ~ TruncatedNormal(std = 1/sqrt(fan_in)), b = 0. */
export function initMlp(s: MlpShape, rng: Rng): Float64Array {
  checkMlpShape(s);
  const p = new Float64Array(mlpParamCount(s));
  const { inputSize: D, hiddenSize: H, numClasses: C } = s;
  const layers = H === 0 ? [[D, C]] : [[D, H], [H, C]];
  let o = 0;
  for (const [fanIn, fanOut] of layers) {
    const std = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < fanIn * fanOut; i++) p[o + i] = rng.truncatedNormal(std);
    o += fanIn * fanOut + fanOut; // biases stay 0
  }
  return p;
}

/** Scratch buffers for one batch, reused across steps. */
export interface MlpWorkspace {
  readonly x: Float64Array; // [batch, D] copy of the inputs
  readonly hidden: Float64Array; // [batch, H]
  readonly z: Float64Array; // [batch, C] pre-bound logits
  readonly dz: Float64Array; // [batch, C]
  readonly dh: Float64Array; // [batch, H]
}

export function mlpWorkspace(s: MlpShape, batch: number): MlpWorkspace {
  return {
    x: new Float64Array(batch * s.inputSize),
    hidden: new Float64Array(batch * s.hiddenSize),
    z: new Float64Array(batch * s.numClasses),
    dz: new Float64Array(batch * s.numClasses),
    dh: new Float64Array(batch * s.hiddenSize),
  };
}

/**
 * Forward pass on a batch x [batch, D] (read at xOffset), writing logits [batch, C] and the
 * per-example cross-entropy [batch]; when `grad` is given, also writes d(mean CE)/d(params)
 * into it (overwritten, same layout as params). Returns the mean cross-entropy.
 */
export function mlpForwardBackward(
  s: MlpShape, params: Float64Array, xIn: ArrayLike<number>, xOffset: number, labels: ArrayLike<number>, labelOffset: number, batch: number,
  logits: Float64Array, ce: Float64Array, grad: Float64Array | null, ws: MlpWorkspace,
): number {
  const { inputSize: D, hiddenSize: H, numClasses: C, tanhBound: bound } = s;
  // Hot loops read only local Float64Arrays: copying the batch once keeps element access
  // monomorphic whether episodes hold float32 or float64, and hoisting the workspace fields
  // spares a property load per multiply-add.
  const x = ws.x; // [batch, D]
  for (let i = 0; i < batch * D; i++) x[i] = xIn[xOffset + i];
  const hidden = ws.hidden;
  const z = ws.z;
  const dz = ws.dz;
  const dh = ws.dh;
  const linear = H === 0;
  const nIn = linear ? D : H; // inputs of the output layer
  const w2o = linear ? 0 : D * H + H; // offset of the output layer's W
  const b2o = w2o + nIn * C;
  const act = linear ? x : hidden; // [batch, nIn], what the output layer reads
  // hidden = tanh(x @ W1 + b1)  [batch, H]
  if (!linear) {
    for (let b = 0; b < batch; b++) {
      const xo = b * D;
      const ho = b * H;
      for (let j = 0; j < H; j++) hidden[ho + j] = params[D * H + j];
      for (let i = 0; i < D; i++) {
        const xi = x[xo + i];
        if (xi === 0) continue;
        const row = i * H;
        for (let j = 0; j < H; j++) hidden[ho + j] += xi * params[row + j];
      }
      for (let j = 0; j < H; j++) hidden[ho + j] = Math.tanh(hidden[ho + j]);
    }
  }
  let total = 0;
  for (let b = 0; b < batch; b++) {
    // z = act @ W2 + b2, logits = bound ? tanh(z / bound) * bound : z   [C]
    const zo = b * C;
    for (let c = 0; c < C; c++) z[zo + c] = params[b2o + c];
    for (let i = 0; i < nIn; i++) {
      const v = act[b * nIn + i];
      if (v === 0) continue;
      const row = w2o + i * C;
      for (let c = 0; c < C; c++) z[zo + c] += v * params[row + c];
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      const l = bound ? Math.tanh(z[zo + c] / bound) * bound : z[zo + c];
      logits[zo + c] = l;
      if (l > max) max = l;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[zo + c] - max);
    const lse = max + Math.log(sum);
    const y = labels[labelOffset + b];
    ce[b] = lse - logits[zo + y];
    total += ce[b];
    if (grad) {
      // d(mean CE)/dz = (softmax - onehot) / batch, through the tanh bound
      for (let c = 0; c < C; c++) {
        const p = Math.exp(logits[zo + c] - lse);
        let d = (p - (c === y ? 1 : 0)) / batch;
        if (bound) {
          const t = logits[zo + c] / bound;
          d *= 1 - t * t;
        }
        dz[zo + c] = d;
      }
    }
  }
  if (!grad) return total / batch;
  grad.fill(0);
  for (let b = 0; b < batch; b++) {
    const zo = b * C;
    for (let c = 0; c < C; c++) grad[b2o + c] += dz[zo + c];
    for (let i = 0; i < nIn; i++) {
      const v = act[b * nIn + i];
      const row = w2o + i * C;
      let dhi = 0;
      for (let c = 0; c < C; c++) {
        grad[row + c] += v * dz[zo + c];
        dhi += params[row + c] * dz[zo + c];
      }
      if (!linear) dh[b * H + i] = dhi * (1 - v * v); // through tanh
    }
    if (!linear) {
      const ho = b * H;
      const xo = b * D;
      for (let j = 0; j < H; j++) grad[D * H + j] += dh[ho + j];
      for (let i = 0; i < D; i++) {
        const xi = x[xo + i];
        if (xi === 0) continue;
        const row = i * H;
        for (let j = 0; j < H; j++) grad[row + j] += xi * dh[ho + j];
      }
    }
  }
  return total / batch;
}
