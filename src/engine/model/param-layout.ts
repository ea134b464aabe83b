import { VsmlModelConfig, numParamSets } from './config';

/** Names of the tensors of one sub-RNN param set, in the order they sit in the flat vector θ. */
export const TENSOR_NAMES = ['lstm_w', 'lstm_b', 'fwd_w', 'fwd_b', 'bwd_w', 'bwd_b'] as const;
export const LN_TENSOR_NAMES = ['fwd_ln_scale', 'fwd_ln_offset', 'bwd_ln_scale', 'bwd_ln_offset'] as const;
export type TensorName = (typeof TENSOR_NAMES)[number] | (typeof LN_TENSOR_NAMES)[number];

export interface TensorSlot {
  readonly name: TensorName;
  readonly shape: readonly number[];
  /** Offset of the tensor's first element inside its param set. */
  readonly offset: number;
  readonly size: number;
}

/**
 * Layout of V_M as one flat vector θ: param sets one after another, each holding
 * lstm_w [2M+N, 4N], lstm_b [4N], fwd_w [N, M], fwd_b [M], bwd_w [N, M], bwd_b [M]
 * (then the four LN vectors [M] when layer norm is on), each row-major.
 * Every backend and the ES optimizer agree on this layout (fixture e pins it).
 */
export interface ParamLayout {
  readonly numSets: number;
  /** Elements in one param set. */
  readonly setSize: number;
  /** Elements in θ. */
  readonly size: number;
  readonly slots: readonly TensorSlot[];
  /** Offset of a tensor inside set `set` of θ. */
  offset(set: number, name: TensorName): number;
}

export function paramLayout(cfg: VsmlModelConfig): ParamLayout {
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const shapes: [TensorName, number[]][] = [
    ['lstm_w', [2 * M + N, 4 * N]],
    ['lstm_b', [4 * N]],
    ['fwd_w', [N, M]],
    ['fwd_b', [M]],
    ['bwd_w', [N, M]],
    ['bwd_b', [M]],
  ];
  if (cfg.layerNorm) for (const n of LN_TENSOR_NAMES) shapes.push([n, [M]]);
  const slots: TensorSlot[] = [];
  let off = 0;
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    slots.push({ name, shape, offset: off, size });
    off += size;
  }
  const setSize = off;
  const numSets = numParamSets(cfg);
  const byName = new Map(slots.map((s) => [s.name, s.offset]));
  return {
    numSets,
    setSize,
    size: setSize * numSets,
    slots,
    offset(set: number, name: TensorName): number {
      const o = byName.get(name);
      if (o === undefined) throw new Error(`paramLayout: no tensor ${name} (layer norm is ${cfg.layerNorm ? 'on' : 'off'})`);
      return set * setSize + o;
    },
  };
}
