import { check } from '../errors';
import { Rng } from '../random';
import { projectInPlace, projectionMatrix } from './projection-pool';

/**
 * The reference's `data.preprocess` pipeline (data.py `_preprocess`), applied to one image at a
 * time, in the reference's order:
 *   pixels in [0,1] -> resize -> normalize -> pad (zeros, bottom/right) -> fixed permutation
 *   (only without projection, as in the reference) -> fixed random projection -> flatten.
 * Everything random (permutation, projection) is drawn once from `seed`, so a preprocessor is a
 * fixed function: the same seed gives the same inputs on every machine and every run.
 */

export type NormalizationMode = 'dataset_standard' | 'standard' | 'identity';

export interface DatasetStats {
  readonly mean: number;
  readonly std: number;
}

/** Pixel mean/std after scaling to [0,1] (the reference's configs/default.yaml `dataset_stats`). */
export const DATASET_STATS: Readonly<Record<string, DatasetStats>> = {
  mnist: { mean: 0.13066047430038452, std: 0.3081078827381134 },
  fashion_mnist: { mean: 0.13066047430038452, std: 0.3081078827381134 },
  kmnist: { mean: 0.19176216423511505, std: 0.34834328293800354 },
  emnist: { mean: 0.1739204376935959, std: 0.3319065570831299 },
  emnist_letters: { mean: 0.1739204376935959, std: 0.3319065570831299 },
  random: { mean: 0, std: 1 },
  sum: { mean: 0, std: 1 },
};

export interface PreprocessOptions {
  /** `data.preprocess.normalization_mode`. */
  readonly normalizationMode: NormalizationMode;
  /** `data.preprocess.resize`: [rows, cols] (a trailing channel 1 is accepted), or null. */
  readonly resize: readonly number[] | null;
  /** `data.preprocess.pad.input`: [rows, cols] to pad to with zeros, or null. */
  readonly pad: readonly number[] | null;
  /** `data.preprocess.rand_proj`: multiply the flat input by a fixed Glorot-uniform matrix. */
  readonly randProj: boolean;
  /** `data.preprocess.shuffle`: apply a fixed pixel permutation (ignored with randProj, as in the reference). */
  readonly shuffle: boolean;
  /** Seed of the permutation and the projection. */
  readonly seed: number;
  /**
   * `data.preprocess.rand_proj_pool`: with randProj, 0 (default) is one fixed projection; K >= 1
   * draws each episode's projection from a pool of K seeded matrices (projection-pool.ts).
   */
  readonly randProjPool?: number;
  /** `data.preprocess.rand_proj_share`: with a pool, the share of episodes projected (default 1). */
  readonly randProjShare?: number;
}

export const DEFAULT_PREPROCESS: PreprocessOptions = {
  normalizationMode: 'dataset_standard',
  resize: null,
  pad: null,
  randProj: false,
  shuffle: false,
  seed: 0,
};

/** A fixed per-image function from [inRows, inCols] pixels to a flat input of outSize numbers. */
export interface Preprocessor {
  readonly inRows: number;
  readonly inCols: number;
  /** Image size after resize and pad (before permutation/projection, which keep the size). */
  readonly outRows: number;
  readonly outCols: number;
  /** A_0: the number of network inputs per example. */
  readonly outSize: number;
  /** Writes the preprocessed image. `src` holds [inRows, inCols] values already scaled to [0,1] at srcOffset. */
  apply(src: ArrayLike<number>, srcOffset: number, out: Float32Array | Float64Array, outOffset: number): void;
}

/** Reads [rows, cols] or [rows, cols, 1] from a config value. */
function imageShape(v: readonly number[], path: string): [number, number] {
  check(Array.isArray(v) && (v.length === 2 || (v.length === 3 && v[2] === 1)), path,
    `must be [rows, cols] or [rows, cols, 1], got ${JSON.stringify(v)}`, 'give the target image size, e.g. [7, 7]');
  check(v.slice(0, 2).every((x) => Number.isInteger(x) && x > 0), path, `sizes must be positive integers, got ${JSON.stringify(v)}`, 'use whole numbers >= 1');
  return [v[0], v[1]];
}

/**
 * Resizes [inR, inC] -> [outR, outC]. Integer downscaling factors use average pooling (every
 * pixel counts once); anything else uses bilinear interpolation with half-pixel centers, as
 * tf.image.resize does without antialiasing. (The reference always used tf.image.resize; for 28->7
 * that samples 2 of every 4 pixels per axis, average pooling is the smoother choice.)
 */
export function resizeImage(src: ArrayLike<number>, srcOffset: number, inR: number, inC: number,
  out: Float64Array, outR: number, outC: number): void {
  if (inR === outR && inC === outC) {
    for (let i = 0; i < inR * inC; i++) out[i] = src[srcOffset + i];
    return;
  }
  if (inR % outR === 0 && inC % outC === 0) {
    const fr = inR / outR;
    const fc = inC / outC;
    const inv = 1 / (fr * fc);
    for (let r = 0; r < outR; r++) {
      for (let c = 0; c < outC; c++) {
        let s = 0;
        for (let i = 0; i < fr; i++) {
          const row = srcOffset + (r * fr + i) * inC + c * fc;
          for (let j = 0; j < fc; j++) s += src[row + j];
        }
        out[r * outC + c] = s * inv;
      }
    }
    return;
  }
  const sr = inR / outR;
  const sc = inC / outC;
  for (let r = 0; r < outR; r++) {
    const y = Math.min(Math.max((r + 0.5) * sr - 0.5, 0), inR - 1);
    const y0 = Math.floor(y);
    const y1 = Math.min(y0 + 1, inR - 1);
    const wy = y - y0;
    for (let c = 0; c < outC; c++) {
      const x = Math.min(Math.max((c + 0.5) * sc - 0.5, 0), inC - 1);
      const x0 = Math.floor(x);
      const x1 = Math.min(x0 + 1, inC - 1);
      const wx = x - x0;
      const top = src[srcOffset + y0 * inC + x0] * (1 - wx) + src[srcOffset + y0 * inC + x1] * wx;
      const bot = src[srcOffset + y1 * inC + x0] * (1 - wx) + src[srcOffset + y1 * inC + x1] * wx;
      out[r * outC + c] = top * (1 - wy) + bot * wy;
    }
  }
}

/** Builds the fixed preprocessor for images of [inRows, inCols] with the dataset's pixel stats. */
export function buildPreprocessor(opts: PreprocessOptions, inRows: number, inCols: number, stats: DatasetStats): Preprocessor {
  check(['dataset_standard', 'standard', 'identity'].includes(opts.normalizationMode), 'data.preprocess.normalization_mode',
    `must be dataset_standard, standard or identity, got ${JSON.stringify(opts.normalizationMode)}`, 'pick one of the three modes');
  check(stats.std > 0 && Number.isFinite(stats.mean), 'data.preprocess.dataset_stats', `std must be > 0, got mean ${stats.mean} std ${stats.std}`, 'give a positive std');
  const [rR, rC] = opts.resize ? imageShape(opts.resize, 'data.preprocess.resize') : [inRows, inCols];
  const [outRows, outCols] = opts.pad ? imageShape(opts.pad, 'data.preprocess.pad.input') : [rR, rC];
  check(outRows >= rR && outCols >= rC, 'data.preprocess.pad.input',
    `[${outRows}, ${outCols}] is smaller than the image [${rR}, ${rC}]`, 'pad to a size at least as large as the (resized) image, or resize first');
  const outSize = outRows * outCols;
  const permute = opts.shuffle && !opts.randProj;
  const perm = permute ? new Rng(opts.seed, 'data/permutation').permutation(outSize) : null;
  const proj = opts.randProj ? projectionMatrix(opts.seed, outSize) : null; // [outSize, outSize], row-major: y = x @ W
  const resized = new Float64Array(rR * rC); // [rR, rC]
  const padded = new Float64Array(outSize); // [outRows, outCols]
  const projected = new Float64Array(outSize); // [outSize], float64 accumulator of x @ W
  const mode = opts.normalizationMode;

  function apply(src: ArrayLike<number>, srcOffset: number, out: Float32Array | Float64Array, outOffset: number): void {
    resizeImage(src, srcOffset, inRows, inCols, resized, rR, rC);
    let mean = stats.mean;
    let std = stats.std;
    if (mode === 'standard') {
      // tf.image.per_image_standardization: std floored at 1/sqrt(#pixels)
      const n = resized.length;
      let s = 0;
      for (let i = 0; i < n; i++) s += resized[i];
      mean = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (resized[i] - mean) ** 2;
      std = Math.max(Math.sqrt(v / n), 1 / Math.sqrt(n));
    } else if (mode === 'identity') {
      mean = 0;
      std = 1;
    }
    const inv = 1 / std;
    padded.fill(0);
    for (let r = 0; r < rR; r++) {
      for (let c = 0; c < rC; c++) padded[r * outCols + c] = (resized[r * rC + c] - mean) * inv;
    }
    if (proj) {
      projectInPlace(proj, outSize, padded, 0, projected);
      for (let j = 0; j < outSize; j++) out[outOffset + j] = padded[j];
    } else if (perm) {
      for (let j = 0; j < outSize; j++) out[outOffset + j] = padded[perm[j]];
    } else {
      for (let j = 0; j < outSize; j++) out[outOffset + j] = padded[j];
    }
  }
  return { inRows, inCols, outRows, outCols, outSize, apply };
}

/** A stable string naming a preprocessing (for caches). */
export function preprocessKey(opts: PreprocessOptions, stats: DatasetStats): string {
  return JSON.stringify([opts.normalizationMode, opts.resize, opts.pad, opts.randProj, opts.shuffle, opts.seed, stats.mean, stats.std]);
}
