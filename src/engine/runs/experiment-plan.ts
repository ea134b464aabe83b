import { ModelConfig } from '../learners/learner-config';
import { InitOptions } from '../model/init';
import { EpisodeSampler } from '../meta/episode-sampler';
import { MetaOptimizerSpec } from '../meta/meta-optimizer';
import { EvalEpisode, EvalSpec } from '../eval/evaluate';
import type { DatasetFingerprint, EvalMethodResult } from '../../protocol/run-records';

/** A dataset as evaluation sees it: held-out episodes plus what the baselines need. */
export interface EvalDataset {
  /** Name as written in the config (`mnist`, `idx:/data/x`). */
  key: string;
  /** Draws held-out (meta-test split) episodes. */
  sample: EpisodeSampler;
  numClasses: number;
  /**
   * The network evaluation builds for this dataset: V_M is shared by every cell, so one learned
   * LA runs on any layer sizes; input and output sizes follow the dataset.
   */
  model?: ModelConfig;
}

/** Online SGD/Adam on the same episodes; computed once per dataset and cached by the loop. Aborting `signal` throws StopRequested. */
export type BaselineEvaluator = (dataset: EvalDataset, episodes: readonly EvalEpisode[], signal?: AbortSignal) => Promise<Partial<Record<'sgd' | 'adam', EvalMethodResult>>>;

/**
 * Everything the training loop needs, resolved from an experiment config: the model, the
 * meta-optimizer, the data and the schedule. Built by plan-experiment.ts; tests build small ones directly.
 */
export interface ExperimentPlan {
  name: string;
  seed: number;
  /** The .vsml.json it came from. */
  source: string;
  /** The resolved config, stored as config.json and inside checkpoints. */
  resolvedConfig: unknown;
  model: ModelConfig;
  /** How θ is initialized (the meta-init; also the untrained LA of the evaluations). */
  init?: InitOptions;
  /** `optimizer.init_from` resolved against the config's folder: start from this V_M (initial-theta.ts). */
  initFrom?: string;
  iterations: number;
  /** The meta-optimizer and its settings (`optimizer` in the config). */
  optimizer: MetaOptimizerSpec;
  /** Meta-training episodes (meta-train split; a mixture when several datasets are named). */
  train: EpisodeSampler;
  /** `split` names the data the evaluation episodes come from (`evaluation.subset`; default 'test'). */
  /** `lengths`: evaluate at each of these episode lengths (spec.length is the first); absent = spec.length only. */
  evaluation: { frequency: number; spec: EvalSpec; datasets: EvalDataset[]; split?: 'test' | 'train'; lengths?: number[] };
  baselines?: BaselineEvaluator;
  checkpointFrequency: number;
  /** Seconds between status/progress writes (the metrics file gets every step). */
  statusInterval?: number;
  /** Found while loading the config (e.g. an evaluation dataset left out); logged when the run starts. */
  warnings?: readonly string[];
  /** Checksums of the data the run uses (training split of the training data, evaluation split of the rest), for its provenance. */
  datasetFingerprints?: () => Record<string, DatasetFingerprint>;
  /** How the runner was chosen (engine.path auto's measurement, a build that did not load); written to trainer.log when the run starts. */
  runnerNotes?: readonly { level: 'info' | 'warn'; message: string }[];
}
