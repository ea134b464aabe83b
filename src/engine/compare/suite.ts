import { createHash } from 'node:crypto';
import { EngineError } from '../errors';

/** The methods a suite can name; the first four are meta-learned, SGD and Adam are fixed learners. */
export const COMPARE_METHODS = ['vsml', 'metarnn', 'hebbian', 'fwm', 'sgd', 'adam'] as const;
export type CompareMethod = (typeof COMPARE_METHODS)[number];
export type LearnedMethod = Exclude<CompareMethod, 'sgd' | 'adam'>;
export const isLearned = (m: CompareMethod): m is LearnedMethod => m !== 'sgd' && m !== 'adam';

/** The experiment config's `model.type` of each meta-learned method. */
export const MODEL_TYPE: Record<LearnedMethod, string> = { vsml: 'VSMLRNN', metarnn: 'MetaRNN', hebbian: 'HebbianFW', fwm: 'FWMemory' };

/**
 * `vsml compare <suite.json>`: a grid of methods x meta-training sets x seeds, each result
 * evaluated online on every dataset of `datasets` (docs/compare.md).
 */
export interface CompareSuite {
  readonly name: string;
  readonly seeds: readonly number[];
  /** Meta-test datasets, as the lab names them (`mnist`, `idx:<dir>`, ...). */
  readonly datasets: readonly string[];
  /** Meta-training sets: a dataset name, `all` (every dataset of `pool`) or `all-but-<name>`. */
  readonly metaTrain: readonly string[];
  /** What `all` means; default `datasets`. */
  readonly pool: readonly string[];
  /** Evaluation episodes: `episode_length` T and `count` K per dataset. */
  readonly evaluation: { readonly episode_length: number; readonly count: number };
  /** A partial experiment config every cell starts from. */
  readonly config: Record<string, unknown>;
  /** Each method with the partial config merged over `config` for it (empty for the defaults). */
  readonly methods: Readonly<Partial<Record<CompareMethod, Record<string, unknown>>>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Checks a parsed suite file; every error names the file, the field and the fix. */
export function parseSuite(value: unknown, file: string): CompareSuite {
  const fail = (path: string, msg: string, fix: string): never => {
    throw new EngineError(path, msg, fix, file);
  };
  if (!isObject(value)) fail('', 'must be a JSON object', 'see examples/compare-cpu.suite.json');
  const v = value as Record<string, unknown>;
  const known = new Set(['$comment', 'name', 'seeds', 'datasets', 'metaTrain', 'pool', 'evaluation', 'config', 'methods']);
  for (const k of Object.keys(v)) if (!known.has(k)) fail(k, 'is not a suite field', `remove it; a suite has ${[...known].slice(1).join(', ')}`);
  const strings = (key: string, required: boolean): string[] => {
    const a = v[key];
    if (a === undefined && !required) return [];
    if (!Array.isArray(a) || a.length === 0 || !a.every((x) => typeof x === 'string' && x.length > 0))
      fail(key, `must be a non-empty list of names, got ${JSON.stringify(a)}`, `e.g. "${key}": ["mnist"]`);
    if (new Set(a as string[]).size !== (a as string[]).length) fail(key, 'lists a name twice', 'remove the repeat');
    return a as string[];
  };
  const name = v.name ?? 'compare';
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) fail('name', `must be letters, digits, _ . or -, got ${JSON.stringify(name)}`, 'e.g. "compare-cpu"');
  const seeds = v.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0))
    fail('seeds', `must be a non-empty list of whole numbers, got ${JSON.stringify(seeds)}`, 'e.g. "seeds": [1, 2]');
  if (new Set(seeds as number[]).size !== (seeds as number[]).length) fail('seeds', 'lists a seed twice', 'remove the repeat');
  const datasets = strings('datasets', true);
  const pool = v.pool === undefined ? datasets : strings('pool', true);
  const metaTrain = strings('metaTrain', true);
  metaTrain.forEach((m, i) => {
    if (m.startsWith('all-but-') && !pool.includes(m.slice(8))) fail(`metaTrain[${i}]`, `"${m}" leaves out "${m.slice(8)}", which is not in the pool ${JSON.stringify(pool)}`, 'name a dataset of "pool" (default: "datasets")');
  });
  const ev = v.evaluation ?? {};
  if (!isObject(ev)) fail('evaluation', 'must be an object', 'e.g. { "episode_length": 50, "count": 16 }');
  const e = ev as Record<string, unknown>;
  for (const k of Object.keys(e)) if (k !== 'episode_length' && k !== 'count') fail(`evaluation.${k}`, 'is not a suite evaluation field', 'use episode_length and count');
  const episodeLength = e.episode_length ?? 50;
  const count = e.count ?? 16;
  if (!isPosInt(episodeLength)) fail('evaluation.episode_length', `must be a positive integer, got ${JSON.stringify(episodeLength)}`, 'e.g. 50');
  if (!isPosInt(count)) fail('evaluation.count', `must be a positive integer, got ${JSON.stringify(count)}`, 'e.g. 16');
  const config = v.config ?? {};
  if (!isObject(config)) fail('config', 'must be an object: a partial experiment config', 'e.g. { "data": { "preprocess": { "resize": [7, 7] } } }');
  const methods = v.methods;
  if (!isObject(methods) || Object.keys(methods).length === 0) fail('methods', 'must name at least one method', `use keys among ${COMPARE_METHODS.join(', ')}`);
  for (const [k, m] of Object.entries(methods as Record<string, unknown>)) {
    if (!(COMPARE_METHODS as readonly string[]).includes(k)) fail(`methods.${k}`, 'is not a method', `use ${COMPARE_METHODS.join(', ')}`);
    if (!isObject(m)) fail(`methods.${k}`, 'must be an object: a partial experiment config for this method', 'use {} for the defaults');
    const model = (m as Record<string, unknown>).model;
    const type = isObject(model) ? model.type : undefined;
    if (isLearned(k as CompareMethod) && type !== undefined && type !== MODEL_TYPE[k as LearnedMethod])
      fail(`methods.${k}.model.type`, `is ${JSON.stringify(type)}, but method ${k} is ${MODEL_TYPE[k as LearnedMethod]}`, 'remove model.type: the method sets it');
  }
  return { name: name as string, seeds: seeds as number[], datasets, metaTrain, pool, evaluation: { episode_length: episodeLength as number, count: count as number }, config: config as Record<string, unknown>, methods: methods as CompareSuite['methods'] };
}

/** The datasets a meta-training set names: `all`, `all-but-<name>`, or one dataset. */
export function metaTrainDatasets(suite: CompareSuite, set: string): string[] {
  if (set === 'all') return [...suite.pool];
  if (set.startsWith('all-but-')) return suite.pool.filter((d) => d !== set.slice(8));
  return [set];
}

/** One unit of work: a learned method on one meta-training set and seed, or SGD/Adam of one seed. */
export interface CompareCell {
  readonly kind: 'learned' | 'fixed';
  /** The learned method; for fixed cells, the fixed methods the suite asks for. */
  readonly methods: readonly CompareMethod[];
  /** The meta-training set, `-` for SGD/Adam. */
  readonly metaTrain: string;
  readonly seed: number;
  /** A file-name-safe identity, stable across runs (the resume key). */
  readonly id: string;
}

const slug = (s: string): string => {
  const safe = s.replace(/[^A-Za-z0-9_-]+/g, '_');
  return safe === s ? s : `${safe}-${createHash('sha1').update(s).digest('hex').slice(0, 6)}`;
};

/** The grid in the order it runs: per seed, every learned method and set, then SGD/Adam. */
export function suiteCells(suite: CompareSuite): CompareCell[] {
  const cells: CompareCell[] = [];
  const names = COMPARE_METHODS.filter((m) => suite.methods[m] !== undefined);
  const fixed = names.filter((m) => !isLearned(m));
  for (const seed of suite.seeds) {
    for (const m of names.filter(isLearned))
      for (const set of suite.metaTrain) cells.push({ kind: 'learned', methods: [m], metaTrain: set, seed, id: `${m}__${slug(set)}__s${seed}` });
    if (fixed.length > 0) cells.push({ kind: 'fixed', methods: fixed, metaTrain: '-', seed, id: `${fixed.join('-')}__s${seed}` });
  }
  return cells;
}

/** Objects merged key by key, `over` winning; arrays and values replaced. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? mergeConfig(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/**
 * The experiment config of a cell, before validation: the suite's config, the method's, then what
 * the grid fixes (name, seed, meta-training data, model.type, the evaluation seed and sizes).
 * SGD/Adam cells keep the first meta-training set as training data: their learning rates are
 * tuned on it when it has the evaluated dataset's sizes.
 */
export function cellConfig(suite: CompareSuite, cell: CompareCell): Record<string, unknown> {
  const method = cell.methods[0];
  const merged = mergeConfig(suite.config, suite.methods[method] ?? {});
  const training = metaTrainDatasets(suite, cell.kind === 'fixed' ? suite.metaTrain[0] : cell.metaTrain);
  return mergeConfig(merged, {
    name: `${suite.name}-${cell.id}`,
    seed: cell.seed,
    training: { dataset: training.length === 1 ? training[0] : training },
    evaluation: { seed: cell.seed, episode_length: suite.evaluation.episode_length, count: suite.evaluation.count, lengths: null },
    ...(cell.kind === 'learned' ? { model: { type: MODEL_TYPE[method as LearnedMethod] } } : {}),
  });
}
