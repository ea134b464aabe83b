import { DatasetCatalog } from '../config/dataset-facts';
import { ConfigIssue, makeIssue } from '../config/issues';
import { validateConfigValue } from '../config/load-config';
import { OVERRIDE_SOURCE, splitOverridePath } from '../config/overrides';
import { ExperimentConfig } from '../config/types';

/**
 * `vsml eval <run> --set path=value`: which keys of a finished run's config may change when its
 * learned LA is evaluated, and why the others may not. V_M (θ) is shared by every cell, so the
 * data (preprocessing, classes, input and output sizes) and the evaluation protocol may change;
 * what θ's layout or the learned algorithm's dynamics were meta-trained under may not, and the
 * meta-training settings have nothing left to act on.
 */
const FROZEN: readonly { readonly prefix: string; readonly why: string }[] = [
  { prefix: 'model.sub_rnn', why: 'the sub-RNN sizes and initialization fix the layout of θ (V_M), which meta-training produced for them' },
  { prefix: 'model.vsml_rnn', why: 'the network\'s wiring and tick schedule are part of the learned algorithm meta-training tuned θ for; change the data instead' },
  { prefix: 'model', why: 'the model type fixes what θ (V_M) means' },
  { prefix: 'training', why: 'it is a meta-training setting: the run\'s meta-training is over' },
  { prefix: 'optimizer', why: 'it is a meta-training setting: the run\'s meta-training is over' },
  { prefix: 'checkpoint', why: 'it is a meta-training setting: the run\'s meta-training is over' },
  { prefix: 'summary', why: 'it is a meta-training setting: the run\'s meta-training is over' },
  { prefix: 'clone', why: 'it configures `vsml clone`, not evaluation' },
  { prefix: 'name', why: 'it names the run folder, which already exists' },
];

/** The override path's dotted form without indices (`data.preprocess.resize`). */
function dotted(set: string): string {
  const eq = set.indexOf('=');
  return splitOverridePath(eq > 0 ? set.slice(0, eq).trim() : set).filter((s) => !/^\d+$/.test(s)).join('.');
}

/** Why `--set` of this path cannot apply at evaluation, or undefined when it can. */
export function frozenAtEvaluation(set: string): string | undefined {
  const path = dotted(set);
  return FROZEN.find((f) => path === f.prefix || path.startsWith(`${f.prefix}.`))?.why;
}

export interface EvalOverrideOptions {
  /** The datasets the evaluation will run on (`vsml eval --dataset`, the probed dataset): the checks judge these, not the run's evaluation.datasets. */
  readonly datasets?: readonly string[];
  readonly catalog?: DatasetCatalog;
}

export type EvalOverrideResult =
  | { readonly ok: true; readonly config: ExperimentConfig; readonly issues: readonly ConfigIssue[] }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * Applies `--set` overrides to a trained LA's resolved config for evaluation: keys fixed by
 * meta-training are refused (naming why), the rest are applied and the result validated by the
 * schema and the semantic checks exactly as `vsml train --set` is. Never throws for bad input.
 */
export function applyEvalOverrides(config: ExperimentConfig, sets: readonly string[], file: string, options: EvalOverrideOptions = {}): EvalOverrideResult {
  const refused: ConfigIssue[] = [];
  for (const set of sets) {
    const why = frozenAtEvaluation(set);
    if (why) {
      const pointer = splitOverridePath(set.slice(0, Math.max(0, set.indexOf('='))).trim());
      refused.push(makeIssue(OVERRIDE_SOURCE, pointer, `\`${pointer.join('.')}\` cannot change after meta-training: ${why}`,
        'drop this --set, or meta-train a new run with the value: vsml train <config> --set ...', 'frozen-at-evaluation'));
    }
  }
  if (refused.length > 0) return { ok: false, issues: refused };
  if (sets.length === 0) return { ok: true, config, issues: [] };
  // Judge the overrides against the datasets to be evaluated (e.g. a class subset of mnist is fine though the run also evaluated sum).
  const judged = options.datasets ? { ...config, evaluation: { ...config.evaluation, datasets: [...options.datasets] } } : config;
  const res = validateConfigValue(judged, file, { overrides: sets, catalog: options.catalog });
  const issues = res.issues.map((i) => (i.file === file && sets.some((set) => touches(set, i.pointer)) ? { ...i, file: OVERRIDE_SOURCE } : i));
  if (!res.ok) return { ok: false, issues: issues.filter((i) => i.severity === 'error') };
  return { ok: true, config: res.config, issues };
}

/** Whether an issue at `pointer` is about the value `set` gave (one path is a prefix of the other): it is then the command line's, not the run's. */
function touches(set: string, pointer: readonly string[]): boolean {
  const p = splitOverridePath(set.slice(0, Math.max(0, set.indexOf('='))).trim());
  const n = Math.min(p.length, pointer.length);
  return p.slice(0, n).every((seg, k) => seg === pointer[k]);
}
