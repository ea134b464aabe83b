import { thisMachine } from './liveness';
import { RUN_RECORD_FIELDS } from '../config/load-config';
import { discoverRuns, readRunConfig } from './run-repository';
import type { Provenance } from '../../protocol/run-records';
import { parseProvenance } from '../../protocol/run-records';
import { readRunAnnotations } from './annotations';
import type { RunRow } from '../../protocol/runs-table';

/**
 * One row of `vsml runs` and of the runs table: a run folder's state and result, its notes and
 * tags, plus the hyperparameters that differ between the listed runs (the columns a researcher
 * compares runs by; keys every run shares with the same value say nothing and are left out).
 * The wire shape (without `dir`) is RunRow of src/protocol/runs-table.ts.
 */
export interface RunListing extends RunRow {
  readonly dir: string;
  /** What produced the run: status.json's (the latest trainer session), else config.json's; absent in older runs. */
  readonly provenance?: Provenance;
}

/** Config keys that name or describe a run rather than configure it (the trainer's own keys of config.json, and the name). */
const IDENTITY_KEYS = new Set<string>(['name', ...RUN_RECORD_FIELDS]);

/** Leaves of a config as dotted paths; arrays are leaves (layer specs, dataset lists). */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (prefix === '' && IDENTITY_KEYS.has(k)) continue;
      flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix !== '') {
    out[prefix] = value;
  }
  return out;
}

/** The paths whose value is not the same in every config (a path missing from some counts as differing). */
export function differingPaths(configs: readonly Record<string, unknown>[]): string[] {
  const paths = new Set(configs.flatMap((c) => Object.keys(c)));
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return [...paths].filter((p) => configs.some((c) => !(p in c) || !same(c[p], configs[0][p]))).sort();
}

/**
 * Every run under `runsDir` (only those of sweep `opts.sweep` when given), newest first, read
 * through the run repository (bounded, no links followed).
 */
export async function listRuns(runsDir: string, opts: { sweep?: string } = {}): Promise<RunListing[]> {
  return listRunsIn([runsDir], new Set(), opts);
}

/**
 * Every run under each of `runsDirs` (the runs folders of a multi-root workspace), newest first
 * within each folder; the differing hyperparameters are computed across all of them. Runs in
 * `ownedRunIds` are trained by the caller itself and never judged vanished.
 */
export async function listRunsIn(runsDirs: readonly string[], ownedRunIds: ReadonlySet<string> = new Set(), opts: { sweep?: string } = {}): Promise<RunListing[]> {
  const ctx = { here: thisMachine(), ownedRunIds };
  const all = (await Promise.all(runsDirs.map((d) => discoverRuns(d, ctx)))).flat();
  const runs = opts.sweep === undefined ? all : all.filter((r) => r.sweep?.name === opts.sweep);
  const [configs, notes] = await Promise.all([
    Promise.all(runs.map(async (r) => (await readRunConfig(r.dir)).config ?? {})),
    Promise.all(runs.map((r) => readRunAnnotations(r.dir))),
  ]);
  const flat = configs.map((c) => flattenConfig(c));
  // A folder without a readable config (being created, damaged) takes no part in the comparison.
  const withConfig = flat.filter((f) => Object.keys(f).length > 0);
  const differing = withConfig.length > 1 ? differingPaths(withConfig) : [];
  return runs.map((r, i) => {
    const s = r.status;
    const params = Object.fromEntries(differing.map((p) => [p, flat[i][p]]));
    const problems = [r.vanished ?? r.problem, notes[i].problem].filter((p): p is string => !!p);
    return {
      runId: r.runId,
      dir: r.dir,
      state: r.vanished !== undefined ? 'failed' : (s?.state ?? 'unknown'),
      ...(s ? { step: s.step, totalSteps: s.totalSteps, startedAt: s.startedAt } : {}),
      ...(s?.best ? { best: s.best } : {}),
      ...(r.source ? { config: r.source } : {}),
      ...(r.sweep ? { sweep: r.sweep.name } : {}),
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
      notes: notes[i].annotations.notes,
      tags: notes[i].annotations.tags,
      params,
      ...provenanceOf(s?.provenance, configs[i]),
    };
  });
}

function provenanceOf(fromStatus: Provenance | undefined, config: unknown): { provenance?: Provenance } {
  if (fromStatus) return { provenance: fromStatus };
  const raw = (config as { provenance?: unknown } | null)?.provenance;
  const p = raw === undefined ? undefined : parseProvenance(raw);
  return p?.ok ? { provenance: p.message } : {};
}

/** The hyperparameter columns of a listing: the differing paths, which every row carries alike. */
export function paramKeysOf(rows: readonly RunListing[]): string[] {
  return rows.length > 0 ? Object.keys(rows[0].params) : [];
}

/**
 * `rows` narrowed to a subset of a listing (a tag filter): hyperparameters that no longer differ
 * between the kept rows are dropped, so the columns still say what sets these runs apart.
 */
export function withDifferingParams(rows: readonly RunListing[]): RunListing[] {
  // Every row carries the same params keys, so differingPaths over them is exactly "still differs".
  const keys = differingPaths(rows.map((r) => r.params));
  return rows.map((r) => ({ ...r, params: Object.fromEntries(keys.map((k) => [k, r.params[k]])) }));
}
