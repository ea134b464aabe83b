import { thisMachine } from './liveness';
import { RUN_RECORD_FIELDS } from '../config/load-config';
import { discoverRuns, readRunConfig } from './run-repository';
import type { BestMetric, Provenance, RunState } from '../../protocol/run-records';
import { parseProvenance } from '../../protocol/run-records';

/**
 * One row of `vsml runs`: a run folder's state and result, plus the hyperparameters that differ
 * between the listed runs (the columns a researcher compares runs by; keys every run shares with
 * the same value say nothing and are left out).
 */
export interface RunListing {
  readonly runId: string;
  readonly dir: string;
  /** The status's state; `failed` for a run whose trainer vanished (liveness.ts). */
  readonly state: RunState | 'unknown';
  readonly step?: number;
  readonly totalSteps?: number;
  readonly best?: BestMetric;
  readonly startedAt?: string;
  /** The .vsml.json the run came from. */
  readonly config?: string;
  /** Why the state is what it is when the status cannot be believed or read. */
  readonly problem?: string;
  /** The sweep that made the run (`vsml sweep`), from its config.json. */
  readonly sweep?: string;
  /** Dotted config paths whose value differs between the listed runs → this run's value. */
  readonly params: Readonly<Record<string, unknown>>;
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
  const all = await discoverRuns(runsDir, { here: thisMachine(), ownedRunIds: new Set() });
  const runs = opts.sweep === undefined ? all : all.filter((r) => r.sweep?.name === opts.sweep);
  const configs = await Promise.all(runs.map(async (r) => (await readRunConfig(r.dir)).config ?? {}));
  const flat = configs.map((c) => flattenConfig(c));
  // A folder without a readable config (being created, damaged) takes no part in the comparison.
  const withConfig = flat.filter((f) => Object.keys(f).length > 0);
  const differing = withConfig.length > 1 ? differingPaths(withConfig) : [];
  return runs.map((r, i) => {
    const s = r.status;
    const params = Object.fromEntries(differing.map((p) => [p, flat[i][p]]));
    return {
      runId: r.runId,
      dir: r.dir,
      state: r.vanished !== undefined ? 'failed' : (s?.state ?? 'unknown'),
      ...(s ? { step: s.step, totalSteps: s.totalSteps, startedAt: s.startedAt } : {}),
      ...(s?.best ? { best: s.best } : {}),
      ...(r.source ? { config: r.source } : {}),
      ...(r.sweep ? { sweep: r.sweep.name } : {}),
      ...(r.vanished !== undefined ? { problem: r.vanished } : r.problem ? { problem: r.problem } : {}),
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
