import { ExperimentConfig, TrainingTask } from './types';

/** The run's config with one `training.tasks` entry's data overrides (its dataset aside: the caller picks it). */
export function taskConfig(cfg: ExperimentConfig, task: TrainingTask): ExperimentConfig {
  const p = cfg.data.preprocess;
  return {
    ...cfg,
    data: {
      ...cfg.data,
      filter_classes: task.filter_classes !== undefined ? task.filter_classes : cfg.data.filter_classes,
      preprocess: {
        ...p,
        resize: task.resize !== undefined ? task.resize : p.resize,
        rand_proj: task.rand_proj ?? p.rand_proj,
        shuffle: task.shuffle ?? p.shuffle,
      },
    },
  };
}
