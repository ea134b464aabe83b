/**
 * The cell-tick speed of this machine, measured from the newest runs in the runs folder, for the
 * cost lens and `vsml check`. The lens runs in Restricted Mode too, so this reads only through the
 * run repository: bounded, asynchronous, no links followed, and only the tail of each metrics.jsonl.
 */
import { join } from 'node:path';
import type { CostOptions, SpeedKind } from '../config/cost';
import { DEFAULT_SPEEDS, type Speed, measuredSpeed } from '../config/speed';
import { type Here, thisMachine } from './liveness';
import { discoverRuns, readRunConfig, tailJsonl } from './run-repository';

/** How many of the newest runs to look at for a speed. */
const RUNS_TO_SCAN = 10;
/** The speed comes from recent steps: the last 256 KB of metrics.jsonl (~1,500 rows) are plenty, whatever the file's size. */
const METRICS_TAIL_BYTES = 256 * 1024;
const stepSecondsOf = (v: unknown) => ({ ok: true as const, message: v as { stepSeconds?: unknown } });

/**
 * The speed of `kind` (default VSML's forward cell-ticks) from the newest run (of the last
 * RUNS_TO_SCAN) of that kind that ran on this machine and did enough work per step to measure,
 * else the assumed DEFAULT_SPEEDS[kind]. A run of another kind (a backprop run, a baseline learner)
 * says nothing about this one's speed, nor does a run of another host (a shared runs folder, a
 * cluster worker); runs written before status.json named the host count as local, as the liveness
 * rule judges them.
 */
export async function speedFromRuns(runsDir: string, here: Here = thisMachine(), kind: SpeedKind = 'vsml', opts: CostOptions = {}): Promise<Speed> {
  return (await speedsFromRuns(runsDir, [kind], here, opts))[kind]!;
}

/** speedFromRuns for several kinds with one scan of the runs folder. */
export async function speedsFromRuns(runsDir: string, kinds: readonly SpeedKind[], here: Here = thisMachine(), opts: CostOptions = {}): Promise<Partial<Record<SpeedKind, Speed>>> {
  const found: Partial<Record<SpeedKind, Speed>> = {};
  const wanted = new Set(kinds);
  const runs = await discoverRuns(runsDir, { here, ownedRunIds: new Set() });
  for (const run of runs.slice(0, RUNS_TO_SCAN)) {
    if ([...wanted].every((k) => found[k])) break;
    if (run.status?.host !== undefined && run.status.host !== here.host) continue;
    try {
      const { config } = await readRunConfig(run.dir);
      // A clone's steps are supervised updates of one cell, not meta-steps: they say nothing about a speed.
      if (config === undefined || (config as { kind?: unknown }).kind === 'clone') continue;
      const rows = (await tailJsonl(join(run.dir, 'metrics.jsonl'), stepSecondsOf, METRICS_TAIL_BYTES)).rows;
      const secs = rows.map((r) => (typeof r.stepSeconds === 'number' ? r.stepSeconds : NaN)).filter(Number.isFinite);
      if (secs.length < 2) continue;
      const r = run.status?.runner;
      const speed = measuredSpeed(config, secs, run.runId, r ? `${r.path}/${r.backend}, ${r.threads} thread(s)` : undefined, undefined, opts);
      if (speed && wanted.has(speed.kind) && !found[speed.kind]) found[speed.kind] = speed;
    } catch {
      continue; // a run folder being written or deleted: try the next
    }
  }
  for (const k of kinds) found[k] ??= DEFAULT_SPEEDS[k];
  return found;
}
