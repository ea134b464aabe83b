import { Rng } from '../random';
import { initialState, initParams, InitOptions, LayerState } from '../model/init';
import { paramLayout } from '../model/param-layout';
import { BaselineLearnerConfig, ModelConfig, isVsml } from './learner-config';
import { multiplyAddsPerInnerStep } from './learner-work';

/** How a tensor of θ starts: TruncNormal(std) (cut at ±2 std, haiku's default) or a constant. */
export type SlotInit = { readonly std: number } | { readonly value: number };

/** One named tensor of θ, for inspection (graph panel, checkpoints) and for the baselines' math. */
export interface LearnerSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** The layout of any learner's θ: its size and its named tensors, one after another, row-major. */
export interface LearnerLayout {
  readonly size: number;
  readonly slots: readonly LearnerSlot[];
  /** The slot called `name`; throws when there is none (a programming error). */
  slot(name: string): LearnerSlot;
}

/** A baseline's tensors with their meta-init, in θ order (the reference's haiku modules). */
function baselineTensors(cfg: BaselineLearnerConfig): [string, number[], SlotInit][] {
  const A = cfg.inputSize;
  const C = cfg.numClasses;
  // hk.Linear's default init: TruncNormal(1/sqrt(fan_in)) weights, zero biases.
  const linear = (name: string, fanIn: number, out: number): [string, number[], SlotInit][] => [
    [`${name}_w`, [fanIn, out], { std: 1 / Math.sqrt(fanIn) }],
    [`${name}_b`, [out], { value: 0 }],
  ];
  switch (cfg.type) {
    case 'metarnn': {
      const H = cfg.slowSize;
      // LSTM input rows: [input (A), previous error (C), previous label (C), h (H)]; gates i, g, f, o.
      return [...linear('lstm', A + 2 * C + H, 4 * H), ...linear('out', H, C)];
    }
    case 'hebbian': {
      const I = A + 2 * C; // input, error, label
      return [
        ['w', [I, C], { std: 1 / Math.sqrt(I) }],
        ['coeff', [I, C], { value: 0.01 }],
        ['fw_lr', [1], { value: -4.5 }], // the rate is sigmoid(fw_lr) = 0.011 at init
        ['b', [C], { value: 0 }],
      ];
    }
    case 'fwm': {
      const H = cfg.slowSize;
      const m = cfg.memorySize;
      return [
        ...linear('lstm', A + 2 * C + H, 4 * H),
        ...linear('write', H, 3 * m + 1), // k1, k2, v (m each), β
        ...linear('read', H, 2 * m), // n, e
        ...linear('read_proj', m, H),
        ...linear('out', H, C),
      ];
    }
  }
}

function makeLayout(tensors: readonly [string, readonly number[]][]): LearnerLayout {
  const slots: LearnerSlot[] = [];
  let offset = 0;
  for (const [name, shape] of tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    slots.push({ name, shape, offset, size });
    offset += size;
  }
  const byName = new Map(slots.map((s) => [s.name, s]));
  return {
    size: offset,
    slots,
    slot(name: string): LearnerSlot {
      const s = byName.get(name);
      if (!s) throw new Error(`learnerLayout: no tensor ${name}`);
      return s;
    },
  };
}

/** θ's layout; VSML's is paramLayout's (param set s's tensors named `set<s>/<tensor>` when there are several). */
export function learnerLayout(cfg: ModelConfig): LearnerLayout {
  if (!isVsml(cfg)) return makeLayout(baselineTensors(cfg).map(([n, s]) => [n, s]));
  const p = paramLayout(cfg);
  const tensors: [string, readonly number[]][] = [];
  for (let s = 0; s < p.numSets; s++) for (const slot of p.slots) tensors.push([p.numSets > 1 ? `set${s}/${slot.name}` : slot.name, slot.shape]);
  return makeLayout(tensors);
}

/** The meta-init of θ: VSML's (init.ts), or the baselines' haiku defaults. */
export function learnerInitParams(cfg: ModelConfig, rng: Rng, opts: InitOptions = {}): Float64Array {
  if (isVsml(cfg)) return initParams(cfg, rng, opts);
  const tensors = baselineTensors(cfg);
  const theta = new Float64Array(learnerLayout(cfg).size);
  let off = 0;
  for (const [, shape, init] of tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < size; i++) theta[off + i] = 'std' in init ? rng.truncatedNormal(init.std) : init.value;
    off += size;
  }
  return theta;
}

/**
 * A fresh episode's state. VSML draws part of its cell states at random (they play the random
 * initial weights); the baselines start from zeros, so they have no drawn state (an empty list)
 * and draw nothing from `rng`.
 */
export function learnerInitialState(cfg: ModelConfig, rng: Rng): LayerState[] {
  return isVsml(cfg) ? initialState(cfg, rng) : [];
}

/**
 * Multiply-adds of one inner step of one batch member, roughly: how ES sizes its runner calls
 * so that a stop request is honoured within seconds. VSML counts cell updates (its historical
 * unit); the baselines count their matrix products divided by one cell update's cost.
 */
export function learnerStepWork(cfg: ModelConfig): number {
  if (isVsml(cfg)) {
    let cells = 0;
    for (let l = 0; l + 1 < cfg.layerSizes.length; l++) cells += cfg.layerSizes[l] * cfg.layerSizes[l + 1];
    return cells * cfg.numMicroTicks;
  }
  return Math.max(1, Math.round(multiplyAddsPerInnerStep(cfg) / 1000)); // a VSML cell update is about 1000 multiply-adds (N=16, M=8)
}
