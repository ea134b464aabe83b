import { dirname, resolve } from 'node:path';
import { ModelConfig, isVsml } from '../learners/learner-config';
import { VsmlModelConfig } from '../model/config';
import { fitFixedSize } from '../learners/fixed-size';
import { toLearnerConfig } from '../config/to-learner-config';
import { ExperimentConfig } from '../config/types';
import { toModelConfig } from '../config/to-model-config';
import { openConfiguredDataset, openTrainingDataset } from '../data/from-config';
import { datasetFingerprints } from '../data/dataset-checksum';
import { trainingDatasets } from '../config/types';
import type { DatasetFingerprint } from '../../protocol/run-records';
import { EpisodeDataset, episodeSampler } from '../data/episodes';
import { makeBaselineEvaluator } from '../baselines/evaluate-baselines';
import { MetaOptimizerSpec } from '../meta/meta-optimizer';
import { ExperimentPlan, EvalDataset, BaselineEvaluator } from './experiment-plan';

/** Outputs of the network: pad.output when set, else the training data's number of classes. */
export function numOutputsFor(cfg: ExperimentConfig): number {
  const pad = cfg.data.preprocess.pad.output;
  if (pad) return pad[0];
  return openTrainingDataset(cfg, Number.MAX_SAFE_INTEGER).numClasses;
}

/**
 * The network for one evaluation dataset: the trained architecture's hidden sizes with the
 * dataset's own input size and class count (pad.output when set). The learned LA is V_M, shared
 * by every cell, so it runs unchanged on any layer sizes; so do the untrained LA and baselines.
 * A fixed-size learner (`trained` a MetaRNN, HebbianFW or FWMemory) keeps its sizes instead,
 * when the dataset fits them (learners/fixed-size.ts).
 */
export function evalModelFor(cfg: ExperimentConfig, ds: EpisodeDataset, trained?: ModelConfig, name = ds.name): ModelConfig {
  if (trained && !isVsml(trained)) return fitFixedSize(trained, ds, name, cfg.evaluation.batch_size);
  return vsmlEvalModel(cfg, ds);
}

/** evalModelFor's VSML network (learning-algorithm cloning uses it directly). */
export function vsmlEvalModel(cfg: ExperimentConfig, ds: EpisodeDataset): VsmlModelConfig {
  const outputs = cfg.data.preprocess.pad.output?.[0] ?? ds.numClasses;
  const specs = cfg.model.vsml_rnn.layer_specs;
  const sized: ExperimentConfig = { ...cfg, model: { ...cfg.model, vsml_rnn: { ...cfg.model.vsml_rnn, layer_specs: specs.map((s, i) => (i === specs.length - 1 ? { type: s.type } : s)) } } };
  return toModelConfig(sized, outputs, ds.inputSize, { batchSize: cfg.evaluation.batch_size });
}

/**
 * The SGD/Adam comparators: learning rates (and linear vs MLP) tuned on meta-TRAINING episodes
 * of the training dataset, the same data the learned LA was meta-trained on, then run on the
 * held-out evaluation episodes.
 */
export function baselinesFor(cfg: ExperimentConfig, train: EpisodeDataset, numClasses: number): BaselineEvaluator | undefined {
  if (!cfg.baselines.enabled) return undefined;
  const evaluate = makeBaselineEvaluator({
    trainSample: episodeSampler(train, 'train'),
    inputSize: train.inputSize,
    numClasses,
    batchSize: cfg.evaluation.batch_size,
    hiddenSize: cfg.baselines.hidden_size,
    tanhBound: cfg.model.vsml_rnn.tanh_bound,
    tuneEpisodes: cfg.baselines.tune_episodes,
    seed: cfg.evaluation.seed,
  });
  return async (_ds, episodes, signal) => evaluate(episodes.map((e) => e.episode), signal);
}

/**
 * Where the baselines' learning rates are tuned for an evaluation dataset: the meta-training
 * data when it has the same input size and classes, else the dataset's own training split.
 */
export function baselineTuningData(train: EpisodeDataset | undefined, ds: EpisodeDataset): EpisodeDataset {
  return train && !train.mixedShapes && train.inputSize === ds.inputSize && train.numClasses === ds.numClasses ? train : ds;
}

/**
 * What meta-training steps need of a config: the network, the training data and the meta-optimizer.
 * A cluster worker (cluster/es-worker.ts) builds only this, so it draws the same episodes as the coordinator.
 */
export function planTraining(cfg: ExperimentConfig): { numOutputs: number; train: EpisodeDataset; model: ModelConfig; optimizer: MetaOptimizerSpec } {
  const numOutputs = numOutputsFor(cfg);
  const train = openTrainingDataset(cfg, numOutputs);
  return { numOutputs, train, model: toLearnerConfig(cfg, numOutputs, train.inputSize), optimizer: optimizerSpec(cfg) };
}

/** Resolves a validated experiment config into what the training loop runs. */
export function planExperiment(cfg: ExperimentConfig, source: string): ExperimentPlan {
  const { numOutputs, train, model, optimizer } = planTraining(cfg);
  const split = cfg.evaluation.subset;
  const opened = cfg.evaluation.datasets.map((name) => openConfiguredDataset(cfg, name, numOutputs));
  const datasets: EvalDataset[] = opened.map((ds, i) => ({ key: cfg.evaluation.datasets[i], sample: episodeSampler(ds, split), numClasses: ds.numClasses, model: evalModelFor(cfg, ds, model, cfg.evaluation.datasets[i]) }));
  const baselineByKey = new Map<string, BaselineEvaluator | undefined>();
  opened.forEach((ds, i) => baselineByKey.set(cfg.evaluation.datasets[i], baselinesFor(cfg, baselineTuningData(train, ds), ds.numClasses)));
  const baselines: BaselineEvaluator | undefined = cfg.baselines.enabled ? async (ds, episodes, signal) => (await baselineByKey.get(ds.key)?.(ds, episodes, signal)) ?? {} : undefined;
  return {
    name: cfg.name,
    seed: cfg.seed,
    source,
    resolvedConfig: { ...cfg, source },
    model,
    init: { inputGateBias: cfg.model.sub_rnn.init_input_gate_bias },
    initFrom: cfg.optimizer.init_from ? resolve(dirname(source), cfg.optimizer.init_from) : undefined,
    iterations: cfg.training.iterations,
    optimizer,
    train: episodeSampler(train, 'train', cfg.data.preprocess.pad.output?.[0]),
    evaluation: {
      frequency: cfg.evaluation.frequency,
      spec: { length: cfg.evaluation.lengths?.[0] ?? cfg.evaluation.episode_length, episodes: cfg.evaluation.count, seed: cfg.evaluation.seed },
      lengths: cfg.evaluation.lengths ?? undefined,
      datasets,
      split,
    },
    baselines,
    checkpointFrequency: cfg.checkpoint.frequency,
    datasetFingerprints: () => configDatasetFingerprints(cfg),
  };
}

/** Checksums of the data a config uses: the training split of its training data, `evaluation.subset` of its evaluation datasets. */
export function configDatasetFingerprints(cfg: ExperimentConfig): Record<string, DatasetFingerprint> {
  return datasetFingerprints([
    ...trainingDatasets(cfg).map((name) => ({ name, split: 'train' as const })),
    ...cfg.evaluation.datasets.map((name) => ({ name, split: cfg.evaluation.subset ?? 'test' })),
  ], cfg.data.dir ? { dataDir: cfg.data.dir } : {});
}

/** The `optimizer` section as the meta-optimizer's settings (one case per `optimizer.type`). */
export function optimizerSpec(cfg: ExperimentConfig): MetaOptimizerSpec {
  const o = cfg.optimizer;
  const adam = { lr: o.lr, b1: o.kwargs.b1, b2: o.kwargs.b2, eps: 1e-8, clipGradNorm: o.clip_gradnorm };
  const episodeLength = cfg.training.episode_length;
  const lossType = cfg.training.loss_type;
  if (o.type === 'backprop')
    return { type: 'backprop', backprop: { metaBatchSize: o.meta_batch_size, episodeLength, episodeLengths: cfg.training.episode_lengths ?? undefined, lossType, truncation: o.truncation, weightDecay: o.weight_decay, adam, backend: cfg.engine.backend, gradient: cfg.engine.gradient, threads: cfg.engine.threads } };
  return {
    type: 'es',
    es: {
      pairs: cfg.training.population_size, sigma: o.noise_std, episodeLength, episodeLengths: cfg.training.episode_lengths ?? undefined,
      lossType, centeredRanks: o.centered_ranks, weightDecay: o.weight_decay, adam,
    },
    ...(o.truncation > 0 ? { truncation: { length: o.truncation, estimator: o.estimator } } : {}),
  };
}
