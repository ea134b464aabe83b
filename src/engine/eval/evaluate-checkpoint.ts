import { existsSync, statSync } from 'node:fs';
import { readRegularFile } from '../runs/atomic-file';
import { dirname, join } from 'node:path';
import { EngineError } from '../errors';
import { ExperimentConfig } from '../config/types';
import { validateRunConfig } from '../config/load-config';
import { ModelConfig, learnerNumClasses } from '../learners/learner-config';
import { learnerLayout } from '../learners/learner-layout';
import { RolloutRunner } from '../model/rollout-runner';
import { openConfiguredDataset, openTrainingDataset } from '../data/from-config';
import { EpisodeDataset, episodeSampler } from '../data/episodes';
import { Checkpoint, readCheckpoint } from '../runs/checkpoint';
import { RunFolder } from '../runs/run-folder';
import type { EvalRow } from '../../protocol/run-records';
import { baselineTuningData, baselinesFor, evalModelFor } from '../runs/plan-experiment';
import { EvalEpisode, EvalSpec, evalEpisodes, evaluateVsml, methodResult, untrainedTheta } from './evaluate';
import { OnlineSummary } from './online-metrics';

/** A checkpoint with the experiment config it was trained under. */
export interface TrainedLa {
  checkpoint: Checkpoint;
  config: ExperimentConfig;
  model: ModelConfig;
  /** Where it was read from. */
  file: string;
}

/**
 * Opens a run folder (its latest checkpoint) or a checkpoint file. The config comes from the
 * checkpoint itself (portable) or, for older checkpoints, from the run folder's config.json.
 */
export function openTrainedLa(target: string): TrainedLa {
  if (!existsSync(target)) throw new EngineError('', 'does not exist', 'pass a run folder (.vsml/runs/<id>) or a checkpoint file', target);
  let ckpt: Checkpoint | undefined;
  let file = target;
  if (statSync(target).isDirectory()) {
    ckpt = RunFolder.open(target).latestCheckpoint();
    file = join(target, 'checkpoints', 'latest.json');
    if (!ckpt) throw new EngineError('', 'has no readable checkpoint yet', 'wait for the first checkpoint (checkpoint.frequency) or pass another run', target);
  } else {
    ckpt = readCheckpoint(target);
  }
  let rawConfig = ckpt.config;
  if (rawConfig === undefined) {
    const runConfig = join(dirname(dirname(file)), 'config.json');
    const text = readRegularFile(runConfig);
    if (!text) throw new EngineError('config', 'the checkpoint holds no config and no run folder is beside it', 'evaluate the run folder instead', file);
    rawConfig = JSON.parse(text.toString('utf8'));
  }
  const res = validateRunConfig(rawConfig, file);
  if (!res.ok) throw new EngineError(res.issues[0].path, res.issues[0].message, res.issues[0].fix, file);
  if (!ckpt.modelConfig) throw new EngineError('modelConfig', 'is missing (checkpoint from an older version)', 'evaluate with the version that wrote it', file);
  return { checkpoint: ckpt, config: res.config, model: ckpt.modelConfig, file };
}

export interface CheckpointEvalOptions {
  datasets: string[];
  length: number;
  episodes: number;
  seed?: number;
  baselines: boolean;
  /** Also evaluate the untrained LA (a fresh meta-init); default true. */
  untrained?: boolean;
  dataDir?: string;
}

/** The learned LA on one dataset under `config` (the run's own, or with evaluation overrides). */
export interface LearnedOnDataset {
  readonly dataset: EpisodeDataset;
  /** The network for this dataset's input size and classes. */
  readonly model: ModelConfig;
  readonly episodes: EvalEpisode[];
  readonly learned: OnlineSummary;
}

/**
 * Runs the learned LA on the K evaluation episodes of one dataset: the same episodes (seed, dataset
 * name) every evaluation of this dataset draws, on the dataset's own input and output sizes.
 */
export async function evaluateLearnedOn(la: TrainedLa, runner: RolloutRunner, config: ExperimentConfig, name: string, spec: EvalSpec): Promise<LearnedOnDataset> {
  const dataset = openConfiguredDataset(config, name, Number.MAX_SAFE_INTEGER);
  // V_M is shared by every cell, so the learned LA runs on this dataset's own input and output sizes.
  const model = evalModelFor(config, dataset, la.model, name);
  if (learnerLayout(model).size !== la.checkpoint.theta.length)
    throw new EngineError('model', 'the checkpoint does not fit the config it carries', 'evaluate with the run\'s own checkpoint', la.file);
  const episodes = evalEpisodes(model, episodeSampler(dataset, config.evaluation.subset), spec, name);
  return { dataset, model, episodes, learned: await evaluateVsml(runner, model, la.checkpoint.theta, episodes) };
}

/** Evaluates a trained LA (and the untrained LA and the baselines) on the given datasets. */
export async function evaluateTrainedLa(la: TrainedLa, runner: RolloutRunner, opts: CheckpointEvalOptions): Promise<EvalRow[]> {
  const seed = opts.seed ?? la.config.evaluation.seed;
  const spec = { length: opts.length, episodes: opts.episodes, seed };
  const config: ExperimentConfig = structuredClone(la.config);
  if (opts.dataDir) config.data.dir = opts.dataDir;
  // The untrained LA: a fresh meta-init (it does not depend on layer sizes, only on N, M and the param sets).
  const untrained = untrainedTheta(la.model, seed, { inputGateBias: config.model.sub_rnn.init_input_gate_bias });
  const rows: EvalRow[] = [];
  for (const name of opts.datasets) {
    const { dataset: ds, model, episodes, learned } = await evaluateLearnedOn(la, runner, config, name, spec);
    const methods: EvalRow['methods'] = {
      learned: methodResult(learned),
    };
    if (opts.untrained ?? true) Object.assign(methods, { untrained: methodResult(await evaluateVsml(runner, model, untrained, episodes)) });
    if (opts.baselines) Object.assign(methods, await evaluateSgdAdam(config, ds, name, learnerNumClasses(model), episodes));
    rows.push({ step: la.checkpoint.step, time: 0, dataset: name, split: config.evaluation.subset, length: opts.length, episodes: opts.episodes, methods });
  }
  return rows;
}

/**
 * Online SGD and Adam (learning rates tuned on the meta-training data when it has the dataset's
 * sizes, else on the dataset's own training split) on the given evaluation episodes.
 */
export async function evaluateSgdAdam(config: ExperimentConfig, ds: EpisodeDataset, name: string, numOutputs: number, episodes: readonly EvalEpisode[]): Promise<EvalRow['methods']> {
  let train: EpisodeDataset | undefined;
  try {
    train = openTrainingDataset(config, Number.MAX_SAFE_INTEGER);
  } catch {
    train = undefined; // meta-training data not on this machine: tune on the evaluated dataset's training split
  }
  const evaluate = baselinesFor({ ...config, baselines: { ...config.baselines, enabled: true } }, baselineTuningData(train, ds), numOutputs)!;
  return evaluate({ key: name, sample: episodeSampler(ds, config.evaluation.subset), numClasses: ds.numClasses }, episodes);
}
