import { AnyImageSet } from './idx';
import { Rng } from '../random';

/**
 * The meta-train / meta-test split of datasets that come without one (image folders, CSV files):
 * within each class, a fixed permutation (seeded by the class's name, not its position, so adding
 * a class leaves the others' splits alone) puts 20% of the examples, at least one when the class
 * has two or more, in `test` and the rest in `train`. The same files give the same split on every
 * machine and run; no example is in both.
 */

export const HOLDOUT_FRACTION = 0.2;
const SEED = 'vsml-lab/holdout-split';

/** How many of a class's n examples are held out. */
export function heldOutCount(n: number): number {
  return n >= 2 ? Math.max(1, Math.round(n * HOLDOUT_FRACTION)) : 0;
}

/**
 * Splits example indices by class. `labels[i]` is example i's class index, `classNames[c]` the
 * name that seeds class c's permutation. Indices come back in ascending order.
 */
export function holdOutSplit(labels: ArrayLike<number>, classNames: readonly string[]): { train: Int32Array; test: Int32Array } {
  const byClass: number[][] = classNames.map(() => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((members, c) => {
    const perm = new Rng(SEED, classNames[c]).permutation(members.length);
    const k = heldOutCount(members.length);
    perm.forEach((p, j) => (j < k ? test : train).push(members[p]));
  });
  const sorted = (xs: number[]): Int32Array => Int32Array.from(xs).sort();
  return { train: sorted(train), test: sorted(test) };
}

/** The examples `idx` of a set, in that order (a copy). */
export function takeExamples<S extends AnyImageSet>(set: S, idx: ArrayLike<number>): S {
  const pix = set.rows * set.cols;
  const images = set.images instanceof Float32Array ? new Float32Array(idx.length * pix) : new Uint8Array(idx.length * pix); // [k, rows, cols]
  const labels = new Int32Array(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    images.set(set.images.subarray(i * pix, (i + 1) * pix), j * pix);
    labels[j] = set.labels[i];
  }
  return { ...set, n: idx.length, images, labels } as S;
}
