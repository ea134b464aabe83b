/**
 * What `vsml eval --json` prints (docs/contracts.md §5): one line per evaluated dataset, each an
 * eval.jsonl row (`EvalRow`, docs/contracts.md §1) with `step` = the checkpoint's meta-step and
 * `time` = 0. The CLI writes it with formatEvalOutput; the extension reads it with
 * parseEvalOutput (lines that are not JSON objects, e.g. a warning, are skipped; an object that
 * is no valid row is an error naming the line and field).
 */
import { FieldError, type ParseResult, tryParse } from './fields';
import { type EvalRow, readEvalRow } from './run-records';

/** Datasets one `vsml eval` reports (a run evaluates a handful). */
const MAX_ROWS = 1000;

export function formatEvalOutput(rows: readonly EvalRow[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

export function parseEvalOutput(stdout: string): ParseResult<EvalRow[]> {
  return tryParse(() => {
    const rows: EvalRow[] = [];
    stdout.split('\n').forEach((line, i) => {
      const text = line.trim();
      if (!text.startsWith('{')) return;
      if (rows.length === MAX_ROWS) throw new FieldError('vsml eval output', `at most ${MAX_ROWS} rows`, 'more');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new FieldError(`vsml eval output line ${i + 1}`, 'a JSON object', text.slice(0, 80));
      }
      rows.push(readEvalRow(json, `vsml eval output line ${i + 1}`));
    });
    if (rows.length === 0) throw new FieldError('vsml eval output', 'one JSON line per dataset', stdout.slice(0, 80));
    return rows;
  });
}
