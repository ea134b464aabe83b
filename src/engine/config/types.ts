/**
 * The experiment config after validation with defaults filled: every field present.
 * It mirrors schemas/experiment.schema.json (the source of truth for names, defaults and
 * descriptions); test/engine/config/schema.test.ts checks that the two list the same keys.
 */
export interface ExperimentConfig {
  $schema?: string;
  name: string;
  seed: number;
  training: {
    iterations: number;
    /** One dataset, or a mixture. */
    dataset: string | string[];
    /** Mixture weights, one per dataset; null = uniform. */
    dataset_weights: number[] | null;
    batch_size: number;
    episode_length: number;
    /** A task distribution (ours): each ES pair draws one task; null = training.dataset. */
    tasks: TrainingTask[] | null;
    /** Each meta-step draws its T from this list; null = episode_length. */
    episode_lengths: number[] | null;
    /** Antithetic pairs: a meta-step runs 2 * population_size episodes. */
    population_size: number;
    loss_type: 'mean' | 'last';
  };
  evaluation: {
    datasets: string[];
    batch_size: number;
    episode_length: number;
    /** Evaluate at each of these lengths instead of episode_length (ours); null = episode_length only. */
    lengths: number[] | null;
    frequency: number;
    seed: number;
    subset: 'test' | 'train';
    count: number;
  };
  data: {
    /** Dataset folder searched first; null = default cache. */
    dir: string | null;
    filter_classes: number[] | null;
    preprocess: {
      normalization_mode: 'dataset_standard' | 'standard' | 'identity';
      /** Ours: mean/std for idx:<folder> datasets without a dataset_stats entry. */
      idx_stats: 'training' | 'own';
      dataset_stats: Record<string, { mean: number; std: number }>;
      pad: { input: number[] | null; output: number[] | null };
      resize: [number, number] | null;
      rand_proj: boolean;
      /** Ours: 0 = one fixed projection; K >= 1 = each episode draws one of K seeded projections. */
      rand_proj_pool: number;
      /** Ours: with a pool, the share of episodes projected. */
      rand_proj_share: number;
      shuffle: boolean;
    };
  };
  optimizer: {
    type: 'es' | 'backprop';
    noise_std: number;
    lr: number;
    kwargs: { b1: number; b2: number };
    clip_gradnorm: number;
    centered_ranks: boolean;
    weight_decay: number;
    /** Start from this V_M: a run folder, checkpoint, or clone config (src/engine/runs/initial-theta.ts); null = meta-init. */
    init_from: string | null;
    /**
     * Inner steps per slice; 0 = whole episodes. ES: truncated / persistent ES advances every pair by
     * this many steps per meta-step (ours). backprop: steps per backpropagated slice (truncated BPTT).
     */
    truncation: number;
    /** ES with truncation > 0: persistent (unbiased) or truncated ES. */
    estimator: 'pes' | 'truncated';
    /** backprop: episodes per update. */
    meta_batch_size: number;
  };
  model: {
    /** The meta-learner (src/engine/learners/): VSML, or one of the reference's baselines. */
    type: 'VSMLRNN' | 'MetaRNN' | 'HebbianFW' | 'FWMemory';
    meta_rnn: { slow_size: number; num_micro_ticks: number; tanh_bound: number };
    hebbian_fw: { use_oja: boolean; tanh_bound: number };
    fw_memory: { slow_size: number; memory_size: number; tanh_bound: number };
    sub_rnn: {
      msg_size: number;
      slow_size: number;
      init_rand_proportion: number;
      /** Meta-init of the input-gate bias (ours; reference: 0). */
      init_input_gate_bias: number;
      layer_norm: boolean;
    };
    vsml_rnn: {
      layer_specs: LayerSpec[];
      num_micro_ticks: number;
      tanh_bound: number;
      output_idx: number;
      backward_pass: boolean;
      separate_backward_rnn: boolean;
      feed_label: boolean;
      layerwise_rnns: boolean;
    };
  };
  checkpoint: { frequency: number };
  summary: { frequency: number };
  random_dataset: { size: number; target_count: number; img_size: number[]; table: 'per_episode' | 'fixed' };
  sum_dataset: { input_size: number[] };
  engine: {
    path: 'auto' | 'fused' | 'tfjs' | 'reference';
    backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
    /** 0 = all cores. */
    threads: number;
    /** Redis URL of a cluster queue (src/engine/cluster/); null = this machine only. */
    cluster: string | null;
    /** Where backprop meta-training differentiates: the kernel reverse pass or tfjs autodiff. */
    gradient: 'auto' | 'native' | 'tfjs';
  };
  baselines: { enabled: boolean; hidden_size: number; tune_episodes: number };
  /** `vsml clone`: learning-algorithm cloning (src/engine/clone/). */
  clone: {
    teacher: 'shallow' | 'deep';
    activation: 'tanh';
    teacher_lr: number;
    gain: number;
    init: 'construct' | 'meta_init';
    weight_channel: number;
    steps: number;
    lr: number;
    cells: number;
    unroll: number;
    stream_length: number;
    weight_loss: number;
    clip_gradnorm: number;
  };
}

/** One meta-training task: the run's data settings with these overrides (absent = the run's). */
export interface TrainingTask {
  dataset?: string;
  filter_classes?: number[] | null;
  resize?: [number, number] | null;
  rand_proj?: boolean;
  shuffle?: boolean;
  weight?: number;
}

export interface LayerSpec {
  type: 'dense';
  /** Absent on the last layer: its size is the number of classes. */
  out_size?: number;
}

/** The training datasets as a list (a single name is a mixture of one). */
export function trainingDatasets(cfg: ExperimentConfig): string[] {
  return typeof cfg.training.dataset === 'string' ? [cfg.training.dataset] : [...cfg.training.dataset];
}
