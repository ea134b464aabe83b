import { VsmlModelConfig, numClasses, numLayers, inputSize } from './config';
import { LayerState } from './init';
import { paramLayout, ParamLayout } from './param-layout';
import { Episode, EpisodeResult, checkEpisode, checkParams } from './episode';
import { softmaxRow } from './softmax-row';

/**
 * The float64 reference: a direct, cell-by-cell transcription of the math pinned in
 * ../shared/fixtures/README.md. Slow on purpose (no algebraic shortcuts), so that the
 * fast paths have something plain to be compared with. Also the only float64 path.
 */

const LN_EPS = 1e-5;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Views of one param set inside θ. */
interface SubRnn {
  lstmW: Float64Array; // [2M+N, 4N]
  lstmB: Float64Array; // [4N]
  fwdW: Float64Array; // [N, M]
  fwdB: Float64Array; // [M]
  bwdW: Float64Array; // [N, M]
  bwdB: Float64Array; // [M]
  ln?: { fwdScale: Float64Array; fwdOffset: Float64Array; bwdScale: Float64Array; bwdOffset: Float64Array };
}

function subRnn(theta: Float64Array, layout: ParamLayout, set: number, cfg: VsmlModelConfig): SubRnn {
  const view = (name: Parameters<ParamLayout['offset']>[1]): Float64Array => {
    const slot = layout.slots.find((s) => s.name === name)!;
    return theta.subarray(layout.offset(set, name), layout.offset(set, name) + slot.size);
  };
  return {
    lstmW: view('lstm_w'),
    lstmB: view('lstm_b'),
    fwdW: view('fwd_w'),
    fwdB: view('fwd_b'),
    bwdW: view('bwd_w'),
    bwdB: view('bwd_b'),
    ln: cfg.layerNorm
      ? { fwdScale: view('fwd_ln_scale'), fwdOffset: view('fwd_ln_offset'), bwdScale: view('bwd_ln_scale'), bwdOffset: view('bwd_ln_offset') }
      : undefined,
  };
}

function layerNormInPlace(v: Float64Array, scale: Float64Array, offset: Float64Array): void {
  const M = v.length;
  let mean = 0;
  for (let i = 0; i < M; i++) mean += v[i];
  mean /= M;
  let vr = 0;
  for (let i = 0; i < M; i++) vr += (v[i] - mean) ** 2;
  vr /= M;
  const inv = 1 / Math.sqrt(vr + LN_EPS);
  for (let i = 0; i < M; i++) v[i] = scale[i] * (v[i] - mean) * inv + offset[i];
}

/**
 * One dense VSML layer call: `numMicroTicks` updates of every cell (a, b) with the same
 * incoming messages; returns the messages of the last micro tick.
 * fwdIn [A, M], bwdIn [B, M], h/c [A, B, N] (updated in place) -> newFwd [B, M], newBwd [A, M].
 */
export function referenceDenseLayer(
  p: SubRnn, cfg: VsmlModelConfig, A: number, B: number,
  fwdIn: Float64Array, bwdIn: Float64Array, h: Float64Array, c: Float64Array,
): { newFwd: Float64Array; newBwd: Float64Array } {
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const G = 4 * N;
  const x = new Float64Array(2 * M + N);
  const z = new Float64Array(G);
  const fo = new Float64Array(M);
  const bo = new Float64Array(M);
  const newFwd = new Float64Array(B * M);
  const newBwd = new Float64Array(A * M);
  for (let tick = 0; tick < cfg.numMicroTicks; tick++) {
    const last = tick === cfg.numMicroTicks - 1;
    for (let a = 0; a < A; a++) {
      for (let b = 0; b < B; b++) {
        const s = (a * B + b) * N;
        for (let i = 0; i < M; i++) x[i] = fwdIn[a * M + i];
        for (let i = 0; i < M; i++) x[M + i] = bwdIn[b * M + i];
        for (let i = 0; i < N; i++) x[2 * M + i] = h[s + i];
        for (let j = 0; j < G; j++) {
          let acc = p.lstmB[j];
          for (let i = 0; i < x.length; i++) acc += x[i] * p.lstmW[i * G + j];
          z[j] = acc;
        }
        for (let n = 0; n < N; n++) {
          const ig = sigmoid(z[n] - 5);
          const gg = Math.tanh(z[N + n]);
          const fg = sigmoid(z[2 * N + n] + 5);
          const og = sigmoid(z[3 * N + n]);
          const cn = fg * c[s + n] + ig * gg;
          c[s + n] = cn;
          h[s + n] = og * Math.tanh(cn);
        }
        if (!last) continue;
        for (let m = 0; m < M; m++) {
          let f = p.fwdB[m];
          let g = p.bwdB[m];
          for (let n = 0; n < N; n++) {
            f += h[s + n] * p.fwdW[n * M + m];
            g += h[s + n] * p.bwdW[n * M + m];
          }
          fo[m] = f;
          bo[m] = g;
        }
        if (p.ln) {
          layerNormInPlace(fo, p.ln.fwdScale, p.ln.fwdOffset);
          layerNormInPlace(bo, p.ln.bwdScale, p.ln.bwdOffset);
        }
        for (let m = 0; m < M; m++) {
          newFwd[b * M + m] += fo[m] / A;
          newBwd[a * M + m] += bo[m] / B;
        }
      }
    }
  }
  return { newFwd, newBwd };
}

/** Per-rollout message state carried across steps: in_fwd_l [A_l, M], in_bwd_l [B_l, M]. */
interface Messages {
  inFwd: Float64Array[];
  inBwd: Float64Array[];
}

/**
 * Runs one episode in float64. `state` is per layer [batch, A_l, B_l, N] and is not modified;
 * the final state is returned. Throws EngineError on bad shapes, labels or parameters.
 */
export function referenceEpisode(
  cfg: VsmlModelConfig,
  theta: Float64Array,
  episode: Episode,
  state: readonly LayerState[],
  /** Called after every inner step with the live per-layer state (for snapshots; do not keep the arrays). */
  onStep?: (t: number, state: readonly LayerState[], logits: Float64Array) => void,
  /**
   * The parameters of inner step t when they differ from `theta` (checked like it). Truncated
   * backpropagation is checked against this: perturbing θ in one slice of steps only.
   */
  thetaAtStep?: (t: number) => Float64Array,
): EpisodeResult {
  const layout = paramLayout(cfg);
  checkEpisode(cfg, episode, state, theta.length, layout.size);
  checkParams(theta);
  const L = numLayers(cfg);
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const C = numClasses(cfg);
  const A0 = inputSize(cfg);
  const T = episode.length;
  const bs = cfg.batchSize;
  const setsOf = (th: Float64Array): SubRnn[] => Array.from({ length: layout.numSets }, (_, s) => subRnn(th, layout, s, cfg));
  let sets = setsOf(theta);

  const hs = state.map((s) => Float64Array.from(s.h));
  const cs = state.map((s) => Float64Array.from(s.c));
  const cellsOf = (l: number): number => cfg.layerSizes[l] * cfg.layerSizes[l + 1] * N;
  const view = (arr: Float64Array, l: number, b: number): Float64Array => arr.subarray(b * cellsOf(l), (b + 1) * cellsOf(l));
  const msgs: Messages[] = Array.from({ length: bs }, () => ({
    inFwd: Array.from({ length: L }, (_, l) => new Float64Array(cfg.layerSizes[l] * M)),
    inBwd: Array.from({ length: L }, (_, l) => new Float64Array(cfg.layerSizes[l + 1] * M)),
  }));
  const errors = Array.from({ length: bs }, () => new Float64Array(C * 2)); // E [A_L, 2] per batch member

  const logits = new Float64Array(T * bs * C);
  const ce = new Float64Array(T * bs);
  const correct = new Uint8Array(T * bs);

  const tick = (b: number, x: ArrayLike<number>, xOff: number, E: Float64Array, reverse: boolean): Float64Array => {
    const m = msgs[b];
    m.inFwd[0].fill(0);
    for (let a = 0; a < A0; a++) m.inFwd[0][a * M] = x[xOff + a];
    m.inBwd[L - 1].fill(0);
    for (let k = 0; k < C; k++) {
      m.inBwd[L - 1][k * M] = E[k * 2];
      m.inBwd[L - 1][k * M + 1] = E[k * 2 + 1];
    }
    const out = new Float64Array(C);
    const order = Array.from({ length: L }, (_, l) => (reverse ? L - 1 - l : l));
    for (const l of order) {
      const set = sets[reverse ? cfg.backwardLayerParamIndex[l] : cfg.layerParamIndex[l]];
      const A = cfg.layerSizes[l];
      const B = cfg.layerSizes[l + 1];
      const { newFwd, newBwd } = referenceDenseLayer(set, cfg, A, B, m.inFwd[l], m.inBwd[l], view(hs[l], l, b), view(cs[l], l, b));
      if (l > 0) m.inBwd[l - 1] = newBwd;
      if (l < L - 1) m.inFwd[l + 1] = newFwd;
      else
        for (let k = 0; k < C; k++) {
          const v = newFwd[k * M + cfg.outputIdx];
          out[k] = cfg.tanhBound ? Math.tanh(v / cfg.tanhBound) * cfg.tanhBound : v;
        }
    }
    return out;
  };

  for (let t = 0; t < T; t++) {
    if (thetaAtStep) {
      const th = thetaAtStep(t);
      checkEpisode(cfg, episode, state, th.length, layout.size);
      checkParams(th);
      sets = setsOf(th);
    }
    if (bs > 1) mergeBatchStates(hs, cs, cfg);
    for (let b = 0; b < bs; b++) {
      const row = t * bs + b;
      const y = episode.labels[row];
      const out = tick(b, episode.inputs, row * A0, errors[b], false);
      logits.set(out, row * C);
      const { ce: loss, correct: right, max, sum } = softmaxRow(out, 0, C, y);
      ce[row] = loss;
      correct[row] = right;
      const E = errors[b];
      for (let k = 0; k < C; k++) {
        const onehot = k === y ? 1 : 0;
        // d(mean over the batch of CE)/d logits: the reference divides by the batch size.
        E[k * 2] = (Math.exp(out[k] - max) / sum - onehot) / bs;
        E[k * 2 + 1] = cfg.feedLabel ? onehot : 0;
      }
      if (cfg.backwardPass) {
        tick(b, episode.inputs, row * A0, E, true);
        E.fill(0);
      }
    }
    onStep?.(t, hs.map((h, l) => ({ h, c: cs[l] })), logits.subarray(t * bs * C, (t + 1) * bs * C));
  }
  return { logits, ce, correct, finalState: hs.map((h, l) => ({ h, c: cs[l] })) };
}

/** The reference's `_merge_layer_states`: the first N/2 channels of h and c become their batch mean. */
export function mergeBatchStates(hs: Float64Array[], cs: Float64Array[], cfg: VsmlModelConfig): void {
  const N = cfg.slowSize;
  const half = Math.floor(N / 2);
  const bs = cfg.batchSize;
  for (let l = 0; l < hs.length; l++) {
    const cells = cfg.layerSizes[l] * cfg.layerSizes[l + 1];
    for (const arr of [hs[l], cs[l]]) {
      const per = cells * N;
      for (let cell = 0; cell < cells; cell++) {
        for (let n = 0; n < half; n++) {
          let mean = 0;
          for (let b = 0; b < bs; b++) mean += arr[b * per + cell * N + n];
          mean /= bs;
          for (let b = 0; b < bs; b++) arr[b * per + cell * N + n] = mean;
        }
      }
    }
  }
}
