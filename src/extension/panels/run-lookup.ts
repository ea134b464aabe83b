/**
 * Finding runs for the panels: every run folder under the workspace's runs folders, newest first,
 * with the state the explorer shows (a `running` status whose trainer is gone reads as failed).
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../protocol/panel-fields';
import { thisMachine } from '../../engine/runs/liveness';
import { type DiscoveredRun, discoverRuns } from '../../engine/runs/run-repository';

export interface FoundRun {
  readonly summary: RunSummary;
  readonly dir: string;
}

function toFound(r: DiscoveredRun): FoundRun {
  const s = r.status;
  return {
    dir: r.dir,
    summary: {
      runId: r.runId,
      name: s?.name ?? r.runId,
      state: r.vanished ? 'failed' : (s?.state ?? 'failed'),
      step: s?.step ?? 0,
      totalSteps: s?.totalSteps ?? 0,
    },
  };
}

export async function listRuns(runsDirs: readonly string[], owned: ReadonlySet<string> = new Set()): Promise<FoundRun[]> {
  const ctx = { here: thisMachine(), ownedRunIds: owned };
  const all = (await Promise.all(runsDirs.map((d) => discoverRuns(d, ctx)))).flat().filter((r) => r.status !== undefined);
  return all.map(toFound);
}

/** The folder of a run id, or undefined: a real folder (not a link) holding a regular status.json. */
export function runDirOf(runsDirs: readonly string[], runId: string): string | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(runId) || runId.startsWith('.')) return undefined; // ids never hold path separators
  const isReal = (p: string, dir: boolean): boolean => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    return !!st && (dir ? st.isDirectory() : st.isFile());
  };
  return runsDirs.map((d) => join(d, runId)).find((d) => isReal(d, true) && isReal(join(d, 'status.json'), false));
}

/** A run id from a command argument: a string, or an object with a `runId` (a tree item). */
export function runIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as { runId?: unknown; run?: { runId?: unknown } };
    if (typeof o.runId === 'string') return o.runId;
    if (typeof o.run?.runId === 'string') return o.run.runId;
  }
  return undefined;
}
