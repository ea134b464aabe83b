/**
 * Stop requests (docs/contracts.md §1): a file, not a signal to a pid, so a run can be stopped
 * from the editor or another shell whoever started it, and on any machine that sees the folder.
 * The asker writes `stop-request.json` atomically; the trainer looks for it at its step boundaries
 * and stop points (run-experiment.ts), stops cleanly and removes it.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { type StopRequest, readStopRequest } from '../../protocol/run-records';
import { readRegularFile, writeFileAtomic } from './atomic-file';
import { thisMachine } from './liveness';
import { readRunLock, readRunStatus, vanishedReason } from './run-repository';

export const STOP_REQUEST_FILE = 'stop-request.json';

/** `<who> (user@host pid N)`: enough for the run's log to say who stopped it. */
export function requesterName(who: string): string {
  let user = '';
  try {
    user = `${userInfo().username}@`;
  } catch {
    // no passwd entry (containers): the host alone says enough
  }
  return `${who} (${user}${hostname()} pid ${process.pid})`;
}

/** Writes the request into the run folder `dir` (a real folder; a link at the file's name is refused). */
export function writeStopRequest(dir: string, by: string, now = new Date()): StopRequest {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new EngineError('', st ? 'is not a run folder' : 'does not exist', 'pass a run folder under .vsml/runs/', dir);
  const request: StopRequest = { requestedAt: now.toISOString(), by };
  writeFileAtomic(join(dir, STOP_REQUEST_FILE), `${JSON.stringify(request, null, 2)}\n`);
  return request;
}

/**
 * The request in `file`, or undefined when there is none. An unreadable or malformed request still
 * asks to stop (someone meant it); it is then attributed to an unknown asker.
 */
export function readStopRequestFile(file: string): StopRequest | undefined {
  let buf: Buffer | undefined;
  try {
    buf = readRegularFile(file, 64 * 1024);
  } catch (e) {
    return { requestedAt: '', by: `an unreadable ${STOP_REQUEST_FILE} (${(e as Error).message})` };
  }
  if (!buf) return undefined;
  try {
    return readStopRequest(JSON.parse(buf.toString('utf8')));
  } catch {
    return { requestedAt: '', by: `a malformed ${STOP_REQUEST_FILE}` };
  }
}

/** Removes the request (a link at its name is removed, never followed); true when there was one. */
export function removeStopRequestFile(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Whom a stop request to the run folder `dir` would reach: its live trainer ("process 12 on box"),
 * or why there is none to ask (not running, or its trainer vanished). Read through the run repository.
 */
export async function stopTarget(dir: string): Promise<{ owner: string } | { refusal: string }> {
  const { status, problem } = await readRunStatus(dir);
  if (!status) return { refusal: problem ?? `${dir}: status.json unreadable` };
  if (status.state !== 'running') return { refusal: `${status.runId} is not running (state ${status.state}); nothing to stop` };
  const { lock } = await readRunLock(dir);
  const gone = vanishedReason(status, lock, { here: thisMachine(), ownedRunIds: new Set() });
  if (gone) return { refusal: `${status.runId} says running but its ${gone}; nothing to stop` };
  return { owner: `process ${status.pid} on ${status.host ?? 'this host'}` };
}
