import { VsmlModelConfig, paramIndices } from '../../../src/engine/model/config';
import { broadcastState } from '../../../src/engine/model/episode';
import { initialState } from '../../../src/engine/model/init';
import { paramLayout } from '../../../src/engine/model/param-layout';
import { Rollout } from '../../../src/engine/model/rollout-runner';
import { Rng } from '../../../src/engine/random';

/** A random model config of the kinds the kernel must handle (deep, batched, LN, backward pass). */
export function randomConfig(rng: Rng, over: Partial<VsmlModelConfig> = {}): VsmlModelConfig {
  const layerSizes = over.layerSizes ?? Array.from({ length: 2 + rng.int(3) }, () => 2 + rng.int(6));
  const L = layerSizes.length - 1;
  const backwardPass = rng.uniform() < 0.5;
  const idx = paramIndices(L, rng.uniform() < 0.5, backwardPass && rng.uniform() < 0.5);
  const msgSize = 2 + rng.int(7);
  return {
    layerSizes,
    slowSize: 1 + rng.int(12),
    msgSize,
    numMicroTicks: 1 + rng.int(3),
    tanhBound: rng.uniform() < 0.5 ? 0 : 0.5 + rng.uniform() * 5,
    outputIdx: rng.int(msgSize),
    feedLabel: rng.uniform() < 0.5,
    layerNorm: rng.uniform() < 0.5,
    backwardPass,
    initRandProportion: 0.5,
    ...idx,
    batchSize: 2 + rng.int(2),
    ...over,
  };
}

/**
 * One random rollout: θ ~ N(0, 0.5) (large enough that gates are not saturated at the -5/+5
 * shifts, so errors show), random initial c, inputs ~ N(0, 1), random labels.
 */
export function randomRollout(cfg: VsmlModelConfig, rng: Rng, length: number): Rollout {
  const D = paramLayout(cfg).size;
  const theta = Float64Array.from({ length: D }, () => rng.normal() * 0.5);
  const A0 = cfg.layerSizes[0];
  const C = cfg.layerSizes[cfg.layerSizes.length - 1];
  return {
    theta,
    initialState: broadcastState(initialState(cfg, rng), cfg.batchSize),
    episode: {
      length,
      inputs: Float64Array.from({ length: length * cfg.batchSize * A0 }, () => rng.normal()),
      labels: Int32Array.from({ length: length * cfg.batchSize }, () => rng.int(C)),
    },
  };
}

/** max |a - b| / max(1, max |b|): the README's relative measure for float32 ports. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return Number.isNaN(err) ? Infinity : err / scale;
}
