import { EngineError, check } from '../errors';
import type { EpisodeSampler, SampledEpisode } from '../meta/episode-sampler';
import { Rng } from '../random';
import { DEFAULT_RANDOM_DATASET, DEFAULT_SUM_DATASET, RandomDatasetOptions, SumDatasetOptions, checkRandomOptions, drawRandomTask, drawSumExample, proceduralShape } from './procedural';
import { DEFAULT_PREPROCESS, DatasetStats, PreprocessOptions, Preprocessor, buildPreprocessor, preprocessKey } from './preprocess';
import { DataLocation, ImageSource, Split, resolveDataset } from './registry';
import { valueScale } from './idx';
import { withProjectionPool } from './projection-pool';

/**
 * Datasets as the meta-learner sees them: preprocessed, class-filtered, split into meta-train
 * (`train`) and meta-test (`test`) examples that never overlap, and drawn into episodes
 * (inputs [T, batch, A_0], labels [T, batch]) uniformly with replacement from the given Rng.
 * Decoded and preprocessed arrays are cached in memory per (dataset, source, split,
 * preprocessing, classes), so the 2·P rollouts of every ES step cost no decoding.
 */

export interface DatasetOptions extends DataLocation {
  readonly preprocess?: PreprocessOptions;
  /** `data.filter_classes`: keep these classes, relabelled 0..k-1 in this order. */
  readonly filterClasses?: readonly number[] | null;
  /** Overrides of `data.preprocess.dataset_stats` by dataset name. */
  readonly datasetStats?: Readonly<Record<string, DatasetStats>>;
  readonly randomDataset?: RandomDatasetOptions;
  readonly sumDataset?: SumDatasetOptions;
  /** A_L of the model: a dataset with more classes is refused. Default 10. */
  readonly numOutputs?: number;
}

/** Something episodes can be drawn from: one dataset or a mixture. */
export interface EpisodeDataset {
  readonly name: string;
  readonly source: string;
  /** A_0 after preprocessing. */
  readonly inputSize: number;
  readonly numClasses: number;
  /** Distinct examples in a split (Infinity for generated tasks). */
  size(split: Split): number;
  /**
   * Writes `count` examples into inputs [count, inputSize] and labels [count] at the offsets.
   * One call draws one episode's worth (a mixture picks its component once per call).
   */
  fill(split: Split, count: number, rng: Rng, inputs: Float32Array, inputOffset: number, labels: Int32Array, labelOffset: number): void;
  /**
   * A mixture: picks the component one episode comes from (with the episode's generator), so
   * sampleEpisode can size the episode by it. Absent for a single dataset.
   */
  choose?(rng: Rng): EpisodeDataset;
  /** A mixture whose components differ in input size or classes: each episode keeps its component's sizes. */
  readonly mixedShapes?: boolean;
}

interface PreparedSplit {
  readonly inputs: Float32Array; // [n, D]
  readonly labels: Int32Array; // [n]
}

const splitCache = new Map<string, PreparedSplit>();

function checkFilter(filter: readonly number[], numClasses: number, name: string): void {
  check(Array.isArray(filter) && filter.length >= 1, 'data.filter_classes', `must be a non-empty list of class indices, got ${JSON.stringify(filter)}`, 'list the classes to keep, e.g. [0, 1, 2], or set null');
  filter.forEach((c, i) => check(Number.isInteger(c) && c >= 0 && c < numClasses, `data.filter_classes[${i}]`,
    `class ${c} does not exist in ${name} (${numClasses} classes)`, `use indices in [0, ${numClasses})`));
  check(new Set(filter).size === filter.length, 'data.filter_classes', `lists a class twice: ${JSON.stringify(filter)}`, 'list each class once');
}

function checkOutputs(name: string, classes: number, numOutputs: number): void {
  if (classes > numOutputs) {
    throw new EngineError('data', `dataset ${name} has ${classes} classes but the model has ${numOutputs} outputs`,
      `set data.filter_classes to at most ${numOutputs} classes, or make the last entry of model.layer_sizes >= ${classes}`);
  }
}

/** Relabel map: class -> position in filter, or -1 when dropped. */
function relabelMap(filter: readonly number[] | null, numClasses: number): Int32Array {
  const map = new Int32Array(numClasses).fill(filter ? -1 : 0);
  if (!filter) for (let c = 0; c < numClasses; c++) map[c] = c;
  else filter.forEach((c, i) => (map[c] = i));
  return map;
}

function imageDataset(src: ImageSource, opts: DatasetOptions): EpisodeDataset {
  const configured = opts.preprocess ?? DEFAULT_PREPROCESS;
  // A feature vector (csv: of non-square width) is not an image: resize and pad do not apply.
  const pre = src.flat ? { ...configured, resize: null, pad: null } : configured;
  const stats = opts.datasetStats?.[src.name] ?? src.stats;
  const filter = opts.filterClasses ?? null;
  if (filter) checkFilter(filter, src.numClasses, src.name);
  const numClasses = filter ? filter.length : src.numClasses;
  checkOutputs(src.name, numClasses, opts.numOutputs ?? 10);
  const map = relabelMap(filter, src.numClasses);
  // The preprocessor depends on the image size, known once a split is decoded.
  const preprocessors = new Map<string, Preprocessor>();
  const prep = (rows: number, cols: number): Preprocessor => {
    const k = `${rows}x${cols}`;
    let p = preprocessors.get(k);
    if (!p) preprocessors.set(k, (p = buildPreprocessor(pre, rows, cols, stats)));
    return p;
  };
  const prepared = (split: Split): PreparedSplit => {
    const key = JSON.stringify([src.name, src.source, split, preprocessKey(pre, stats), filter]);
    let s = splitCache.get(key);
    if (s) return s;
    const set = src.load(split);
    const p = prep(set.rows, set.cols);
    const keep: number[] = [];
    for (let i = 0; i < set.n; i++) if (map[set.labels[i]] >= 0) keep.push(i);
    if (keep.length === 0) throw new EngineError('data.filter_classes', `no ${split} example of ${src.name} is in ${JSON.stringify(filter)}`, 'pick classes present in the dataset');
    const D = p.outSize;
    const inputs = new Float32Array(keep.length * D); // [n, D]
    const labels = new Int32Array(keep.length);
    const pix = set.rows * set.cols;
    const scaled = new Float64Array(pix); // one image in [0,1]
    const scale = valueScale(set);
    keep.forEach((i, j) => {
      for (let q = 0; q < pix; q++) scaled[q] = set.images[i * pix + q] / scale;
      p.apply(scaled, 0, inputs, j * D);
      labels[j] = map[set.labels[i]];
    });
    s = { inputs, labels };
    splitCache.set(key, s);
    return s;
  };
  // Every split of a dataset has one image size; A_0 comes from the first split.
  const first = src.load(src.splits[0]);
  const inputSize = prep(first.rows, first.cols).outSize;
  return {
    name: src.name,
    source: src.source,
    inputSize,
    numClasses,
    size: (split) => prepared(split).labels.length,
    fill(split, count, rng, inputs, inputOffset, labels, labelOffset) {
      const s = prepared(split);
      const n = s.labels.length;
      const D = inputSize;
      check(s.inputs.length === n * D, 'data', `${src.name} ${split} images have a different size than its ${src.splits[0]} images`, 'use one image size for all splits');
      for (let k = 0; k < count; k++) {
        const i = rng.int(n);
        inputs.set(s.inputs.subarray(i * D, (i + 1) * D), inputOffset + k * D);
        labels[labelOffset + k] = s.labels[i];
      }
    },
  };
}

function randomDataset(stats: DatasetStats, opts: DatasetOptions): EpisodeDataset {
  const ro = opts.randomDataset ?? DEFAULT_RANDOM_DATASET;
  checkRandomOptions(ro);
  const [rows, cols] = proceduralShape(ro.imgSize, 'random_dataset.img_size');
  const filter = opts.filterClasses ?? null;
  if (filter) checkFilter(filter, ro.targetCount, 'random');
  const numClasses = filter ? filter.length : ro.targetCount;
  checkOutputs('random', numClasses, opts.numOutputs ?? 10);
  const map = relabelMap(filter, ro.targetCount);
  const p = buildPreprocessor(opts.preprocess ?? DEFAULT_PREPROCESS, rows, cols, opts.datasetStats?.random ?? stats);
  const pix = rows * cols;
  return {
    name: 'random', source: 'generated', inputSize: p.outSize, numClasses,
    size: () => Infinity,
    fill(split, count, rng, inputs, inputOffset, labels, labelOffset) {
      // A fresh table per episode (or the split's fixed one); as in the reference, class filtering shrinks the table.
      const fixed = ro.table === 'fixed';
      const tableRng = fixed ? new Rng(opts.preprocess?.seed ?? 0, `random/table/${split}`) : rng;
      let keep: number[] = [];
      let task = drawRandomTask(ro, tableRng);
      for (let tries = 0; ; tries++) {
        keep = [];
        for (let i = 0; i < ro.size; i++) if (map[task.labels[i]] >= 0) keep.push(i);
        if (keep.length > 0) break;
        check(tries < 1000, 'data.filter_classes', fixed ? 'the fixed random table holds none of the kept classes' : 'random tables never contain the kept classes', 'raise random_dataset.size');
        task = drawRandomTask(ro, tableRng);
      }
      const table = new Float32Array(keep.length * p.outSize); // [kept, D]
      keep.forEach((i, j) => p.apply(task.images, i * pix, table, j * p.outSize));
      for (let k = 0; k < count; k++) {
        const j = rng.int(keep.length);
        inputs.set(table.subarray(j * p.outSize, (j + 1) * p.outSize), inputOffset + k * p.outSize);
        labels[labelOffset + k] = map[task.labels[keep[j]]];
      }
    },
  };
}

function sumDataset(stats: DatasetStats, opts: DatasetOptions): EpisodeDataset {
  const so = opts.sumDataset ?? DEFAULT_SUM_DATASET;
  const [rows, cols] = proceduralShape(so.inputSize, 'sum_dataset.input_size');
  const filter = opts.filterClasses ?? null;
  if (filter) checkFilter(filter, 2, 'sum');
  const numClasses = filter ? filter.length : 2;
  checkOutputs('sum', numClasses, opts.numOutputs ?? 10);
  const map = relabelMap(filter, 2);
  const p = buildPreprocessor(opts.preprocess ?? DEFAULT_PREPROCESS, rows, cols, opts.datasetStats?.sum ?? stats);
  const raw = new Float64Array(rows * cols);
  return {
    name: 'sum', source: 'generated', inputSize: p.outSize, numClasses,
    size: () => Infinity,
    fill(_split, count, rng, inputs, inputOffset, labels, labelOffset) {
      for (let k = 0; k < count; k++) {
        let y = drawSumExample(rows, cols, rng, raw, 0);
        while (map[y] < 0) y = drawSumExample(rows, cols, rng, raw, 0); // filter_classes: rejection, as tf's filter
        p.apply(raw, 0, inputs, inputOffset + k * p.outSize);
        labels[labelOffset + k] = map[y];
      }
    },
  };
}

/** Opens a dataset by config name (`mnist`, `fashion_mnist`, `idx:<dir>`, `images:<dir>`, `csv:<file>`, `random`, `sum`, ...). */
export function openDataset(name: string, opts: DatasetOptions = {}): EpisodeDataset {
  const pre = opts.preprocess;
  if (pre?.randProj && (pre.randProjPool ?? 0) > 0) {
    // A pool: the dataset without projection, each episode projected by one of the pool's matrices.
    const base = openDataset(name, { ...opts, preprocess: { ...pre, randProj: false, randProjPool: 0 } });
    return withProjectionPool(base, { pool: pre.randProjPool!, share: pre.randProjShare ?? 1, seed: pre.seed });
  }
  const src = resolveDataset(name, opts);
  if (src.kind === 'images') return imageDataset(src, opts);
  return src.name === 'random' ? randomDataset(src.stats, opts) : sumDataset(src.stats, opts);
}

/**
 * A mixture for meta-training: each episode comes from one component, picked with the episode's
 * generator by `weights` (uniform by default). Components may differ in input size and classes:
 * each keeps its own (V_M does not depend on layer sizes), and sampleEpisode marks such an
 * episode with its shape so the meta-step runs it on a network of that size.
 */
export function mixDatasets(parts: readonly EpisodeDataset[], weights?: readonly number[]): EpisodeDataset {
  check(parts.length >= 1, 'training.dataset', 'a mixture needs at least one dataset', 'list one or more dataset names');
  const w = weights ?? parts.map(() => 1);
  check(w.length === parts.length && w.every((x) => x >= 0 && Number.isFinite(x)) && w.some((x) => x > 0), 'training.dataset_weights',
    `must be ${parts.length} non-negative numbers, not all 0, got ${JSON.stringify(w)}`, 'give one weight per dataset');
  const total = w.reduce((a, b) => a + b, 0);
  const numClasses = Math.max(...parts.map((d) => d.numClasses));
  const mixedShapes = parts.some((d) => d.mixedShapes || d.inputSize !== parts[0].inputSize || d.numClasses !== numClasses);
  const choose = (rng: Rng): EpisodeDataset => {
    let u = rng.uniform() * total;
    let k = 0;
    while (k < parts.length - 1 && u >= w[k]) u -= w[k++];
    return parts[k].choose ? parts[k].choose!(rng) : parts[k];
  };
  return {
    name: parts.map((d) => d.name).join('+'),
    source: parts.map((d) => `${d.name}: ${d.source}`).join('; '),
    inputSize: parts[0].inputSize,
    numClasses,
    mixedShapes,
    size: (split) => parts.reduce((a, d) => a + d.size(split), 0),
    choose,
    fill(split, count, rng, inputs, inputOffset, labels, labelOffset) {
      const part = choose(rng);
      check(part.inputSize === parts[0].inputSize, 'training.dataset', `${part.name} has ${part.inputSize} inputs, not the mixture's ${parts[0].inputSize}`,
        'draw episodes of a mixture of sizes with sampleEpisode, which sizes each by its dataset');
      part.fill(split, count, rng, inputs, inputOffset, labels, labelOffset);
    },
  };
}

/** One episode: inputs [T, batch, A_0] (float32), labels [T, batch]. */
export function sampleEpisode(dataset: EpisodeDataset, split: Split, length: number, batchSize: number, rng: Rng): SampledEpisode {
  check(Number.isInteger(length) && length > 0, 'training.episode_length', `must be a positive integer, got ${length}`, 'use e.g. 50');
  check(Number.isInteger(batchSize) && batchSize > 0, 'training.batch_size', `must be a positive integer, got ${batchSize}`, 'use 1');
  const count = length * batchSize;
  const ds = dataset.choose ? dataset.choose(rng) : dataset; // a mixture: the component of this episode
  const inputs = new Float32Array(count * ds.inputSize); // [T, batch, A_0]
  const labels = new Int32Array(count); // [T, batch]
  ds.fill(split, count, rng, inputs, 0, labels, 0);
  return dataset.mixedShapes ? { length, inputs, labels, shape: { inputSize: ds.inputSize, numClasses: ds.numClasses } } : { length, inputs, labels };
}

/**
 * The `(rng, length, batchSize) => Episode` form meta-training and evaluation take. `outputs`
 * (`data.preprocess.pad.output`) fixes the output size of every episode of a mixture of sizes.
 */
export function episodeSampler(dataset: EpisodeDataset, split: Split, outputs?: number | null): EpisodeSampler {
  return (rng, length, batchSize) => {
    const e = sampleEpisode(dataset, split, length, batchSize, rng);
    return e.shape && outputs ? { ...e, shape: { ...e.shape, numClasses: outputs } } : e;
  };
}
