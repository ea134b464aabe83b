import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { DatasetCatalog } from './dataset-facts';
import { ConfigIssue, IssueSeverity, makeIssue } from './issues';
import { validateConfigValue } from './load-config';
import { schemaAt } from './schema';

/** One YAML text of the reference (configs/default.yaml or an override such as configs/deep.yaml). */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
}

export interface ImportResult {
  /** Our `*.vsml.json` content (not yet validated; see importReferenceFiles). */
  readonly config: Record<string, unknown>;
  /** What could not be carried over, and why; errors for settings that change what is trained. */
  readonly issues: ConfigIssue[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Sections of the reference's other models: present in default.yaml, inert unless model.type selects them. */
const OTHER_MODELS: Record<string, string> = {
  meta_rnn: 'MetaRNN', hebbian_fw: 'HebbianFW', fwp: 'FWP', fw_memory: 'FWMemory', sgd: 'SGD',
};

/**
 * The reference's meta-learner baselines and the keys of their sections the lab's learners read
 * (model.type keeps the reference's names; issue 14's learner interface). `use_conv` is handled
 * apart: true needs conv layers.
 */
const LEARNER_SECTIONS: Record<string, { readonly section: string; readonly keys: readonly string[] }> = {
  MetaRNN: { section: 'meta_rnn', keys: ['slow_size', 'num_micro_ticks', 'tanh_bound'] },
  HebbianFW: { section: 'hebbian_fw', keys: ['use_oja', 'tanh_bound'] },
  FWMemory: { section: 'fw_memory', keys: ['slow_size', 'memory_size', 'tanh_bound'] },
};

/** Datasets of the reference the lab cannot load, and what is missing for them. */
const MISSING_DATASETS: Record<string, string> = {
  cifar10: 'CIFAR-10 needs a loader for its 32x32 colour images and the conv VSML layers the paper used on it, which VS-ML Lab does not have yet',
  omniglot_fewshot: 'the Omniglot few-shot task needs an Omniglot loader, the few-shot episode builder (classes per episode, test_last) and conv VSML layers, which VS-ML Lab does not have yet',
  omniglot: 'Omniglot needs a loader VS-ML Lab does not have yet',
  svhn_cropped: 'SVHN needs a loader for its 32x32 colour images, which VS-ML Lab does not have yet',
};

/** Projections per pool when the reference split `rand_proj` over its workers (each held its own matrix). */
export const IMPORTED_PROJECTION_POOL = 16;

/** Per-worker splits that become training.tasks (a task keeps its own sizes), and the task key each sets. */
const TASK_SPLITS: Record<string, string> = {
  'training.dataset': 'dataset', 'data.preprocess.rand_proj': 'rand_proj', 'data.preprocess.resize': 'resize', 'data.filter_classes': 'filter_classes',
};

interface MpiSplit {
  readonly key: string;
  readonly options: readonly unknown[];
  readonly repeat: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The reference's workers as tasks: worker r takes option (r / repeat) mod n of every split
 * (launch.py), so one period of lcm(repeat x n) workers holds every combination the run used, each
 * as often as the launcher gave it. Identical tasks are merged into one with a weight.
 */
export function workerTasks(splits: readonly MpiSplit[]): { task: Record<string, unknown>; weight: number }[] {
  const period = splits.reduce((p, s) => {
    const n = s.repeat * Math.max(1, s.options.length);
    return (p / gcd(p, n)) * n;
  }, 1);
  const byKey = new Map<string, { task: Record<string, unknown>; weight: number }>();
  for (let r = 0; r < Math.min(period, 100_000); r++) {
    const task: Record<string, unknown> = {};
    for (const s of splits) task[TASK_SPLITS[s.key]] = s.options[Math.floor(r / s.repeat) % s.options.length];
    const k = JSON.stringify(task);
    const seen = byKey.get(k);
    if (seen) seen.weight++;
    else byKey.set(k, { task, weight: 1 });
  }
  return [...byKey.values()];
}

/** Reference keys that only steer its launcher, wandb or tf.data; nothing to carry over. */
const LAUNCHER_ONLY: Record<string, string> = {
  'checkpoint.with_step': 'VS-ML Lab always keeps numbered checkpoints and latest.json',
  'data.shuffle_buffer_size': 'VS-ML Lab samples episodes uniformly from the whole split, no shuffle buffer',
};

/**
 * Translates the reference's YAML configs into our experiment config. The texts are merged in
 * order, later ones on top (objects merge key by key, anything else replaces), as the
 * reference's launcher merged `configs/default.yaml` with override files. Keys with a
 * counterpart are copied one to one; everything else becomes an issue saying why it was not
 * carried over: `error` where dropping it changes what is trained (another model type, conv
 * layers), `warning` where we approximate, `info` for inert sections.
 */
export function importReferenceConfig(sources: readonly (string | YamlSource)[]): ImportResult {
  const issues: ConfigIssue[] = [];
  const merged: Obj = {};
  const origin = new Map<string, string>();
  sources.forEach((src, k) => {
    const { file, text } = typeof src === 'string' ? { file: `yaml #${k + 1}`, text: src } : src;
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      if (e instanceof YAMLParseError) {
        const pos = e.linePos?.[0];
        issues.push({ ...makeIssue(file, [], `invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${e.message.split('\n')[0]}`, 'fix the YAML syntax', 'parse'),
          ...(pos ? { location: { offset: e.pos[0], length: Math.max(1, e.pos[1] - e.pos[0]), line: pos.line, column: pos.col } } : {}) });
        return;
      }
      throw e;
    }
    if (doc === null || doc === undefined) return; // an empty override file
    if (!isObj(doc)) {
      issues.push(makeIssue(file, [], 'a reference config must be a YAML mapping', 'give a file like configs/default.yaml', 'parse'));
      return;
    }
    mergeInto(merged, expandDots(doc), [], file, origin);
  });

  const out: Obj = {};
  const fileOf = (pointer: readonly string[]): string => {
    for (let n = pointer.length; n > 0; n--) {
      const f = origin.get(pointer.slice(0, n).join('.'));
      if (f) return f;
    }
    return '';
  };
  const note = (pointer: readonly string[], message: string, fix: string, severity: IssueSeverity) =>
    issues.push(makeIssue(fileOf(pointer), pointer, message, fix, 'import', severity));
  const put = (pointer: readonly string[], value: unknown) => {
    let node = out;
    for (const seg of pointer.slice(0, -1)) {
      if (!isObj(node[seg])) node[seg] = {};
      node = node[seg] as Obj;
    }
    node[pointer[pointer.length - 1]] = value;
  };

  const modelType = isObj(merged.model) ? merged.model.type : undefined;

  // --- the reference's per-worker splits (mpi_split): a mixture, a projection pool, or tasks
  const splits: MpiSplit[] = [];
  const findSplits = (v: unknown, pointer: string[]): void => {
    if (!isObj(v)) return;
    if ('mpi_split' in v) {
      const options = Array.isArray(v.mpi_split) ? v.mpi_split : [v.mpi_split];
      const repeat = Number.isInteger(v.mpi_repeat) && (v.mpi_repeat as number) > 0 ? (v.mpi_repeat as number) : 1;
      splits.push({ key: pointer.join('.'), options, repeat });
      return;
    }
    for (const [k, x] of Object.entries(v)) findSplits(x, [...pointer, k]);
  };
  findSplits(merged, []);
  const handledSplits = new Set<string>();
  const perTask = splits.filter((sp) => TASK_SPLITS[sp.key]);
  const pointerOf = (key: string): string[] => key.split('.');
  if (perTask.some((sp) => sp.key === 'data.preprocess.resize' || sp.key === 'data.filter_classes')) {
    // Class subsets or sizes differ between workers: one task per worker configuration, each with its own sizes.
    const tasks = workerTasks(perTask);
    put(['training', 'tasks'], tasks.map(({ task, weight }) => (weight === 1 ? task : { ...task, weight })));
    for (const sp of perTask) handledSplits.add(sp.key);
    const projected = tasks.some(({ task }) => task.rand_proj === true);
    if (projected) put(['data', 'preprocess', 'rand_proj_pool'], IMPORTED_PROJECTION_POOL);
    note(['training', 'tasks'], `per-worker ${perTask.map((sp) => sp.key).join(', ')} (mpi_split) became ${tasks.length} training.tasks, one per worker configuration of the launcher's period, each keeping its own input size and classes${projected ? `; projected tasks draw each episode's projection from data.preprocess.rand_proj_pool = ${IMPORTED_PROJECTION_POOL} seeded matrices (the reference gave every worker its own)` : ''}`,
      'nothing to do; weights follow how many workers held each configuration', 'info');
  } else {
    const rp = perTask.find((sp) => sp.key === 'data.preprocess.rand_proj');
    if (rp && rp.options.every((o) => typeof o === 'boolean')) {
      const share = rp.options.filter((o) => o === true).length / rp.options.length;
      handledSplits.add(rp.key);
      put(['data', 'preprocess', 'rand_proj'], share > 0);
      if (share > 0) {
        put(['data', 'preprocess', 'rand_proj_pool'], IMPORTED_PROJECTION_POOL);
        put(['data', 'preprocess', 'rand_proj_share'], share);
      }
      note(pointerOf(rp.key), `per-worker rand_proj (mpi_split ${JSON.stringify(rp.options)}) became a pool of ${IMPORTED_PROJECTION_POOL} seeded projections drawn per episode (rand_proj_pool), projecting ${Math.round(share * 100)}% of the episodes (rand_proj_share)`,
        'set data.preprocess.rand_proj_pool to how many projections should be seen', 'info');
    }
  }

  const walk = (value: unknown, pointer: string[]): void => {
    const key = pointer.join('.');
    // a per-worker choice of the reference's MPI launcher: {mpi_split: [...], mpi_repeat: n}
    if (isObj(value) && 'mpi_split' in value) {
      if (handledSplits.has(key)) return;
      const options = Array.isArray(value.mpi_split) ? value.mpi_split : [value.mpi_split];
      if (key === 'training.dataset') {
        put(pointer, options);
        note(pointer, `per-worker datasets (mpi_split ${JSON.stringify(options)}) imported as a mixture: every meta-step draws episodes from all of them`,
          'set training.dataset_weights if the datasets should not be drawn equally often', 'warning');
      } else {
        put(pointer, options[0]);
        note(pointer, `per-worker values (mpi_split ${JSON.stringify(options)}) are not supported; imported the first, ${JSON.stringify(options[0])}`,
          'run one experiment per value', 'warning');
      }
      return;
    }
    switch (key) {
      case 'call':
        if (value !== 'train') note(pointer, `call: ${String(value)} is the reference's launcher mode; imported as a training config`, 'evaluate a trained run with `vsml eval <run-folder>`', 'warning');
        return;
      case 'checkpoint.restore':
        if (isObj(value) && value.run_path) note(pointer, `restoring from the wandb run ${JSON.stringify(value.run_path)} is not supported`, 'continue a local run with `vsml train --resume <run-folder>`', 'warning');
        return;
      case 'omniglot_fewshot_dataset':
        note(pointer, 'the omniglot few-shot task is not supported yet; its settings were dropped', 'use mnist, fashion_mnist, kmnist, emnist, random or sum', 'info');
        return;
      case 'optimizer.type':
        if (value === 'es') put(pointer, value);
        else if (value === 'sgd') {
          // The reference's gradient-based meta-training: population_size sequences per update, whole episodes.
          put(pointer, 'backprop');
          const population = isObj(merged.training) ? merged.training.population_size : undefined;
          if (population !== undefined) put(['optimizer', 'meta_batch_size'], population);
          note(pointer, `optimizer.type sgd (backpropagation through the episodes) became "backprop"${population !== undefined ? `, training.population_size (${String(population)} sequences per update) became optimizer.meta_batch_size` : ''}; `
            + 'like the reference it backpropagates through whole episodes (optimizer.truncation 0), whose memory grows with training.episode_length',
          'set optimizer.truncation (e.g. 50) to bound the memory of long episodes', 'info');
        } else note(pointer, `optimizer.type ${JSON.stringify(value)} is not supported; using evolution strategies`, 'use optimizer.type "es" or "sgd"', 'error');
        return;
      case 'optimizer.noise_std':
        if (isObj(merged.optimizer) && merged.optimizer.type === 'sgd') {
          note(pointer, 'optimizer.noise_std was dropped: it is a setting of evolution strategies, and optimizer.type is sgd (backprop)', 'nothing to do', 'info');
          return;
        }
        break;
      case 'model.type':
        if (value === 'VSMLRNN') put(pointer, value);
        else if (typeof value === 'string' && LEARNER_SECTIONS[value]) {
          put(pointer, value);
          note(pointer, `model.type ${value}: the reference's ${value} baseline, with its section model.${LEARNER_SECTIONS[value].section}`,
            'nothing to do (it needs the meta-learner baselines of issue 14)', 'info');
        } else if (value === 'SGD') {
          put(['baselines', 'enabled'], true);
          note(pointer, 'model.type SGD (a fixed online SGD/Adam learner the reference evaluated with call: evaluate) became the lab\'s baselines: online SGD and Adam, evaluated beside the learned LA in every evaluation (`vsml eval <run>`), with learning rates tuned on meta-training episodes instead of model.sgd.lr',
            'compare against the baselines rows of an evaluation; the learned LA in this config is the default VSML network', 'warning');
        } else note(pointer, `model.type ${JSON.stringify(value)} is not supported yet; only VSMLRNN, MetaRNN, HebbianFW and FWMemory are`, 'import one of those configs', 'error');
        return;
      case 'training.dataset':
        if (typeof value === 'string' && MISSING_DATASETS[value]) {
          note(pointer, `training.dataset ${value} is not supported: ${MISSING_DATASETS[value]}`, 'meta-train on mnist, fashion_mnist, kmnist, emnist, random, sum or your own data (idx:, images:, csv:)', 'error');
          return;
        }
        break;
      case 'evaluation.datasets':
        if (Array.isArray(value)) {
          const kept = value.filter((d) => !(typeof d === 'string' && MISSING_DATASETS[d]));
          for (const d of value.filter((x) => typeof x === 'string' && MISSING_DATASETS[x]) as string[]) {
            // the Omniglot few-shot configs exist for that task alone; elsewhere an unsupported dataset is left out of the evaluations
            const only = kept.length === 0;
            note(pointer, `evaluation dataset ${d} ${only ? 'is not supported' : 'was left out'}: ${MISSING_DATASETS[d]}`,
              only ? 'evaluate on mnist, fashion_mnist, kmnist, emnist, random, sum or your own data' : 'nothing to do: the other evaluation datasets are kept', only ? 'error' : 'warning');
          }
          put(pointer, kept);
          return;
        }
        break;
      case 'model.vsml_rnn.layer_specs':
        importLayerSpecs(value, pointer);
        return;
    }
    if (pointer.length === 2 && pointer[0] === 'model' && OTHER_MODELS[pointer[1]] && modelType === OTHER_MODELS[pointer[1]] && LEARNER_SECTIONS[modelType]) {
      // the selected baseline's section: the keys its learner reads; use_conv true needs conv layers
      const { keys } = LEARNER_SECTIONS[modelType];
      for (const [k, v] of Object.entries(isObj(value) ? value : {})) {
        if (keys.includes(k)) put([...pointer, k], v);
        else if (k === 'use_conv') {
          if (v === true) note([...pointer, k], `${modelType} with use_conv: True needs conv layers, which VS-ML Lab does not have yet`, 'import a dense config (use_conv: False)', 'error');
        } else note([...pointer, k], `${pointer[1]}.${k} has no counterpart and was dropped`, 'check that the experiment does not depend on it', 'warning');
      }
      return;
    }
    if (pointer.length === 2 && pointer[0] === 'model' && OTHER_MODELS[pointer[1]]) {
      const other = OTHER_MODELS[pointer[1]];
      if (pointer[1] === 'sgd' && isObj(value) && typeof value.hidden_size === 'number') put(['baselines', 'hidden_size'], value.hidden_size);
      if (pointer[1] === 'sgd' && modelType === 'SGD' && isObj(value) && value.use_conv === true)
        note([...pointer, 'use_conv'], 'the SGD learner with use_conv: True needs conv layers, which VS-ML Lab does not have yet', 'import a dense config (use_conv: False)', 'error');
      const extra = pointer[1] === 'sgd' ? '; its hidden_size became baselines.hidden_size (the SGD/Adam baselines tune their own learning rates)' : '';
      // info either way: when model.type selects this model, the model.type error already says so
      note(pointer, `settings of the reference's ${other} model, which VS-ML Lab does not support yet, were dropped${extra}`,
        modelType === other ? 'see the model.type error' : 'nothing to do: model.type is VSMLRNN, so they were unused', 'info');
      return;
    }
    if (LAUNCHER_ONLY[key]) {
      note(pointer, `${key} was dropped: ${LAUNCHER_ONLY[key]}`, 'nothing to do', 'info');
      return;
    }
    const schema = schemaAt(pointer);
    if (!schema) {
      note(pointer, `the reference key \`${key}\` has no counterpart in VS-ML Lab and was dropped`, 'check that the experiment does not depend on it', 'warning');
      return;
    }
    if (isObj(value) && schema.properties) {
      for (const [k, v] of Object.entries(value)) walk(v, [...pointer, k]);
      return;
    }
    put(pointer, value);
  };

  function importLayerSpecs(value: unknown, pointer: string[]): void {
    if (!Array.isArray(value)) {
      put(pointer, value); // the schema reports the wrong type
      return;
    }
    const specs: Obj[] = [];
    value.forEach((spec, i) => {
      if (!isObj(spec)) {
        specs.push(spec as Obj);
        return;
      }
      if (spec.type !== 'dense') {
        note([...pointer, String(i)], `layer ${i} is a ${String(spec.type)} layer; only dense VSML layers are supported yet, so it was dropped`,
          'replace it by { type: dense, out_size: N } or import a dense config', 'error');
        return;
      }
      const kept: Obj = { type: 'dense' };
      for (const [k, v] of Object.entries(spec)) {
        if (k === 'type') continue;
        if (k === 'out_size') kept.out_size = v;
        else note([...pointer, String(i), k], `dense layer key \`${k}\` has no counterpart and was dropped`, 'nothing to do', 'warning');
      }
      specs.push(kept);
    });
    put(pointer, specs);
  }

  for (const [k, v] of Object.entries(merged)) walk(v, [k]);
  return { config: out, issues };
}

/** `a.b: 1` -> `a: {b: 1}`, as the reference's loader allowed dotted keys. */
function expandDots(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const segs = k.split('.');
    let node = out;
    for (const s of segs.slice(0, -1)) {
      if (!isObj(node[s])) node[s] = {};
      node = node[s] as Obj;
    }
    const leaf = segs[segs.length - 1];
    const val = isObj(v) ? expandDots(v) : v;
    node[leaf] = isObj(node[leaf]) && isObj(val) ? { ...(node[leaf] as Obj), ...val } : val;
  }
  return out;
}

function mergeInto(target: Obj, src: Obj, prefix: string[], file: string, origin: Map<string, string>): void {
  for (const [k, v] of Object.entries(src)) {
    const p = [...prefix, k];
    origin.set(p.join('.'), file);
    if (isObj(v) && !('mpi_split' in v)) {
      if (!isObj(target[k]) || 'mpi_split' in target[k]) target[k] = {};
      mergeInto(target[k] as Obj, v, p, file, origin);
    } else {
      target[k] = isObj(v) ? structuredClone(v) : v;
    }
  }
}

/**
 * What `vsml import <default.yaml> [override.yaml...]` does: reads the files, imports, validates
 * the result against our schema, and returns the JSON text to print (2-space indented, the
 * `$schema` reference first when given) with every issue. The name is the last file's stem.
 */
export async function importReferenceFiles(
  files: readonly string[],
  options: { readonly schemaRef?: string; readonly name?: string; readonly catalog?: DatasetCatalog } = {},
): Promise<{ readonly ok: boolean; readonly text: string; readonly issues: readonly ConfigIssue[] }> {
  const sources: YamlSource[] = [];
  const readIssues: ConfigIssue[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: await readFile(file, 'utf8') });
    } catch (e) {
      readIssues.push(makeIssue(file, [], `cannot read: ${(e as Error).message}`, 'give the path of a reference YAML config', 'read'));
    }
  }
  if (readIssues.length > 0) return { ok: false, text: '', issues: readIssues };
  const { config, issues } = importReferenceConfig(sources);
  const stem = files.length > 0 ? basename(files[files.length - 1]).replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '-') : '';
  const ordered: Obj = {
    ...(options.schemaRef ? { $schema: options.schemaRef } : {}),
    name: options.name ?? (stem || 'imported'),
    ...config,
  };
  const checked = validateConfigValue(ordered, files[files.length - 1] ?? '', { catalog: options.catalog });
  const all = [...issues, ...checked.issues];
  return { ok: !all.some((i) => i.severity === 'error'), text: `${JSON.stringify(ordered, null, 2)}\n`, issues: all };
}
