import { check } from '../errors';
import { Rng } from '../random';
import type { EpisodeDataset } from './episodes';

/**
 * Random projections as the reference's `rand_proj` builds them: a D x D matrix with uniform
 * Glorot entries (limit sqrt(6 / (D + D))), applied as y = x @ W to the flat preprocessed input.
 * Matrix k of a pool comes from (seed, k) alone, so a pool is the same function on every machine,
 * run and resume; k = 0 is the matrix of the single fixed projection (`rand_proj` without a pool).
 */
export function projectionMatrix(seed: number, size: number, k = 0): Float64Array {
  check(Number.isInteger(k) && k >= 0, 'data.preprocess.rand_proj_pool', `matrix index must be a non-negative integer, got ${k}`, 'use 0..pool-1');
  const rng = new Rng(seed, k === 0 ? 'data/projection' : `data/projection/${k}`);
  const limit = Math.sqrt(6 / (2 * size));
  const w = new Float64Array(size * size); // [size, size], row-major: y = x @ W
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
  return w;
}

/** y = x @ W for one flat input of `size` numbers at `offset`, in place (float64 accumulation). */
export function projectInPlace(w: Float64Array, size: number, x: Float32Array | Float64Array, offset: number, scratch: Float64Array): void {
  scratch.fill(0);
  for (let i = 0; i < size; i++) {
    const xi = x[offset + i];
    if (xi === 0) continue;
    const row = i * size;
    for (let j = 0; j < size; j++) scratch[j] += xi * w[row + j];
  }
  for (let j = 0; j < size; j++) x[offset + j] = scratch[j];
}

export interface ProjectionPoolOptions {
  /** `data.preprocess.rand_proj_pool`: K matrices; each projected episode uses one, drawn uniformly. */
  readonly pool: number;
  /** `data.preprocess.rand_proj_share`: the share of episodes that are projected; the rest keep their inputs. */
  readonly share: number;
  /** The preprocessing seed (the experiment seed). */
  readonly seed: number;
}

/**
 * A dataset whose episodes are each projected by one matrix of a seeded pool (or, with
 * probability 1 - share, not at all), the per-episode form of the reference's `rand_proj` split
 * over workers (each worker held one projection; `rand_proj: {mpi_split: [False, True]}` left half
 * of them unprojected). The choice is drawn from the episode's generator, before its examples.
 */
export function withProjectionPool(base: EpisodeDataset, opts: ProjectionPoolOptions): EpisodeDataset {
  check(Number.isInteger(opts.pool) && opts.pool >= 1, 'data.preprocess.rand_proj_pool', `must be a positive integer for a pool, got ${opts.pool}`, 'use e.g. 16');
  check(opts.share >= 0 && opts.share <= 1, 'data.preprocess.rand_proj_share', `must be in [0, 1], got ${opts.share}`, 'use e.g. 0.5');
  const D = base.inputSize;
  const matrices = new Map<number, Float64Array>(); // built on first use: K x D x D float64 can be large
  const scratch = new Float64Array(D);
  return {
    ...base,
    name: base.name,
    source: `${base.source}; projected by one of ${opts.pool} random matrices in ${Math.round(opts.share * 100)}% of episodes`,
    size: (split) => base.size(split),
    fill(split, count, rng, inputs, inputOffset, labels, labelOffset) {
      const projected = rng.uniform() < opts.share;
      const k = rng.int(opts.pool);
      base.fill(split, count, rng, inputs, inputOffset, labels, labelOffset);
      if (!projected) return;
      let w = matrices.get(k);
      if (!w) matrices.set(k, (w = projectionMatrix(opts.seed, D, k)));
      for (let e = 0; e < count; e++) projectInPlace(w, D, inputs, inputOffset + e * D, scratch);
    },
  };
}
