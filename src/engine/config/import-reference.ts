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

  const walk = (value: unknown, pointer: string[]): void => {
    const key = pointer.join('.');
    // a per-worker choice of the reference's MPI launcher: {mpi_split: [...], mpi_repeat: n}
    if (isObj(value) && 'mpi_split' in value) {
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
        else note(pointer, `model.type ${JSON.stringify(value)} is not supported yet; only VSMLRNN is`, 'import a VSMLRNN config', 'error');
        return;
      case 'model.vsml_rnn.layer_specs':
        importLayerSpecs(value, pointer);
        return;
    }
    if (pointer.length === 2 && pointer[0] === 'model' && OTHER_MODELS[pointer[1]]) {
      const other = OTHER_MODELS[pointer[1]];
      if (pointer[1] === 'sgd' && isObj(value) && typeof value.hidden_size === 'number') put(['baselines', 'hidden_size'], value.hidden_size);
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
