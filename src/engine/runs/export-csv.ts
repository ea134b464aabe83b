import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { readJsonl } from './atomic-file';
import type { EvalRow } from '../../protocol/run-records';

/**
 * A run's records as CSV for spreadsheets and papers (`vsml export <run> --csv [--eval]`).
 * metrics.jsonl becomes one row per meta-step with a column for every key that appears in any
 * line: `step`, `time`, `stepSeconds` first, then the others in the order they first appear (a
 * resumed run or another meta-optimizer may add keys; a line without one leaves its cell empty).
 * eval.jsonl becomes one row per (step, dataset, method) with that method's scalar figures; the
 * per-step accuracy curves stay in the JSON. Torn or corrupt lines are skipped, as every reader
 * of run folders does (readJsonl).
 */

export interface CsvExport {
  readonly csv: string;
  /** Data rows written (without the header). */
  readonly rows: number;
  /** Lines of the JSONL file that could not be read. */
  readonly skipped: number;
}

const METRICS_LEAD = ['step', 'time', 'stepSeconds'];
const EVAL_LEAD = ['step', 'time', 'dataset', 'split', 'length', 'episodes', 'method', 'meanAccuracy', 'finalAccuracy', 'meanLoss', 'lr', 'model'];
/** Per-step arrays: too long for a cell, kept in eval.jsonl. */
const EVAL_ARRAYS = new Set(['curve', 'lossCurve']);

/** One CSV cell (RFC 4180): numbers in full precision, objects as JSON, quoted when needed. */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header = lead columns, then every other key in first-seen order. */
function columnsOf(rows: readonly Record<string, unknown>[], lead: readonly string[]): string[] {
  const cols = [...lead];
  const seen = new Set(cols);
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), cols.push(k));
  return cols;
}

function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].map((l) => `${l}\n`).join('');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks that `dir` is a run folder; throws naming it otherwise. */
export function checkRunFolder(dir: string): void {
  if (!existsSync(dir)) throw new EngineError('', 'does not exist', 'pass a run folder, e.g. .vsml/runs/<run-id> (`ls .vsml/runs`)', dir);
  if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'config.json'))) {
    throw new EngineError('', 'is not a run folder (no config.json)', 'pass a folder under .vsml/runs/', dir);
  }
}

/** metrics.jsonl as CSV. */
export function exportMetricsCsv(dir: string): CsvExport {
  checkRunFolder(dir);
  const { rows, skipped } = readJsonl(join(dir, 'metrics.jsonl'));
  const good = rows.filter(isObject);
  return { csv: toCsv(good, columnsOf(good, METRICS_LEAD)), rows: good.length, skipped: skipped + rows.length - good.length };
}

/** eval.jsonl as CSV, one row per (step, dataset, method). */
export function exportEvalCsv(dir: string): CsvExport {
  checkRunFolder(dir);
  const { rows, skipped } = readJsonl<EvalRow>(join(dir, 'eval.jsonl'));
  const good = rows.filter((r) => isObject(r) && isObject(r.methods));
  const flat: Record<string, unknown>[] = [];
  for (const r of good) {
    const { methods, ...context } = r;
    for (const [method, result] of Object.entries(methods)) {
      if (!isObject(result)) continue;
      const scalars = Object.fromEntries(Object.entries(result).filter(([k]) => !EVAL_ARRAYS.has(k)));
      flat.push({ ...context, method, ...scalars });
    }
  }
  return { csv: toCsv(flat, columnsOf(flat, EVAL_LEAD)), rows: flat.length, skipped: skipped + rows.length - good.length };
}
