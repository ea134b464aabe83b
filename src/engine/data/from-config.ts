import { ExperimentConfig, trainingDatasets } from '../config/types';
import { taskConfig } from '../config/task-config';
import { isUserDatasetName } from '../config/dataset-facts';
import { DatasetOptions, EpisodeDataset, mixDatasets, openDataset } from './episodes';
import { DATASET_STATS, DatasetStats, PreprocessOptions } from './preprocess';
import { DataLocation, resolveDataset } from './registry';

/**
 * Maps the experiment config's `data`, `random_dataset` and `sum_dataset` sections (the
 * reference's names) onto the dataset options. The preprocessing seed is the experiment seed, so
 * meta-training and evaluation see the same fixed permutation/projection, as in the reference
 * (one DataLoader per run).
 */
export function datasetOptionsFromConfig(cfg: ExperimentConfig, numOutputs: number): DatasetOptions {
  const p = cfg.data.preprocess;
  const preprocess: PreprocessOptions = {
    normalizationMode: p.normalization_mode,
    resize: p.resize,
    pad: p.pad.input,
    randProj: p.rand_proj,
    shuffle: p.shuffle,
    seed: cfg.seed,
    randProjPool: p.rand_proj_pool,
    randProjShare: p.rand_proj_share,
  };
  return {
    ...(cfg.data.dir ? { dataDir: cfg.data.dir } : {}),
    preprocess,
    filterClasses: cfg.data.filter_classes,
    datasetStats: p.dataset_stats,
    randomDataset: { size: cfg.random_dataset.size, targetCount: cfg.random_dataset.target_count, imgSize: cfg.random_dataset.img_size, table: cfg.random_dataset.table },
    sumDataset: { inputSize: cfg.sum_dataset.input_size },
    numOutputs,
  };
}

/**
 * The meta-training data: `training.dataset` (one name or a mixture, with
 * `training.dataset_weights`), or with `training.tasks` a mixture of tasks, each the run's data
 * settings with its overrides and its own input size and classes.
 */
export function openTrainingDataset(cfg: ExperimentConfig, numOutputs: number): EpisodeDataset {
  if (cfg.training.tasks) {
    const parts = cfg.training.tasks.map((task) => openTaskDataset(taskConfig(cfg, task), task.dataset, numOutputs));
    return parts.length === 1 ? parts[0] : mixDatasets(parts, cfg.training.tasks.map((t) => t.weight ?? 1));
  }
  return openTaskDataset(cfg, undefined, numOutputs);
}

function openTaskDataset(cfg: ExperimentConfig, dataset: string | undefined, numOutputs: number): EpisodeDataset {
  const opts = datasetOptionsFromConfig(cfg, numOutputs);
  const parts = (dataset ? [dataset] : trainingDatasets(cfg)).map((name) => openDataset(name, opts));
  return parts.length === 1 ? parts[0] : mixDatasets(parts, cfg.training.dataset_weights ?? undefined);
}

/**
 * The mean/std of the meta-training data (the first dataset of a mixture): a config entry in
 * dataset_stats, else the built-in table, else (the user's own data) its own statistics.
 */
export function trainingStats(cfg: ExperimentConfig): DatasetStats {
  const name = trainingDatasets(cfg)[0];
  return cfg.data.preprocess.dataset_stats[name] ?? DATASET_STATS[name] ?? resolveDataset(name, cfg.data.dir ? { dataDir: cfg.data.dir } : {}).stats;
}

/**
 * One dataset by name (an `evaluation.datasets` entry or `vsml eval --dataset`). The user's own
 * data (idx:, images:, csv: of pixels) without a dataset_stats entry is standardized with the
 * meta-training data's statistics unless `data.preprocess.idx_stats` is 'own'; a csv: file whose
 * values are not pixels always keeps its own.
 */
export function openConfiguredDataset(cfg: ExperimentConfig, name: string, numOutputs: number): EpisodeDataset {
  const opts = datasetOptionsFromConfig(cfg, numOutputs);
  const p = cfg.data.preprocess;
  if (isUserDatasetName(name) && !p.dataset_stats[name] && p.idx_stats === 'training' && !trainingDatasets(cfg).includes(name)
    && !isNotPixels(name, opts)) {
    return openDataset(name, { ...opts, datasetStats: { ...opts.datasetStats, [name]: trainingStats(cfg) } });
  }
  return openDataset(name, opts);
}

function isNotPixels(name: string, loc: DataLocation): boolean {
  const src = resolveDataset(name, loc);
  return src.kind === 'images' && !!src.notPixels;
}
