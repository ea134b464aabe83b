import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { EngineError } from '../../engine/errors';
import { TrainedLa, evaluateTrainedLa, openTrainedLa } from '../../engine/eval/evaluate-checkpoint';
import { createRunner } from '../../engine/runner/create-runner';
import { runnerChoice } from './train';
import { formatEvalTable } from '../format-table';
import { isUserDatasetName } from '../../engine/config/dataset-facts';
import { resolveDataset } from '../../engine/data/registry';
import { formatEvalOutput } from '../../protocol/eval-output';
import { EVAL_SOURCES, type EvalSource } from '../../protocol/run-records';
import { recordEvaluation, runFolderOf } from '../../engine/runs/record-evaluation';
import { applyEvalOverrides } from '../../engine/eval/eval-overrides';
import { formatIssue } from '../../engine/config/issues';
import { ConfigErrors } from '../load-experiment';

export const EVAL_USAGE = `vsml eval <run-folder|checkpoint.json> --dataset NAME|idx:<dir>|images:<dir>|csv:<file> [--dataset ...] [--episodes K] [--length T ...]
          [--set path=value ...] [--json] [--record] [--no-baselines] [--idx-stats training|own] [--data-dir DIR] [--path ...] [--backend ...] [--threads N]
  Evaluates a meta-learned learning algorithm online (predict, then see the label) on K held-out
  episodes of T steps, beside the untrained LA and online SGD/Adam with tuned learning rates.
  --length may be repeated (--length 50 --length 500); default: the run's evaluation.lengths or episode_length.
  Your own data: idx:<dir> (IDX files), images:<dir> (PNG/JPEG, one subfolder per class), csv:<file>
  (a label column plus pixel or feature columns; csv:<file>#label=<column>&shape=flat); see docs/datasets.md.
  --set data.preprocess.resize=[14,14] evaluates under another preprocessing or data setting (data.*, evaluation.*,
  random_dataset.*, sum_dataset.*, baselines.*, engine.*, seed: the seed of a fixed shuffle/rand_proj), validated as
  vsml train --set is; model.*, training.*, optimizer.* and the like were fixed by meta-training and are refused.
  --idx-stats: standardize idx:, images: and csv: pixel data with the meta-training data's mean/std (default) or its own.
  --json prints one line per dataset, an eval.jsonl row (docs/contracts.md §5).
  --record appends the results to the run's eval.jsonl (marked "source": "cli", with the checkpoint's
  step and the time), so the metrics panel and "vsml export --csv --eval" show them with the run's own.`;

export const positiveInt = (v: string | undefined, flag: string, dflt: number): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new EngineError(flag, `must be a positive integer, got ${v}`, `e.g. ${flag} ${dflt}`);
  return n;
};

export async function evalCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dataset: { type: 'string', multiple: true, default: [] },
      set: { type: 'string', multiple: true, default: [] },
      episodes: { type: 'string' },
      length: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      'no-baselines': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'idx-stats': { type: 'string' },
      path: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      record: { type: 'boolean', default: false },
      // Who asked: the editor's Evaluate passes "editor"; not in the usage (users record as "cli").
      'record-source': { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    out(`${EVAL_USAGE}\n`);
    return 2;
  }
  const recordSource = values['record-source'] ?? 'cli';
  if (!(EVAL_SOURCES as readonly string[]).includes(recordSource)) throw new EngineError('--record-source', `is "${recordSource}"`, `use one of ${EVAL_SOURCES.join(', ')}`);
  // A checkpoint outside a run folder has nowhere to record to: say so before evaluating for minutes.
  if (values.record) runFolderOf(positionals[0]);
  const la = openTrainedLa(resolve(positionals[0]));
  const idxStats = values['idx-stats'];
  if (idxStats !== undefined) {
    if (idxStats !== 'training' && idxStats !== 'own') throw new EngineError('--idx-stats', `is "${idxStats}"`, 'use training (the meta-training data\'s mean/std) or own (the folder\'s)');
    la.config.data.preprocess.idx_stats = idxStats;
  }
  withEvalOverrides(la, values.set!, values.dataset!.length > 0 ? values.dataset! : undefined);
  const datasets = values.dataset!.length > 0 ? values.dataset! : la.config.evaluation.datasets;
  const runner = await createRunner(runnerChoice(la.config, values), (m) => void process.stderr.write(`${m}\n`));
  try {
    const lengths = values.length!.length > 0
      ? values.length!.map((v) => positiveInt(v, '--length', la.config.evaluation.episode_length))
      : (la.config.evaluation.lengths ?? [la.config.evaluation.episode_length]);
    const rows = [];
    for (const length of lengths) {
      rows.push(...await evaluateTrainedLa(la, runner, {
        datasets,
        length,
        episodes: positiveInt(values.episodes, '--episodes', la.config.evaluation.count),
        baselines: !values['no-baselines'],
        dataDir: values['data-dir'],
      }));
    }
    if (values.record) {
      const rec = recordEvaluation(positionals[0], rows, recordSource as EvalSource);
      process.stderr.write(`recorded ${rec.rows.length} evaluation row${rec.rows.length === 1 ? '' : 's'} in ${resolve(rec.runDir, 'eval.jsonl')}\n`);
    }
    if (values.json) {
      out(formatEvalOutput(rows));
    } else {
      // Your own data: say what was read (classes, size, split), so a wrong folder shows at once.
      const own = datasets.filter(isUserDatasetName).map((d) => `${d}: ${resolveDataset(d, { dataDir: values['data-dir'] ?? la.config.data.dir ?? undefined }).source}\n`);
      out(`Learned LA from ${la.file} (meta-step ${la.checkpoint.step}), runner ${runner.name}/${runner.backend}${values.set!.length ? `, with ${values.set!.map((s) => `--set ${s}`).join(' ')}` : ''}:\n${own.join('')}${formatEvalTable(rows)}\n`);
    }
    return 0;
  } finally {
    await runner.dispose();
  }
}

/** Applies `--set` to the trained LA's config (in place), printing warnings; throws ConfigErrors when refused or invalid. */
export function withEvalOverrides(la: TrainedLa, sets: readonly string[], datasets: readonly string[] | undefined): void {
  if (sets.length === 0) return;
  // No dataset catalog: the meta-training data need not be on this machine to evaluate (the datasets evaluated are opened anyway).
  const res = applyEvalOverrides(la.config, sets, la.file, { datasets });
  if (!res.ok) throw new ConfigErrors(res.issues);
  for (const i of res.issues) process.stderr.write(`${formatIssue(i)}\n`);
  la.config = res.config;
}
