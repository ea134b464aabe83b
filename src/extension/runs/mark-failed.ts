/**
 * Writes `failed` (with the reason) into a run's status.json when its trainer crashed, was killed
 * or vanished, so every reader (CLI, panels, the explorer after a reload) agrees. Metrics,
 * eval lines and checkpoints are left untouched. Only a status still claiming `running` is changed:
 * a trainer that reported its own failure (or finished) keeps its words.
 * Nothing is written in Restricted Mode, nor into a run folder holding planted links (run-folder.ts).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../engine/runs/atomic-file';
import { assertSafeRunFolder } from '../../engine/runs/run-folder';
import { failedStatus, readJsonRecord } from '../../engine/runs/run-repository';
import { parseRunStatus, type RunStatus } from '../../protocol/run-records';

export interface MarkFailedOptions {
  /** vscode.workspace.isTrusted: an untrusted workspace's files are never written. */
  readonly trusted: boolean;
  readonly now?: Date;
}

export async function markRunFailed(runDir: string, reason: string, opts: MarkFailedOptions): Promise<RunStatus | undefined> {
  if (!opts.trusted) return undefined;
  const file = join(runDir, 'status.json');
  // The raw object, so fields this reader does not know about are kept.
  const raw = await readJsonRecord(file, (v) => ({ ok: true, message: v }));
  if (raw.value === undefined) return undefined; // no (readable) status: the trainer died before creating its run
  const parsed = parseRunStatus(raw.value);
  if (!parsed.ok || parsed.message.state !== 'running') return undefined;
  const next = { ...(raw.value as object), ...failedStatus(parsed.message, reason, opts.now ?? new Date()) };
  assertSafeRunFolder(runDir);
  writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  return next as RunStatus;
}
