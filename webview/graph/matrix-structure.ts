/**
 * View (a): the whole VSML network as ONE big RNN. Its state is every sub-RNN's state, cell after
 * cell (layer by layer, a-major), and its recurrent weight matrix is sparse and block-structured:
 *  - the diagonal block of a cell is the LSTM's own recurrence (lstm_w, h rows) of its layer's set;
 *  - cell (a, b) of layer l feeds cells (b, c) of layer l+1 through the forward messenger (fwd_w)
 *    of layer l's set, read by lstm_w's forward rows of layer l+1's set;
 *  - cell (b, c) of layer l+1 feeds cells (a, b) of layer l through the backward messenger (bwd_w);
 *  - the last layer's cells are coupled densely through the loss (softmax error fed back), which
 *    holds no V_M weight.
 * Every block reuses an entry of V_M; layerwise param sets get different hues. Pure.
 */
export type Relation = 'none' | 'self' | 'forward' | 'backward' | 'loss';

export interface CellIndex {
  /** First global cell index of each layer, plus the total at the end: [L + 1]. */
  starts: number[];
  total: number;
}

export function cellIndex(layerSizes: readonly number[]): CellIndex {
  const starts = [0];
  for (let l = 0; l + 1 < layerSizes.length; l++) starts.push(starts[l] + layerSizes[l] * layerSizes[l + 1]);
  return { starts, total: starts[starts.length - 1] };
}

export function cellOf(idx: CellIndex, layerSizes: readonly number[], i: number): { layer: number; a: number; b: number } {
  let l = 0;
  while (i >= idx.starts[l + 1]) l++;
  const B = layerSizes[l + 1];
  const local = i - idx.starts[l];
  return { layer: l, a: Math.floor(local / B), b: local % B };
}

/** How the state of cell `from` enters the update of cell `to` (row `to`, column `from`). */
export function relation(layerSizes: readonly number[], idx: CellIndex, to: number, from: number): Relation {
  if (to === from) return 'self';
  const r = cellOf(idx, layerSizes, to);
  const s = cellOf(idx, layerSizes, from);
  const L = layerSizes.length - 1;
  if (r.layer === s.layer + 1 && r.a === s.b) return 'forward';
  if (r.layer === s.layer - 1 && r.b === s.a) return 'backward';
  if (r.layer === L - 1 && s.layer === L - 1) return 'loss';
  return 'none';
}

/**
 * Visits every nonzero block once: f(row, col, relation, set) with set the V_M param set whose
 * entry the block reuses (-1 for the loss coupling). Count: Σ_l A_l B_l (1 + B_{l+1} + A_{l-1}) plus
 * the loss block as one call per last-layer row range (the caller fills that rectangle).
 */
export function forEachBlock(
  layerSizes: readonly number[],
  layerParamIndex: readonly number[],
  f: (row: number, col: number, rel: Relation, set: number) => void,
): void {
  const idx = cellIndex(layerSizes);
  const L = layerSizes.length - 1;
  for (let l = 0; l < L; l++) {
    const A = layerSizes[l];
    const B = layerSizes[l + 1];
    for (let a = 0; a < A; a++) {
      for (let b = 0; b < B; b++) {
        const i = idx.starts[l] + a * B + b;
        f(i, i, 'self', layerParamIndex[l]);
        if (l + 1 < L) {
          const C = layerSizes[l + 2];
          for (let c = 0; c < C; c++) f(idx.starts[l + 1] + b * C + c, i, 'forward', layerParamIndex[l]);
        }
        if (l > 0) {
          const Ap = layerSizes[l - 1];
          for (let ap = 0; ap < Ap; ap++) f(idx.starts[l - 1] + ap * A + a, i, 'backward', layerParamIndex[l]);
        }
      }
    }
  }
}
