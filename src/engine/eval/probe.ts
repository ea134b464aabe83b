import { EngineError } from '../errors';
import { DatasetCatalog } from '../config/dataset-facts';
import { formatIssue } from '../config/issues';
import { ExperimentConfig } from '../config/types';
import { openConfiguredDataset } from '../data/from-config';
import { resolveDataset } from '../data/registry';
import { RolloutRunner } from '../model/rollout-runner';
import { applyEvalOverrides } from './eval-overrides';
import { EvalSpec } from './evaluate';
import { TrainedLa, evaluateLearnedOn } from './evaluate-checkpoint';

/**
 * `vsml probe` (the paper's section 4.3, invariances): the learned LA on one dataset unmodified
 * and under changes it was (usually) not meta-trained on: fewer classes, other input sizes, a
 * random projection of the inputs and a fixed pixel permutation. Every probe is an evaluation
 * override (eval-overrides.ts) of the run's config, evaluated on the run's evaluation stream
 * (same length, count and seed as `vsml eval`).
 */

export const PROBE_NAMES = ['baseline', 'classes3', 'classes5', 'size14', 'size21', 'size32', 'size48', 'randomProjection', 'shuffled'] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

/** One probe's outcome; accuracy null when the probe does not apply to the dataset (`skipped` says why). */
export interface ProbeResult {
  readonly name: ProbeName;
  /** The `--set` overrides that make the probe. */
  readonly sets: readonly string[];
  readonly meanAccuracy: number | null;
  readonly finalAccuracy: number | null;
  /** Classes the network sees (chance = 1 / classes) and its input size A_0. */
  readonly classes: number | null;
  readonly inputSize: number | null;
  readonly skipped?: string;
}

export interface ProbeReport {
  readonly dataset: string;
  readonly length: number;
  readonly episodes: number;
  readonly seed: number;
  readonly probes: readonly ProbeResult[];
}

export interface ProbeOptions {
  readonly dataset: string;
  /** Defaults: the run's evaluation.episode_length and evaluation.count. */
  readonly length?: number;
  readonly episodes?: number;
  readonly catalog?: DatasetCatalog;
  /** Called before each probe runs (progress). */
  readonly onProbe?: (name: ProbeName) => void;
}

/**
 * The seed of the probes' permutation and projection: one away from the run's, so a run
 * meta-trained with a fixed `shuffle` or `rand_proj` meets a new one, as the probe intends.
 */
export const probeSeed = (cfg: ExperimentConfig): number => cfg.seed + 1;

const size = (s: number) => (cfg: ExperimentConfig): string[] => {
  const pad = cfg.data.preprocess.pad.input;
  // pad.input smaller than the probed size would refuse the config; the probe is about the input size, so drop it
  return [`data.preprocess.resize=[${s},${s}]`, ...(pad && (pad[0] < s || pad[1] < s) ? ['data.preprocess.pad.input=null'] : [])];
};
const classes = (k: number) => (): string[] => [`data.filter_classes=${JSON.stringify(Array.from({ length: k }, (_, i) => i))}`];

/** The overrides of each probe, given the run's config. */
export const PROBE_SETS: Readonly<Record<ProbeName, (cfg: ExperimentConfig) => string[]>> = {
  baseline: () => [],
  classes3: classes(3),
  classes5: classes(5),
  size14: size(14),
  size21: size(21),
  size32: size(32),
  size48: size(48),
  randomProjection: (cfg) => ['data.preprocess.rand_proj=true', 'data.preprocess.rand_proj_pool=0', 'data.preprocess.shuffle=false', `seed=${probeSeed(cfg)}`],
  shuffled: (cfg) => ['data.preprocess.shuffle=true', 'data.preprocess.rand_proj=false', `seed=${probeSeed(cfg)}`],
};

/** Why a probe does not apply to this dataset, or undefined. */
function notApplicable(name: ProbeName, cfg: ExperimentConfig, dataset: string, allClasses: number): string | undefined {
  if (name === 'classes3' || name === 'classes5') {
    const k = name === 'classes3' ? 3 : 5;
    return allClasses > k ? undefined : `${dataset} has ${allClasses} classes, not more than ${k}`;
  }
  if (name.startsWith('size')) {
    const src = resolveDataset(dataset, cfg.data.dir ? { dataDir: cfg.data.dir } : {});
    if (src.kind === 'images' && src.flat) return `${dataset} holds flat feature vectors, not images, so it cannot be resized`;
  }
  return undefined;
}

/** Runs every probe of one dataset with the learned LA. */
export async function probeTrainedLa(la: TrainedLa, runner: RolloutRunner, opts: ProbeOptions): Promise<ProbeReport> {
  const spec: EvalSpec = {
    length: opts.length ?? la.config.evaluation.episode_length,
    episodes: opts.episodes ?? la.config.evaluation.count,
    seed: la.config.evaluation.seed,
  };
  const unfiltered: ExperimentConfig = { ...la.config, data: { ...la.config.data, filter_classes: null } };
  const allClasses = openConfiguredDataset(unfiltered, opts.dataset, Number.MAX_SAFE_INTEGER).numClasses;
  const probes: ProbeResult[] = [];
  for (const name of PROBE_NAMES) {
    const sets = PROBE_SETS[name](la.config);
    const skipped = notApplicable(name, la.config, opts.dataset, allClasses);
    if (skipped) {
      probes.push({ name, sets, meanAccuracy: null, finalAccuracy: null, classes: null, inputSize: null, skipped });
      continue;
    }
    const res = applyEvalOverrides(la.config, sets, la.file, { datasets: [opts.dataset], catalog: opts.catalog });
    if (!res.ok) throw new EngineError('', `probe ${name} (${sets.join(' ')}) is not a valid evaluation of this run: ${res.issues.map(formatIssue).join('; ')}`, 'report this: the probes should fit every run', la.file);
    opts.onProbe?.(name);
    const { dataset, learned } = await evaluateLearnedOn(la, runner, res.config, opts.dataset, spec);
    probes.push({ name, sets, meanAccuracy: learned.meanAccuracy, finalAccuracy: learned.finalAccuracy, classes: dataset.numClasses, inputSize: dataset.inputSize });
  }
  return { dataset: opts.dataset, length: spec.length, episodes: spec.episodes, seed: spec.seed, probes };
}

/** The `--json` line: `{"dataset":..,"probes":{"baseline":acc,...}}` with the mean online accuracy (null where a probe does not apply). */
export function probeJsonLine(report: ProbeReport): string {
  const probes: Record<string, number | null> = {};
  for (const p of report.probes) probes[p.name] = p.meanAccuracy;
  return `${JSON.stringify({ dataset: report.dataset, probes })}\n`;
}
