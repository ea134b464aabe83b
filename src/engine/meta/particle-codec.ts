import { EngineError } from '../errors';
import { packState } from '../kernel/kernel-abi';
import { LayerState } from '../model/init';
import { decodeF64, encodeF64 } from '../runs/checkpoint';
import { Particle } from './truncated-es';

/**
 * Persistent-ES particles in a checkpoint (MetaOptimizerState.extra), JSON with base64 arrays
 * like checkpoint.ts. States from the float32 kernel are stored as float32 (every value is
 * exactly a float32, so nothing is lost and the file is half the size); float64 states (the
 * reference runner) as float64. Either way resume restores the exact numbers.
 */
export interface EncodedArray {
  dtype: 'f32' | 'f64';
  data: string;
}

export interface EncodedParticle {
  episode: number;
  t: number;
  /** Per layer h then c, concatenated. */
  pos: EncodedArray;
  /** Absent when equal to pos (truncated ES carries one shared state). */
  neg?: EncodedArray;
  xi?: string;
}

export interface ParticlesExtra {
  format: 'persistent-es-particles';
  estimator: string;
  truncation: number;
  episodeLength: number;
  particles: EncodedParticle[];
}

export function encodeArray(a: Float64Array): EncodedArray {
  const f32 = Float32Array.from(a);
  for (let i = 0; i < a.length; i++) if (f32[i] !== a[i]) return { dtype: 'f64', data: encodeF64(a) };
  return { dtype: 'f32', data: Buffer.from(f32.buffer).toString('base64') };
}

export function decodeArray(e: EncodedArray, where: string, file?: string): Float64Array {
  if (!e || typeof e !== 'object' || (e.dtype !== 'f32' && e.dtype !== 'f64') || typeof e.data !== 'string')
    throw new EngineError(where, 'must be {dtype: "f32"|"f64", data: base64}', 'use a checkpoint written by vsml', file);
  if (e.dtype === 'f64') return decodeF64(e.data, where, file);
  const buf = Buffer.from(e.data, 'base64');
  if (buf.byteLength % 4 !== 0) throw new EngineError(where, `has ${buf.byteLength} bytes, not a whole number of float32`, 'the checkpoint is truncated; use an earlier one', file);
  const f32 = new Float32Array(buf.byteLength / 4);
  new Uint8Array(f32.buffer).set(buf);
  return Float64Array.from(f32);
}

const flatten = (s: readonly LayerState[]): Float64Array => packState(s, new Float64Array(s.reduce((n, l) => n + 2 * l.h.length, 0)));

/** Splits a flat state back into layers of `sizes[l]` numbers each for h and c. */
const unflatten = (flat: Float64Array, sizes: readonly number[], where: string, file?: string): LayerState[] => {
  const want = sizes.reduce((n, s) => n + 2 * s, 0);
  if (flat.length !== want) throw new EngineError(where, `holds ${flat.length} numbers, the model's state has ${want}`, 'resume with the run\'s own config.json', file);
  let off = 0;
  return sizes.map((n) => {
    const h = flat.slice(off, off + n);
    const c = flat.slice(off + n, off + 2 * n);
    off += 2 * n;
    return { h, c };
  });
};

export function encodeParticles(particles: readonly Particle<LayerState[]>[], meta: Omit<ParticlesExtra, 'format' | 'particles'>): ParticlesExtra {
  return {
    format: 'persistent-es-particles',
    ...meta,
    particles: particles.map((p) => ({
      episode: p.episode,
      t: p.t,
      pos: encodeArray(flatten(p.pos)),
      ...(p.neg === p.pos ? {} : { neg: encodeArray(flatten(p.neg)) }),
      ...(p.xi ? { xi: encodeF64(p.xi) } : {}),
    })),
  };
}

/**
 * Reads particles back, checking them against the optimizer that resumes them: same estimator,
 * truncation, episode length, number of pairs, state and θ sizes. `layerSizes[l]` is the number
 * of h (= c) values of layer l for one rollout's batch.
 */
export function decodeParticles(
  extra: unknown,
  want: { estimator: string; truncation: number; episodeLength: number; pairs: number; dim: number; layerSizes: readonly number[] },
  file?: string,
): Particle<LayerState[]>[] {
  const fix = 'resume with the run\'s own config.json (optimizer.truncation, optimizer.estimator, training.episode_length and population_size must not change)';
  const e = extra as Partial<ParticlesExtra> | undefined;
  if (!e || e.format !== 'persistent-es-particles' || !Array.isArray(e.particles))
    throw new EngineError('metaOptimizer.extra', 'holds no persistent-ES particles (the run was trained with whole-episode ES)', 'resume without optimizer.truncation, or start a new run', file);
  for (const k of ['estimator', 'truncation', 'episodeLength'] as const)
    if (e[k] !== want[k]) throw new EngineError(`metaOptimizer.extra.${k}`, `is ${JSON.stringify(e[k])}, this config has ${JSON.stringify(want[k])}`, fix, file);
  if (e.particles.length !== want.pairs) throw new EngineError('metaOptimizer.extra.particles', `holds ${e.particles.length} pairs, this config has ${want.pairs}`, fix, file);
  return e.particles.map((p, k) => {
    const where = `metaOptimizer.extra.particles[${k}]`;
    if (!Number.isInteger(p.episode) || p.episode < 0 || !Number.isInteger(p.t) || p.t < 0 || p.t >= want.episodeLength)
      throw new EngineError(where, `has episode ${p.episode} and position ${p.t}, outside [0, ${want.episodeLength})`, 'the checkpoint is corrupt; use an earlier one', file);
    const pos = unflatten(decodeArray(p.pos, `${where}.pos`, file), want.layerSizes, `${where}.pos`, file);
    const neg = p.neg ? unflatten(decodeArray(p.neg, `${where}.neg`, file), want.layerSizes, `${where}.neg`, file) : pos;
    let xi: Float64Array | undefined;
    if (want.estimator === 'pes') {
      if (typeof p.xi !== 'string') throw new EngineError(`${where}.xi`, 'is missing', 'the checkpoint is corrupt; use an earlier one', file);
      xi = decodeF64(p.xi, `${where}.xi`, file);
      if (xi.length !== want.dim) throw new EngineError(`${where}.xi`, `holds ${xi.length} numbers, θ has ${want.dim}`, fix, file);
    }
    return { episode: p.episode, t: p.t, pos, neg, xi };
  });
}
