/**
 * Evaluations run after training (the editor's Evaluate, `vsml eval --record`) appended to the run's
 * eval.jsonl beside the trainer's rows (docs/contracts.md §1): the same row shape, marked with
 * `source` and `recordedAt`, `step` the checkpoint's meta-step. Written through RunFolder, the one
 * writer of run folders (no symlink followed, one appended line per row), and noted in trainer.log.
 */
import { lstatSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { EngineError } from '../errors';
import type { EvalRow, EvalSource } from '../../protocol/run-records';
import { CHECKPOINTS_DIR, RunFolder } from './run-folder';

/** The run folder an evaluation target belongs to: the folder itself, or the run holding `checkpoints/<file>`. */
export function runFolderOf(target: string): string {
  const full = resolve(target);
  const st = lstatSync(full, { throwIfNoEntry: false });
  if (st?.isDirectory()) return full;
  if (basename(dirname(full)) === CHECKPOINTS_DIR) return dirname(dirname(full));
  throw new EngineError('--record', `${full} is a checkpoint outside a run folder: there is no eval.jsonl to record to`,
    'evaluate the run folder (.vsml/runs/<id>) or one of its checkpoints/, or leave out --record', full);
}

/** The rows as recorded: each marked with who ran it and when. */
export function recordedRows(rows: readonly EvalRow[], source: EvalSource, now: Date): EvalRow[] {
  return rows.map((r) => ({ ...r, source, recordedAt: now.toISOString() }));
}

/** Appends the evaluation rows to the run's eval.jsonl and a line to its trainer.log; returns what was written. */
export function recordEvaluation(target: string, rows: readonly EvalRow[], source: EvalSource, now = new Date()): { runDir: string; rows: EvalRow[] } {
  const runDir = runFolderOf(target);
  const run = RunFolder.open(runDir);
  const out = recordedRows(rows, source, now);
  try {
    for (const r of out) run.appendEval(r);
    const what = [...new Set(out.map((r) => `${r.dataset} (T=${r.length})`))].join(', ');
    if (out.length > 0) run.appendLog('info', `evaluation from the ${source} recorded in eval.jsonl: checkpoint step ${out[0].step}, ${what}`, now);
  } finally {
    run.close();
  }
  return { runDir, rows: out };
}
