import { ExperimentConfig } from './types';

/** What the config checks need to know about a dataset without loading it. */
export interface DatasetFacts {
  readonly numClasses: number;
  /** Image shape before preprocessing, [height, width, channels]. */
  readonly shape: readonly number[];
  /** A feature vector (a csv: file of non-square width): resize and pad.input do not apply. */
  readonly flat?: boolean;
}

export interface DatasetAvailability {
  readonly available: boolean;
  /** Why not, e.g. "not downloaded (no network)". */
  readonly reason?: string;
  /** What to do, e.g. "run `vsml datasets fetch kmnist`". */
  readonly fix?: string;
}

/**
 * Injected by the caller (CLI, trainer, extension) from the dataset module in src/engine/data/,
 * so the config layer stays free of file system and dataset code. Both are optional: without
 * `isDatasetAvailable` availability is not checked; `facts` overrides the built-in table below.
 */
export interface DatasetCatalog {
  isDatasetAvailable?(name: string): DatasetAvailability;
  facts?(name: string): DatasetFacts | undefined;
}

/** Prefixes of datasets the user brings: a folder of IDX files, a folder of images, a CSV file. */
export const USER_DATASET_PREFIXES = ['idx:', 'images:', 'csv:'] as const;

/** `idx:<folder>`, `images:<folder>` or `csv:<file>`. */
export function isUserDatasetName(name: string): boolean {
  return USER_DATASET_PREFIXES.some((p) => name.startsWith(p));
}

/** Names the reference's configs use; offered as "did you mean" for typos. */
export const KNOWN_DATASET_NAMES = ['mnist', 'fashion_mnist', 'kmnist', 'emnist', 'emnist_letters', 'random', 'sum'] as const;

/**
 * Class counts and image shapes of the datasets src/engine/data/ knows (emnist is its digits
 * split, 10 classes; the reference's TensorFlow Datasets 'byclass' had 62), and of the
 * procedural tasks from their config sections. The user's own `idx:`, `images:` and `csv:` data are unknown here: the catalog supplies them.
 */
export function builtinFacts(name: string, cfg: ExperimentConfig): DatasetFacts | undefined {
  switch (name) {
    case 'mnist': case 'fashion_mnist': case 'kmnist': return { numClasses: 10, shape: [28, 28, 1] };
    case 'emnist': return { numClasses: 10, shape: [28, 28, 1] };
    case 'emnist_letters': return { numClasses: 26, shape: [28, 28, 1] };
    case 'random': return { numClasses: cfg.random_dataset.target_count, shape: cfg.random_dataset.img_size };
    case 'sum': return { numClasses: 2, shape: cfg.sum_dataset.input_size };
    default: return undefined;
  }
}

export function datasetFacts(name: string, cfg: ExperimentConfig, catalog?: DatasetCatalog): DatasetFacts | undefined {
  return catalog?.facts?.(name) ?? builtinFacts(name, cfg);
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** Image shape after resize (before padding). */
export function resizedShape(cfg: ExperimentConfig, shape: readonly number[]): number[] {
  const r = cfg.data.preprocess.resize;
  if (!r) return [...shape];
  return [r[0], r[1], ...shape.slice(2)];
}

/** A_0: the network's input size for a dataset: pad.input if set, else the (resized) image. */
export function inputSizeFor(cfg: ExperimentConfig, facts: DatasetFacts): number {
  if (facts.flat) return product(facts.shape);
  const pad = cfg.data.preprocess.pad.input;
  return pad ? product(pad) : product(resizedShape(cfg, facts.shape));
}

/** Classes after filter_classes, before padding. */
export function classesFor(cfg: ExperimentConfig, facts: DatasetFacts): number {
  return cfg.data.filter_classes ? cfg.data.filter_classes.length : facts.numClasses;
}
