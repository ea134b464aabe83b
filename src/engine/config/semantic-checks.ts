import { closest } from './did-you-mean';
import {
  DatasetCatalog, KNOWN_DATASET_NAMES, isUserDatasetName, classesFor, datasetFacts, resizedShape,
} from './dataset-facts';
import { ConfigIssue, makeIssue } from './issues';
import { schemaAt } from './schema';
import { ExperimentConfig, trainingDatasets } from './types';

/** Codes of the checks the schema cannot express; the extension keys quick fixes on them. */
export type SemanticCode =
  | 'msg-size-too-small'
  | 'output-idx-outside-message'
  | 'layer-missing-out-size'
  | 'last-out-size-mismatch'
  | 'dataset-unavailable'
  | 'dataset-unknown'
  | 'dataset-weights-mismatch'
  | 'output-too-small'
  | 'filter-class-out-of-range'
  | 'pad-too-small'
  | 'no-effect'
  | 'truncation-too-long'
  | 'truncation-uneven'
  | 'truncation-resets-messages';

type Pointer = readonly (string | number)[];

/**
 * Checks across fields that JSON Schema cannot express. Runs on the defaults-filled config;
 * when the schema already reported a problem at or under a field a check reads (`schemaIssues`),
 * that check is skipped, so one mistake gives one issue.
 */
export function semanticChecks(
  cfg: ExperimentConfig,
  file: string,
  schemaIssues: readonly ConfigIssue[],
  catalog?: DatasetCatalog,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const bad = (p: Pointer): boolean => {
    const s = p.map(String);
    return schemaIssues.some((i) => {
      const n = Math.min(i.pointer.length, s.length);
      for (let k = 0; k < n; k++) if (i.pointer[k] !== s[k]) return false;
      return true;
    });
  };
  const issue = (p: Pointer, message: string, fix: string, code: SemanticCode, severity: ConfigIssue['severity'] = 'error') =>
    out.push(makeIssue(file, p, message, fix, code, severity));

  // --- messages: channel 0 carries the error, channel 1 the label, output_idx picks the logit
  const MSG: Pointer = ['model', 'sub_rnn', 'msg_size'];
  const OUT_IDX: Pointer = ['model', 'vsml_rnn', 'output_idx'];
  const msgSize = cfg.model?.sub_rnn?.msg_size;
  const msgOk = !bad(MSG) && typeof msgSize === 'number';
  if (msgOk && msgSize < 2) {
    issue(MSG, `\`model.sub_rnn.msg_size\` is ${msgSize}, too short: the last layer's backward message carries the error on channel 0 and the label on channel 1`,
      'use msg_size >= 2 (default 8)', 'msg-size-too-small');
  } else if (msgOk && !bad(OUT_IDX)) {
    const idx = cfg.model.vsml_rnn.output_idx;
    if (idx >= msgSize) {
      issue(OUT_IDX, `\`model.vsml_rnn.output_idx\` is ${idx}, outside the forward message of size ${msgSize} (channels 0..${msgSize - 1})`,
        `use an output_idx in [0, ${msgSize - 1}] (default 1), or raise model.sub_rnn.msg_size above ${idx}`, 'output-idx-outside-message');
    }
  }

  // --- layers: every layer but the last needs out_size
  const SPECS: Pointer = ['model', 'vsml_rnn', 'layer_specs'];
  const specs = bad(SPECS) ? undefined : cfg.model.vsml_rnn.layer_specs;
  if (specs) {
    specs.forEach((spec, i) => {
      if (i < specs.length - 1 && spec.out_size === undefined) {
        issue([...SPECS, i], `layer ${i} of ${specs.length} has no \`out_size\`, so layer ${i + 1} has no input size; only the last layer takes its size from the data`,
          'add "out_size": <hidden units> (e.g. 32) to this layer', 'layer-missing-out-size');
      }
    });
  }

  // --- datasets: available offline, and their class counts fit the output
  const dataOk = !bad(['data']) && !bad(['random_dataset']) && !bad(['sum_dataset']);
  const datasets: { name: string; at: Pointer }[] = [];
  if (!bad(['training', 'dataset'])) {
    const d = cfg.training.dataset;
    if (typeof d === 'string') datasets.push({ name: d, at: ['training', 'dataset'] });
    else d.forEach((name, i) => datasets.push({ name, at: ['training', 'dataset', i] }));
  }
  const tasks = bad(['training', 'tasks']) ? null : cfg.training?.tasks ?? null;
  tasks?.forEach((t, i) => t.dataset !== undefined && datasets.push({ name: t.dataset, at: ['training', 'tasks', i, 'dataset'] }));
  if (!bad(['evaluation', 'datasets'])) cfg.evaluation.datasets.forEach((name, i) => datasets.push({ name, at: ['evaluation', 'datasets', i] }));

  const weights = bad(['training']) ? null : cfg.training.dataset_weights;
  if (weights) {
    const n = typeof cfg.training.dataset === 'string' ? 1 : cfg.training.dataset.length;
    if (weights.length !== n) {
      issue(['training', 'dataset_weights'], `has ${weights.length} weight${weights.length === 1 ? '' : 's'} for ${n} training dataset${n === 1 ? '' : 's'}`,
        `give one weight per entry of training.dataset (${n}), or null for equal weights`, 'dataset-weights-mismatch');
    } else if (weights.every((w) => w === 0)) {
      issue(['training', 'dataset_weights'], 'are all 0, so no dataset would ever be drawn', 'make at least one weight positive, or use null', 'dataset-weights-mismatch');
    }
  }

  const usable: typeof datasets = [];
  for (const d of datasets) {
    const avail = catalog?.isDatasetAvailable?.(d.name);
    if (!isUserDatasetName(d.name) && !(KNOWN_DATASET_NAMES as readonly string[]).includes(d.name) && !catalog?.facts?.(d.name)) {
      // a name neither we nor the catalog know (the engine's catalog leaves these to us)
      const near = closest(d.name, KNOWN_DATASET_NAMES);
      issue(d.at, `"${d.name}" is not a dataset VS-ML Lab knows`,
        near ? `did you mean "${near}"?` : `use one of ${KNOWN_DATASET_NAMES.join(', ')}, or idx:<folder>, images:<folder>, csv:<file>`, 'dataset-unknown');
      continue;
    }
    if (avail && !avail.available) {
      const near = closest(d.name, KNOWN_DATASET_NAMES);
      const fix = near && near !== d.name ? `did you mean "${near}"?` : avail.fix ?? `run \`vsml datasets fetch ${d.name}\` while online, or choose another dataset`;
      // Without an evaluation dataset the run still trains and evaluates on the others; without its training data it cannot.
      if (d.at[0] === 'evaluation') {
        issue(d.at, `evaluation dataset "${d.name}" is not available${avail.reason ? `: ${avail.reason}` : ''}; evaluations leave it out`, fix, 'dataset-unavailable', 'warning');
      } else {
        issue(d.at, `dataset "${d.name}" is not available${avail.reason ? `: ${avail.reason}` : ''}`, fix, 'dataset-unavailable');
      }
    } else {
      usable.push(d);
    }
  }

  if (dataOk) {
    const padOut = cfg.data.preprocess.pad.output;
    const padIn = cfg.data.preprocess.pad.input;
    const filter = cfg.data.filter_classes;
    const lastOut = specs && specs.length > 0 ? specs[specs.length - 1].out_size : undefined;
    const known = usable
      .map((d) => ({ ...d, facts: datasetFacts(d.name, cfg, catalog) }))
      .filter((d): d is typeof d & { facts: NonNullable<typeof d.facts> } => d.facts !== undefined);
    const isTrain = (d: { at: Pointer }): boolean => d.at[0] === 'training';

    // a task's filter_classes must name classes of its dataset(s)
    tasks?.forEach((t, i) => {
      if (!t.filter_classes || bad(['training', 'dataset'])) return;
      for (const name of t.dataset !== undefined ? [t.dataset] : trainingDatasets(cfg)) {
        const facts = datasetFacts(name, cfg, catalog);
        t.filter_classes.forEach((c, k) => {
          if (facts && c >= facts.numClasses) {
            issue(['training', 'tasks', i, 'filter_classes', k], `class ${c} does not exist in "${name}", which has classes 0..${facts.numClasses - 1}`,
              `use class labels below ${facts.numClasses}`, 'filter-class-out-of-range');
          }
        });
      }
    });

    // filter_classes must name classes that exist
    const filterReported = new Set<number>();
    for (const d of known) {
      filter?.forEach((c, k) => {
        if (c >= d.facts.numClasses && !filterReported.has(k)) {
          filterReported.add(k);
          issue(['data', 'filter_classes', k], `class ${c} does not exist in "${d.name}", which has classes 0..${d.facts.numClasses - 1}`,
            `use class labels below ${d.facts.numClasses}`, 'filter-class-out-of-range');
        }
      });
    }

    // A_L: pad.output if set, else the last layer's out_size, else the training data's classes
    const train = known.filter(isTrain);
    const trainOut = padOut ? padOut[0] : train.length > 0 ? Math.max(...train.map((d) => classesFor(cfg, d.facts))) : undefined;
    let mismatch = false;
    if (specs && lastOut !== undefined && trainOut !== undefined && lastOut !== trainOut) {
      mismatch = true;
      const why = padOut ? 'fixed by data.preprocess.pad.output' : `the number of classes of ${train.map((d) => `"${d.name}"`).join(', ')}`;
      issue([...SPECS, specs.length - 1, 'out_size'], `the last layer's out_size is ${lastOut}, but the output size is ${trainOut}, ${why}`,
        'remove out_size from the last layer: its size is taken from the data (set data.preprocess.pad.output to fix it)', 'last-out-size-mismatch');
    }
    // after a mismatch, judge the other datasets by the data's size (the fix removes out_size)
    const modelOut = padOut ? padOut[0] : mismatch ? trainOut : lastOut ?? trainOut;
    if (modelOut !== undefined) {
      for (const d of known) {
        const classes = classesFor(cfg, d.facts);
        if (classes <= modelOut || (isTrain(d) && mismatch)) continue;
        const role = isTrain(d) ? 'meta-training' : 'evaluation';
        const source = padOut ? 'fixed by data.preprocess.pad.output' : lastOut !== undefined ? "set by the last layer's out_size" : 'the meta-training data\'s classes';
        const fix = padOut ? `raise data.preprocess.pad.output to [${classes}], or drop "${d.name}"`
          : `set data.preprocess.pad.output to [${classes}] so every dataset fits, restrict data.filter_classes, or drop "${d.name}"`;
        issue(d.at, `${role} dataset "${d.name}" has ${classes} classes, more than the network's ${modelOut} outputs (${source})`, fix, 'output-too-small');
      }
    }

    // pad.input must hold the (resized) images
    const tooSmall = padIn ? known.filter((d) => !d.facts.flat).find((d) => {
      const shape = resizedShape(cfg, d.facts.shape);
      return padIn.length !== shape.length || padIn.some((p, k) => p < shape[k]);
    }) : undefined;
    if (padIn && tooSmall) {
      const shape = resizedShape(cfg, tooSmall.facts.shape);
      issue(['data', 'preprocess', 'pad', 'input'], `pad.input ${JSON.stringify(padIn)} cannot hold "${tooSmall.name}" images of shape ${JSON.stringify(shape)}`,
        `give ${shape.length} sizes, each at least ${JSON.stringify(shape)}`, 'pad-too-small');
    }
  }

  // --- switches that do nothing
  if (!bad(['model', 'vsml_rnn']) && cfg.model.vsml_rnn.separate_backward_rnn && !cfg.model.vsml_rnn.backward_pass) {
    issue(['model', 'vsml_rnn', 'separate_backward_rnn'], '`separate_backward_rnn` has no effect without `backward_pass`',
      'set "backward_pass": true, or remove separate_backward_rnn', 'no-effect', 'warning');
  }
  const pre = cfg.data?.preprocess;
  if (!bad(['data', 'preprocess']) && pre && !pre.rand_proj && !tasks?.some((t) => t.rand_proj)) {
    for (const key of ['rand_proj_pool', 'rand_proj_share'] as const) {
      if (pre[key] !== undefined && pre[key] !== schemaAt(['data', 'preprocess', key])?.default)
        issue(['data', 'preprocess', key], `\`data.preprocess.${key}\` has no effect without \`rand_proj\``, `set "rand_proj": true, or remove ${key}`, 'no-effect', 'warning');
    }
  } else if (!bad(['data', 'preprocess']) && pre && pre.rand_proj_share !== undefined && pre.rand_proj_share !== 1 && !pre.rand_proj_pool) {
    issue(['data', 'preprocess', 'rand_proj_share'], '`data.preprocess.rand_proj_share` has no effect without a `rand_proj_pool`: one fixed projection applies to every episode',
      'set rand_proj_pool (e.g. 16), or remove rand_proj_share', 'no-effect', 'warning');
  }

  // --- truncated / persistent ES: slices of the training episodes (backprop's truncated BPTT may run past the end: whole episodes)
  const TRUNC: Pointer = ['optimizer', 'truncation'];
  const K = cfg.optimizer?.truncation;
  const T = cfg.training?.episode_length;
  if (cfg.optimizer?.type !== 'backprop' && !bad(TRUNC) && !bad(['training', 'episode_length']) && typeof K === 'number' && K > 0 && typeof T === 'number') {
    if (K > T) {
      issue(TRUNC, `\`optimizer.truncation\` is ${K}, longer than an episode (training.episode_length ${T}): a slice cannot run past the episode's end`,
        `use a truncation that divides ${T} (e.g. ${largestDivisorAtMost(T, Math.max(1, Math.floor(T / 10)))}), or 0 for whole-episode ES`, 'truncation-too-long');
    } else if (T % K !== 0) {
      issue(TRUNC, `\`optimizer.truncation\` ${K} does not divide training.episode_length ${T}: the last slice of every episode has ${T % K} steps`,
        `use a divisor of ${T} (e.g. ${largestDivisorAtMost(T, K)}) for equal slices`, 'truncation-uneven', 'info');
    }
    const lengths = cfg.training?.episode_lengths;
    if (!bad(['training', 'episode_lengths']) && Array.isArray(lengths) && lengths.length > 0) {
      // persistent-es-optimizer.ts advances every pair through episodes of one length
      issue(['training', 'episode_lengths'], `\`training.episode_lengths\` has no effect with truncated / persistent ES (optimizer.truncation ${K}): every episode runs training.episode_length ${T} steps`,
        `remove training.episode_lengths and set training.episode_length, or set optimizer.truncation to 0 (whole-episode ES draws each meta-step's T from the list)`, 'no-effect', 'warning');
    }
    const v = cfg.model?.vsml_rnn;
    if (!bad(['model', 'vsml_rnn']) && v && (!v.backward_pass || v.layer_specs.length > 1)) {
      // Runners carry only h and c between calls; the error a forward-only net feeds into the next step (and inner messages) restart at 0.
      const what = !v.backward_pass
        ? 'with backward_pass false the error of a slice\'s last step is not fed into the next slice\'s first step'
        : 'with several layers the messages between layers restart at each slice';
      issue(TRUNC, `slices carry the LSTM states (h, c) but not the messages between inner steps: ${what}; evaluation runs whole episodes`,
        'for exact slicing use one layer with model.vsml_rnn.backward_pass true; otherwise the learner misses one error signal every truncation steps', 'truncation-resets-messages', 'warning');
    }
  }

  // Settings of the other meta-optimizer. Defaults are always filled in, so only a value that
  // differs from the schema's default can have been set on purpose.
  const opt = cfg.optimizer;
  // optimizer.truncation serves both (ES slices, BPTT slices).
  const ONLY_FOR = { es: ['noise_std', 'centered_ranks', 'estimator'], backprop: ['meta_batch_size'] } as const;
  if (!bad(['optimizer']) && (opt?.type === 'es' || opt?.type === 'backprop')) {
    const other = opt.type === 'es' ? 'backprop' : 'es';
    for (const key of ONLY_FOR[other]) {
      if (opt[key] !== schemaAt(['optimizer', key])?.default)
        issue(['optimizer', key], `\`optimizer.${key}\` is a setting of optimizer type "${other}" and has no effect with "${opt.type}"`,
          `remove ${key}, or set optimizer.type to "${other}"`, 'no-effect', 'warning');
    }
  }
  if (!bad(['engine']) && opt?.type === 'es' && cfg.engine?.gradient !== schemaAt(['engine', 'gradient'])?.default)
    issue(['engine', 'gradient'], '`engine.gradient` chooses where optimizer type "backprop" computes its gradients and has no effect with "es"',
      'remove engine.gradient, or set optimizer.type to "backprop"', 'no-effect', 'warning');
  return out;
}

/** The largest divisor of n that is at most `limit` (>= 1). */
function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}
