/**
 * What a (re)run of a sweep does with one combination, from the runs on disk: their status.json
 * is the truth, the sweep file only remembers which run belongs where. A run is found by the
 * `sweep` tag of its config.json, so a sweep killed before it wrote the run id still finds it.
 */
import type { DiscoveredRun } from '../runs/run-repository';
import type { SweepCombinationRecord } from '../../protocol/sweep-record';

export type SweepAction =
  /** A run of this combination finished: nothing to do. */
  | { readonly kind: 'skip'; readonly run: DiscoveredRun }
  /** Its run is being trained by a live trainer (another process): left alone. */
  | { readonly kind: 'busy'; readonly run: DiscoveredRun }
  /** Stopped, or its trainer was killed: continue it with `vsml train --resume`. */
  | { readonly kind: 'resume'; readonly run: DiscoveredRun }
  /** No run yet (or one that never got as far as a checkpoint): start one. */
  | { readonly kind: 'start' }
  /** Its run failed on its own (diverged, bad data): left as it is, for the user to look at. */
  | { readonly kind: 'failed'; readonly run: DiscoveredRun; readonly error: string };

const VANISHED = /^trainer vanished/;

/** The runs of sweep `name` that belong to `combo` (same overrides), newest first as given. */
export function runsOfCombination(name: string, combo: SweepCombinationRecord, runs: readonly DiscoveredRun[]): DiscoveredRun[] {
  const key = JSON.stringify(combo.sets);
  return runs.filter((r) => r.sweep?.name === name && JSON.stringify(r.sweep.sets) === key);
}

/**
 * The action for one combination. `runs` are its runs, newest first (runsOfCombination);
 * `hasCheckpoint` says whether a run folder holds a checkpoint to resume from.
 */
export function nextAction(runs: readonly DiscoveredRun[], hasCheckpoint: (dir: string) => boolean): SweepAction {
  const finished = runs.find((r) => r.status?.state === 'finished' && r.vanished === undefined);
  if (finished) return { kind: 'skip', run: finished };
  const run = runs.find((r) => r.status !== undefined);
  if (!run?.status) return { kind: 'start' };
  const s = run.status;
  if (s.state === 'running' && run.vanished === undefined) return { kind: 'busy', run };
  const interrupted = s.state === 'stopped' || run.vanished !== undefined || (s.state === 'failed' && VANISHED.test(s.error ?? ''));
  if (interrupted) return hasCheckpoint(run.dir) ? { kind: 'resume', run } : { kind: 'start' };
  return { kind: 'failed', run, error: s.error ?? 'failed (no reason recorded)' };
}
