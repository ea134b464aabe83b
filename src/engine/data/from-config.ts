import { ExperimentConfig, trainingDatasets } from '../config/types';
import { DatasetOptions, EpisodeDataset, mixDatasets, openDataset } from './episodes';
import { PreprocessOptions } from './preprocess';

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
  };
  return {
    ...(cfg.data.dir ? { dataDir: cfg.data.dir } : {}),
    preprocess,
    filterClasses: cfg.data.filter_classes,
    datasetStats: p.dataset_stats,
    randomDataset: { size: cfg.random_dataset.size, targetCount: cfg.random_dataset.target_count, imgSize: cfg.random_dataset.img_size },
    sumDataset: { inputSize: cfg.sum_dataset.input_size },
    numOutputs,
  };
}

/** `training.dataset` (one name or a mixture, with `training.dataset_weights`). */
export function openTrainingDataset(cfg: ExperimentConfig, numOutputs: number): EpisodeDataset {
  const opts = datasetOptionsFromConfig(cfg, numOutputs);
  const parts = trainingDatasets(cfg).map((name) => openDataset(name, opts));
  return parts.length === 1 ? parts[0] : mixDatasets(parts, cfg.training.dataset_weights ?? undefined);
}

/** One dataset by name (an `evaluation.datasets` entry or `vsml eval --dataset`). */
export function openConfiguredDataset(cfg: ExperimentConfig, name: string, numOutputs: number): EpisodeDataset {
  return openDataset(name, datasetOptionsFromConfig(cfg, numOutputs));
}
