import { check } from '../errors';
import { Rng } from '../random';

/**
 * The paper's procedural tasks (the reference's data.py):
 * - `random`: `size` Gaussian images with uniformly random labels among `target_count`; an
 *   episode draws its examples from this small table, so the learner must memorize it. The
 *   reference builds one table per dataset build; we draw a fresh table for every episode (from
 *   the episode's generator), so meta-training cannot memorize one table and every evaluation
 *   episode is a new task. `table: fixed` restores the reference's one table (per split).
 * - `sum`: each example is a truncated-normal image (std 1, cut at ±2 std) around a mean drawn
 *   uniformly in [-1, 1]; the label says whether its sum is >= 0.
 * Values are already in the "scaled" domain (no /255); their dataset stats are mean 0, std 1.
 */

export interface RandomDatasetOptions {
  /** `random_dataset.size`: examples in the table. */
  readonly size: number;
  /** `random_dataset.target_count`: number of classes. */
  readonly targetCount: number;
  /** `random_dataset.img_size`: [rows, cols] or [rows, cols, 1]. */
  readonly imgSize: readonly number[];
  /**
   * `random_dataset.table`: `per_episode` (ours, the default) draws a fresh table for every
   * episode; `fixed` is the reference's: one table per split, drawn once from the seed.
   */
  readonly table?: 'per_episode' | 'fixed';
}

export interface SumDatasetOptions {
  /** `sum_dataset.input_size`: [rows, cols] or [rows, cols, 1]. */
  readonly inputSize: readonly number[];
}

export const DEFAULT_RANDOM_DATASET: RandomDatasetOptions = { size: 20, targetCount: 10, imgSize: [28, 28, 1] };
export const DEFAULT_SUM_DATASET: SumDatasetOptions = { inputSize: [28, 28, 1] };

/** [rows, cols] from a reference-style size with an optional channel 1. */
export function proceduralShape(size: readonly number[], path: string): [number, number] {
  check(Array.isArray(size) && (size.length === 2 || (size.length === 3 && size[2] === 1)) && size.slice(0, 2).every((x) => Number.isInteger(x) && x > 0),
    path, `must be [rows, cols] or [rows, cols, 1] with positive integers, got ${JSON.stringify(size)}`, 'use e.g. [28, 28, 1]');
  return [size[0], size[1]];
}

export function checkRandomOptions(o: RandomDatasetOptions): void {
  check(Number.isInteger(o.size) && o.size > 0, 'random_dataset.size', `must be a positive integer, got ${o.size}`, 'use e.g. 20');
  check(Number.isInteger(o.targetCount) && o.targetCount >= 2, 'random_dataset.target_count', `must be an integer >= 2, got ${o.targetCount}`, 'use e.g. 10');
  proceduralShape(o.imgSize, 'random_dataset.img_size');
}

/** One random memorization task: images [size, rows, cols], labels [size]. */
export function drawRandomTask(o: RandomDatasetOptions, rng: Rng): { images: Float64Array; labels: Int32Array } {
  const [rows, cols] = proceduralShape(o.imgSize, 'random_dataset.img_size');
  const images = new Float64Array(o.size * rows * cols); // [size, rows, cols]
  rng.fillNormal(images);
  const labels = new Int32Array(o.size);
  for (let i = 0; i < o.size; i++) labels[i] = rng.int(o.targetCount);
  return { images, labels };
}

/** Writes one `sum` image of rows*cols values into `out` at offset; returns its label (0 or 1). */
export function drawSumExample(rows: number, cols: number, rng: Rng, out: Float64Array, offset: number): number {
  const mean = 2 * rng.uniform() - 1;
  let sum = 0;
  for (let i = 0; i < rows * cols; i++) {
    const v = mean + rng.truncatedNormal(1);
    out[offset + i] = v;
    sum += v;
  }
  return sum >= 0 ? 1 : 0;
}
