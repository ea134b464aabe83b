/**
 * What a config would allocate, computed from its fields before anything is allocated, so that
 * absurd sizes (an image resize of 100000x100000, slow_size 100000, a population of 1e12) are
 * refused with an error that says what they would need, instead of crashing with "Invalid typed
 * array length" or running for hours. The figures follow the engine's own buffers (es-step.ts,
 * fused-episode.ts, episodes.ts, preprocess.ts, run-experiment.ts); they are estimates of the
 * largest buffers, not an exact account.
 */
import { paramLayout } from '../model/param-layout';
import { paramIndices } from '../model/config';
import { estimateConfigCost, evaluationShape, gradientPath, trainingParts, type CostOptions } from './cost';
import { nativeTapeBytes, tfjsTapeBytes } from './gradient-tape';
import { gradientThreads } from '../model/gradient-threads';
import { learnerLayout } from '../learners/learner-layout';
import { toLearnerConfig } from './to-learner-config';
import { DatasetCatalog, datasetFacts, resizedShape } from './dataset-facts';
import { ConfigIssue, makeIssue, pointerToPath } from './issues';
import { ExperimentConfig, trainingDatasets } from './types';

export interface AllocationLimits {
  /** Elements of one typed array. The fused kernel indexes with 32-bit ints; V8 stops at 2^32. */
  readonly arrayElements: number;
  /** Estimated peak memory of a run, in bytes. */
  readonly memoryBytes: number;
  /** Work of a whole run (meta-training plus evaluations; cell-ticks, or a baseline's multiply-adds; see cost.ts). */
  readonly work: number;
}

/**
 * Far above anything that runs (the paper's full-scale default needs ~10 GB and ~2e14
 * cell-ticks; 1e18 cell-ticks is about 1,600 years at 20 M cell-ticks/s): these refuse what can
 * never finish, not what is merely slow. `vsml check` adds a warning when the estimate exceeds
 * this machine's memory.
 */
export const ALLOCATION_LIMITS: AllocationLimits = {
  arrayElements: 2 ** 31 - 1,
  memoryBytes: 64 * 2 ** 30,
  work: 1e18,
};

/** One buffer (or group of buffers) a run holds at once. */
export interface Allocation {
  /** In words, e.g. "episodes of one meta-step". */
  readonly what: string;
  /** The config field that sizes it most, for the error's location. */
  readonly path: readonly string[];
  /** Bytes of all of them together. */
  readonly bytes: number;
  /** Elements of the largest single typed array among them. */
  readonly largestArray: number;
  /** What to change, when lowering the field at `path` is not it. */
  readonly fix?: string;
}

export interface AllocationEstimate {
  readonly items: readonly Allocation[];
  /** Σ bytes: the estimated peak. */
  readonly peakBytes: number;
  /** cost.ts's workTotal (cell-ticks, or a baseline's multiply-adds), when the shapes are known. */
  readonly work: number | undefined;
  /** The part of work spent in evaluations. */
  readonly evalWork: number | undefined;
  /** Sub-RNN cells x N of the meta-training network, and the field that sizes it most. */
  readonly cellState?: { readonly size: number; readonly path: readonly string[] };
}

/** Upper bounds of the examples an image dataset holds in memory (both splits). `idx:` folders are not counted. */
const DATASET_EXAMPLES: Record<string, number> = { mnist: 70_000, fashion_mnist: 70_000, kmnist: 70_000, emnist: 280_000, emnist_letters: 145_600 };

const F32 = 4;
const F64 = 8;
const I32 = 4;
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** The number of θ's elements for a config (param-layout.ts, or a baseline's learner layout for its run shape), without building a full model. */
function thetaSize(cfg: ExperimentConfig, runShape?: { inputSize: number; numClasses: number }): number {
  if (cfg.model.type !== 'VSMLRNN') {
    if (!runShape) return 0; // unknown shape: the baseline's θ is left out, as the dataset buffers are
    try {
      return learnerLayout(toLearnerConfig(cfg, runShape.numClasses, runShape.inputSize)).size;
    } catch {
      return 0; // sizes the learner refuses: the semantic checks report them
    }
  }
  const vr = cfg.model.vsml_rnn;
  const idx = paramIndices(vr.layer_specs.length, vr.layerwise_rnns, vr.separate_backward_rnn && vr.backward_pass);
  return paramLayout({
    layerSizes: [], slowSize: cfg.model.sub_rnn.slow_size, msgSize: cfg.model.sub_rnn.msg_size, numMicroTicks: 1, tanhBound: 0,
    outputIdx: 0, feedLabel: false, layerNorm: cfg.model.sub_rnn.layer_norm, backwardPass: vr.backward_pass, initRandProportion: 0,
    layerParamIndex: idx.layerParamIndex, backwardLayerParamIndex: idx.backwardLayerParamIndex, batchSize: 1,
  }).size;
}

/** The field that makes a population-sized buffer large: population_size itself once it is unusual. */
const POPULATION_TYPICAL = 4096;

/**
 * The buffers a run of `cfg` allocates. Dataset shapes come from the catalog / built-in table
 * (cost.ts's trainingParts and evaluationShape); a dataset whose shape is unknown (an `idx:` folder without a catalog)
 * leaves its buffers out.
 */
export function estimateAllocation(cfg: ExperimentConfig, catalog?: DatasetCatalog, opts: CostOptions = {}): AllocationEstimate {
  const t = cfg.training;
  const ev = cfg.evaluation;
  const pre = cfg.data.preprocess;
  const N = cfg.model.sub_rnn.slow_size;
  const M = cfg.model.sub_rnn.msg_size;
  const P = t.population_size;
  const specs = cfg.model.vsml_rnn.layer_specs;
  const items: Allocation[] = [];
  const add = (what: string, path: readonly string[], bytes: number, largestArray: number, fix?: string): void => void items.push({ what, path, bytes, largestArray, fix });
  const popOr = (other: readonly string[]): readonly string[] => (P > POPULATION_TYPICAL ? ['training', 'population_size'] : other);

  // The network sizes of the meta-training data (a mixture or training.tasks may have several).
  const parts = trainingParts(cfg, catalog);
  const trainShapes = parts?.map((p) => p.shape) ?? [];
  const known = parts !== undefined;
  const vsml = cfg.model.type === 'VSMLRNN';
  const backprop = cfg.optimizer.type === 'backprop';
  // θ (float64) and Adam's two moments plus the gradient: [D] each.
  const D = thetaSize(cfg, known ? { inputSize: trainShapes[0]!.inputSize, numClasses: Math.max(...trainShapes.map((s) => s!.numClasses)) } : undefined);
  const thetaPath = !vsml ? ['model', 'type'] : N >= M ? ['model', 'sub_rnn', 'slow_size'] : ['model', 'sub_rnn', 'msg_size'];
  add('θ, its gradient and the Adam moments (4 x float64 [D])', thetaPath, 4 * D * F64, D);
  // es-step.ts: per pair the noise ε and θ±σε (float64), and the kernel's float32 copies of θ±σε. Backprop has none.
  if (!backprop) add(`ES noise and perturbed θ for ${P} pairs (float64 [3, D] and float32 [2, D] per pair)`, popOr(thetaPath), P * D * (3 * F64 + 2 * F32), D);
  let work: number | undefined;
  let evalWork: number | undefined;
  let cellState: AllocationEstimate['cellState'];
  if (known) {
    // Buffers are sized for the largest network of a mix (an upper bound: a meta-step's rollouts have several sizes).
    const hidden = specs.slice(0, -1).map((s) => s.out_size ?? 1);
    const cellsFor = (sz: readonly number[]): number => sz.slice(0, -1).reduce((n, a, l) => n + a * sz[l + 1], 0);
    const A0 = Math.max(...trainShapes.map((s) => s.inputSize));
    const AL = Math.max(...trainShapes.map((s) => s.numClasses));
    const sizes = trainShapes.map((s) => [s.inputSize, ...hidden, s.numClasses]).reduce((a, b) => (cellsFor(b) > cellsFor(a) ? b : a)); // [A_0, ..., A_L]
    const cells = cellsFor(sizes);
    // The longest episode a meta-step draws (training.episode_lengths; truncated ES runs episode_length).
    const T = cfg.optimizer.type === 'es' && cfg.optimizer.truncation > 0 ? t.episode_length : Math.max(t.episode_length, ...(t.episode_lengths ?? []));
    const rows = T * t.batch_size; // [T, batch]
    const first = trainingDatasets(cfg)[0];
    const imagePath = first === 'sum' ? ['sum_dataset', 'input_size'] : first === 'random' ? ['random_dataset', 'img_size'] : ['training', 'dataset'];
    const inputPath = pre.pad.input ? ['data', 'preprocess', 'pad', 'input'] : pre.resize ? ['data', 'preprocess', 'resize'] : imagePath;
    // Blame the factor furthest above a typical value (the reference: 784 inputs, N = 16, hidden layers of 160, batch 1..16, T = 500).
    const furthest = (factors: [readonly string[], number, number][]): readonly string[] =>
      factors.reduce((b, f) => (f[1] / f[2] > b[1] / b[2] ? f : b))[0];
    const widest = specs.slice(0, -1).reduce((best, s, i) => ((s.out_size ?? 0) > (specs[best]?.out_size ?? 0) ? i : best), 0);
    const hiddenFactor: [readonly string[], number, number] = [['model', 'vsml_rnn', 'layer_specs', String(widest), 'out_size'], specs.length > 1 ? specs[widest].out_size ?? 0 : 0, 160];
    const batchFactor: [readonly string[], number, number] = [['training', 'batch_size'], t.batch_size, 16];
    const inputFactor: [readonly string[], number, number] = [inputPath, A0, 784];
    // cells x N x batch
    const layerPath = (): readonly string[] => furthest([inputFactor, hiddenFactor, [['model', 'sub_rnn', 'slow_size'], N, 16], batchFactor]);
    // An episode: inputs [T, batch, A_0] float32 (and the kernel's copy), labels, logits [T, batch, A_L] float32 + float64, ce, correct.
    const episodeBytes = rows * (2 * A0 * F32 + 2 * I32 + AL * (F32 + F64) + F64 + 1);
    const episodePath = furthest([[['training', 'episode_length'], T, 500], batchFactor, inputFactor]);
    // backprop-optimizer.ts differentiates its meta-batch on min(engine.threads, meta_batch_size) threads on the kernel
    // reverse pass (one episode, one initial state and one tape each at a time), in the training thread on tfjs.
    const gradThreads = backprop && gradientPath(cfg, opts.nativeGradient) === 'native'
      ? Math.max(1, gradientThreads(cfg.engine.threads, cfg.optimizer.meta_batch_size).slots) : 1;
    const perThread = (what: string): string => (gradThreads > 1 ? `${what} x ${gradThreads} gradient threads (one each)` : what);
    if (backprop) {
      add(perThread(`the episode being differentiated ([${T}, ${t.batch_size}, ${A0}] inputs)`), episodePath, gradThreads * episodeBytes, rows * Math.max(A0, AL));
    } else {
      add(`episodes of one meta-step (${2 * P} rollouts of [${T}, ${t.batch_size}, ${A0}] inputs)`, popOr(episodePath), P * episodeBytes, rows * Math.max(A0, AL));
    }
    // VSML: initial LSTM states h and c [batch, A, B, N] per layer: float64, broadcast to the batch, and float32 in the kernel (two rollouts share one).
    const stateElems = 2 * cells * N * t.batch_size;
    if (vsml) {
      cellState = { size: cells * N, path: layerPath() };
      const states = backprop ? gradThreads : P;
      add(`LSTM states of ${backprop ? perThread('one episode') : 'one meta-step'} (h and c [${t.batch_size}, A, B, ${N}] for ${cells} cells)`, backprop ? layerPath() : popOr(layerPath()), states * stateElems * (F64 + F64 + 2 * F32), stateElems);
    }
    if (vsml && backprop) {
      // The gradient tape of one slice (optimizer.truncation, else the whole episode): the kernel reverse pass's float64 tape, or tfjs autodiff's tensors.
      const K = cfg.optimizer.truncation;
      const slice = K > 0 ? Math.min(K, T) : T;
      const vr = cfg.model.vsml_rnn;
      const shape = { layerSizes: sizes, slowSize: N, msgSize: M, numMicroTicks: vr.num_micro_ticks, backwardPass: vr.backward_pass, batchSize: t.batch_size };
      const native = gradientPath(cfg, opts.nativeGradient) === 'native';
      const bytes = gradThreads * (native ? nativeTapeBytes(shape, slice) : tfjsTapeBytes(shape, slice));
      add(native
        ? perThread(`the gradient tape of ${K > 0 ? `a ${slice}-step slice` : `a whole ${slice}-step episode`} (kernel reverse pass, float64)`)
        : `the gradient tape of ${K > 0 ? `a ${slice}-step slice` : `a whole ${slice}-step episode`} (TensorFlow.js autodiff tensors, estimated as 4.2x the kernel's)`,
      K > 0 ? ['optimizer', 'truncation'] : ['training', 'episode_length'], bytes, stateElems, // the tape is C memory or many tensors: its largest typed array is a state's size
      K > 0 ? 'lower `optimizer.truncation`' : 'set `optimizer.truncation` (truncated BPTT: the tape holds one slice)');
    }

    // preprocess.ts: one resized image [rows, cols] float64, and with rand_proj a [A_0, A_0] matrix.
    for (const name of new Set([...trainingDatasets(cfg), ...ev.datasets])) {
      const facts = datasetFacts(name, cfg, catalog);
      if (!facts) continue;
      const shape = resizedShape(cfg, facts.shape);
      const imageInput = pre.pad.input ? prod(pre.pad.input) : prod(shape);
      add(`one resized "${name}" image (float64 [${shape.slice(0, 2).join(', ')}])`, pre.resize ? ['data', 'preprocess', 'resize'] : inputPath, prod(shape.slice(0, 2)) * F64 * 3, prod(shape.slice(0, 2)));
      if (pre.rand_proj) {
        const pool = Math.max(1, pre.rand_proj_pool);
        add(`the random projection${pool > 1 ? `s (a pool of ${pool})` : ''} of "${name}" (float64 [${imageInput}, ${imageInput}]${pool > 1 ? ' each' : ''})`,
          ['data', 'preprocess', pool > 1 ? 'rand_proj_pool' : 'rand_proj'], pool * imageInput * imageInput * F64, imageInput * imageInput,
          `set \`data.preprocess.rand_proj\` to false${pool > 1 ? ', lower `data.preprocess.rand_proj_pool`' : ''}, or lower \`${pointerToPath(inputPath)}\``);
      }
      const examples = name === 'random' ? cfg.random_dataset.size : DATASET_EXAMPLES[name];
      if (examples !== undefined) {
        const at = name === 'random' && cfg.random_dataset.size > 100_000 ? ['random_dataset', 'size'] : inputPath;
        add(`"${name}" preprocessed in memory (float32 [${examples}, ${imageInput}])`, at, examples * (imageInput * F32 + I32), examples * imageInput);
      }
    }

    // run-experiment.ts caches the evaluation episodes of every dataset: [count, T_eval, batch, A_0] float32.
    for (const name of ev.datasets) {
      const s = evaluationShape(cfg, name, catalog);
      if (!s) continue;
      const evRows = ev.episode_length * ev.batch_size;
      const at = ev.count >= ev.episode_length ? ['evaluation', 'count'] : ['evaluation', ev.episode_length >= ev.batch_size ? 'episode_length' : 'batch_size'];
      add(`evaluation episodes of "${name}" (${ev.count} x [${ev.episode_length}, ${ev.batch_size}, ${s.inputSize}])`, at,
        ev.count * evRows * (2 * s.inputSize * F32 + 2 * I32 + s.numClasses * (F32 + F64)), evRows * Math.max(s.inputSize, s.numClasses));
    }
    // The baselines' MLP: weights [A_0, H] and [H, A_L] with gradient and two Adam moments, float64.
    if (cfg.baselines.enabled && cfg.baselines.hidden_size > 0) {
      const H = cfg.baselines.hidden_size;
      add(`the SGD/Adam baseline MLP (4 x float64 [${A0}, ${H}] + [${H}, ${AL}])`, ['baselines', 'hidden_size'], 4 * H * (A0 + AL) * F64, H * Math.max(A0, AL));
    }
    try {
      const cost = estimateConfigCost(cfg, catalog, opts);
      work = cost?.workTotal;
      evalWork = cost?.evalWorkTotal;
    } catch {
      work = undefined; // a layer without out_size: the semantic checks report it
    }
  }
  return { items, peakBytes: items.reduce((s, i) => s + i.bytes, 0), work, evalWork, cellState };
}

/** `12345678901` -> `11.5 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more bytes than a number can hold';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v.toPrecision(3)} ${units[u]}`;
}

/** `1.2e15` -> `1.20e+15`; small counts stay plain. */
export const formatCount = (n: number): string => (!Number.isFinite(n) ? 'more than a number can hold' : n >= 1e6 ? n.toExponential(2) : String(Math.round(n)));

/**
 * Errors for a config whose run could not allocate or finish: one for the largest array over
 * the limit, one for the estimated peak memory, one for the total work. Each names the field
 * that sizes it, what it would need and the limit.
 */
export function allocationIssues(cfg: ExperimentConfig, file: string, catalog?: DatasetCatalog, limits: AllocationLimits = ALLOCATION_LIMITS): ConfigIssue[] {
  const est = estimateAllocation(cfg, catalog);
  const out: ConfigIssue[] = [];
  const biggestArray = est.items.reduce<Allocation | undefined>((b, i) => (!b || i.largestArray > b.largestArray ? i : b), undefined);
  if (biggestArray && !(biggestArray.largestArray <= limits.arrayElements)) {
    out.push(makeIssue(file, biggestArray.path,
      `is too large: ${biggestArray.what} would need one array of ${formatCount(biggestArray.largestArray)} elements; the limit is ${formatCount(limits.arrayElements)}`,
      biggestArray.fix ?? `lower \`${pointerToPath(biggestArray.path)}\``, 'too-large'));
  }
  if (!(est.peakBytes <= limits.memoryBytes)) {
    const top = est.items.reduce((b, i) => (i.bytes > b.bytes ? i : b));
    if (!out.some((i) => i.path === pointerToPath(top.path))) {
      out.push(makeIssue(file, top.path,
        `is too large: the run would need about ${formatBytes(est.peakBytes)} of memory (${top.what}: ${formatBytes(top.bytes)}); the limit is ${formatBytes(limits.memoryBytes)}`,
        top.fix ?? `lower \`${pointerToPath(top.path)}\``, 'too-large'));
    }
  }
  if (est.work !== undefined && !(est.work <= limits.work)) {
    // blame the section that does most of the work, and in it the factor furthest above the reference's default
    const inEval = (est.evalWork ?? 0) > est.work / 2 || !Number.isFinite(est.evalWork ?? 0);
    const tr = cfg.training;
    const unit = cfg.model.type === 'VSMLRNN' ? 'cell-ticks' : 'multiply-adds';
    const ev = cfg.evaluation;
    const factors: [string, number, number][] = inEval
      ? [['count', ev.count, 1], ['episode_length', ev.episode_length, 2000], ['batch_size', ev.batch_size, 1]]
      : [['iterations', tr.iterations, 10_001], ['population_size', tr.population_size, 1024], ['episode_length', tr.episode_length, 500], ['batch_size', tr.batch_size, 1]];
    // the reference's network: 784 x 10 cells with N = 16
    if (est.cellState) factors.push([pointerToPath(est.cellState.path), est.cellState.size, 784 * 10 * 16]);
    const worst = factors.reduce((b, f) => (f[1] / f[2] > b[1] / b[2] ? f : b));
    const at = worst[0].includes('.') ? est.cellState!.path : [inEval ? 'evaluation' : 'training', worst[0]];
    if (!out.some((i) => i.path === pointerToPath(at))) {
      out.push(makeIssue(file, at,
        `is too large: the run would take ${formatCount(est.work)} ${unit} (iterations x rollouts per meta-step x ${unit} per episode, plus evaluations); the limit is ${formatCount(limits.work)}`,
        `lower \`${pointerToPath(at)}\` (${unit} / speed = seconds: at 20 M ${unit}/s the limit is about 1,600 years)`, 'too-large'));
    }
  }
  return out;
}
