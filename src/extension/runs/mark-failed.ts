/**
 * Writes `failed` (with the reason) into a run's status.json when its trainer crashed, was killed
 * or vanished, so every reader (CLI, panels, the explorer after a reload) agrees. Metrics,
 * eval lines and checkpoints are left untouched. Only a status still claiming `running` is changed:
 * a trainer that reported its own failure (or finished) keeps its words.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../engine/runs/atomic-file';
import { parseRunStatus, type RunStatus } from '../../protocol/run-records';
import { failedStatus } from './run-discovery';

export async function markRunFailed(runDir: string, reason: string, now = new Date()): Promise<RunStatus | undefined> {
  const file = join(runDir, 'status.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined; // no status yet: the trainer died before creating its run
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = parseRunStatus(json);
  if (!parsed.ok || parsed.message.state !== 'running') return undefined;
  // Keep fields this reader does not know about: patch the raw object, not the parsed one.
  const next = { ...(json as object), ...failedStatus(parsed.message, reason, now) };
  writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  return next as RunStatus;
}
