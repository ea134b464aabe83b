/**
 * One step of haiku's hk.LSTM (the reference's MetaRNN and FWMemory core), in place:
 * z = [x, h]·W + b, gates i, g, f, o (in that order along z), c = σ(f + 1)·c + σ(i)·tanh(g),
 * h = σ(o)·tanh(c). `xPart` holds x·W_x + b, computed once per inner step by the caller because
 * the input does not change between micro ticks; W's last H rows (`wh`, [H, 4H]) multiply h.
 */
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function lstmStep(
  xPart: Float64Array, // [4H]
  theta: Float64Array,
  wh: number, // offset of W_h [H, 4H] in theta
  h: Float64Array, // [H], updated
  c: Float64Array, // [H], updated
  z: Float64Array, // [4H] scratch
): void {
  const H = h.length;
  const G = 4 * H;
  z.set(xPart);
  for (let k = 0; k < H; k++) {
    const hk = h[k];
    if (hk === 0) continue;
    const row = wh + k * G;
    for (let j = 0; j < G; j++) z[j] += hk * theta[row + j];
  }
  for (let n = 0; n < H; n++) {
    const cn = sigmoid(z[2 * H + n] + 1) * c[n] + sigmoid(z[n]) * Math.tanh(z[H + n]);
    c[n] = cn;
    h[n] = sigmoid(z[3 * H + n]) * Math.tanh(cn);
  }
}

/** out[j] = b[j] + Σ_i x[i]·W[i, j] for W [x.length, out.length] at `w` and b at `b` in theta; skips zero inputs. */
export function affine(x: ArrayLike<number>, xOff: number, n: number, theta: Float64Array, w: number, b: number, out: Float64Array, accumulate = false): void {
  const O = out.length;
  if (!accumulate) for (let j = 0; j < O; j++) out[j] = theta[b + j];
  for (let i = 0; i < n; i++) {
    const xi = x[xOff + i];
    if (xi === 0) continue;
    const row = w + i * O;
    for (let j = 0; j < O; j++) out[j] += xi * theta[row + j];
  }
}

/**
 * The input part of a fed LSTM's gates, x·W_x + b with x = [input (A), feedback (2C): the previous
 * error and label], written to `xPart` [4H]; W_x is the first A + 2C rows of W at `w`.
 */
export function fedInputPart(inputs: ArrayLike<number>, offset: number, A: number, feedback: Float64Array, theta: Float64Array, w: number, b: number, xPart: Float64Array): void {
  affine(inputs, offset, A, theta, w, b, xPart);
  affine(feedback, 0, feedback.length, theta, w + A * xPart.length, 0, xPart, true);
}

/** One batch member of a fed LSTM (Meta RNN, FWM): h and c [H] and the feedback [error (C), previous label (C)], all zero at the start. */
export function fedLstmState(H: number, C: number): { h: Float64Array; c: Float64Array; feedback: Float64Array } {
  return { h: new Float64Array(H), c: new Float64Array(H), feedback: new Float64Array(2 * C) };
}
