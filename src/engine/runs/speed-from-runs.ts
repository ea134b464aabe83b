/**
 * The cell-tick speed of this machine, measured from the newest runs in the runs folder, for the
 * cost lens and `vsml check`. The lens runs in Restricted Mode too, so this reads only through the
 * run repository: bounded, asynchronous, no links followed, and only the tail of each metrics.jsonl.
 */
import { join } from 'node:path';
import { DEFAULT_SPEED, type Speed, measuredSpeed } from '../config/speed';
import { type Here, thisMachine } from './liveness';
import { discoverRuns, readRunConfig, tailJsonl } from './run-repository';

/** How many of the newest runs to look at for a speed. */
const RUNS_TO_SCAN = 10;
/** The speed comes from recent steps: the last 256 KB of metrics.jsonl (~1,500 rows) are plenty, whatever the file's size. */
const METRICS_TAIL_BYTES = 256 * 1024;
const stepSecondsOf = (v: unknown) => ({ ok: true as const, message: v as { stepSeconds?: unknown } });

/**
 * The speed of the newest run (of the last RUNS_TO_SCAN) that ran on this machine and did enough
 * work per step to measure, else DEFAULT_SPEED. A run of another host (a shared runs folder, a
 * cluster worker) says nothing about this machine; runs written before status.json named the host
 * count as local, as the liveness rule judges them.
 */
export async function speedFromRuns(runsDir: string, here: Here = thisMachine()): Promise<Speed> {
  const runs = await discoverRuns(runsDir, { here, ownedRunIds: new Set() });
  for (const run of runs.slice(0, RUNS_TO_SCAN)) {
    if (run.status?.host !== undefined && run.status.host !== here.host) continue;
    try {
      const { config } = await readRunConfig(run.dir);
      if (config === undefined) continue;
      const rows = (await tailJsonl(join(run.dir, 'metrics.jsonl'), stepSecondsOf, METRICS_TAIL_BYTES)).rows;
      const secs = rows.map((r) => (typeof r.stepSeconds === 'number' ? r.stepSeconds : NaN)).filter(Number.isFinite);
      if (secs.length < 2) continue;
      const r = run.status?.runner;
      const speed = measuredSpeed(config, secs, run.runId, r ? `${r.path}/${r.backend}, ${r.threads} thread(s)` : undefined);
      if (speed) return speed;
    } catch {
      continue; // a run folder being written or deleted: try the next
    }
  }
  return DEFAULT_SPEED;
}

