import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EngineError } from '../../engine/errors';
import { thisMachine } from '../../engine/runs/liveness';
import { notARunFolder, readRunLock, readRunStatus, vanishedReason } from '../../engine/runs/run-repository';
import { requesterName, writeStopRequest } from '../../engine/runs/stop-request';

export const STOP_USAGE = `vsml stop <run-folder | run-id> [--runs-dir DIR] [--wait]
  Asks the trainer of a running run to stop, wherever it was started (this shell, another one, the
  editor): writes stop-request.json into the run folder; the trainer stops at its next meta-step
  boundary (or between evaluation datasets), checkpoints the last finished step, marks the run
  stopped and removes the request. A run id is looked up in DIR (default .vsml/runs).
  --wait returns once the run is no longer running and prints its state.`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why a run folder's trainer cannot be asked to stop, or its owner ("process 12 on box"). */
async function runningOwner(dir: string): Promise<{ owner?: string; refusal?: string }> {
  const { status, problem } = await readRunStatus(dir);
  if (!status) return { refusal: problem ?? `${dir}: status.json unreadable` };
  if (status.state !== 'running') return { refusal: `${status.runId} is not running (state ${status.state}); nothing to stop` };
  const { lock } = await readRunLock(dir);
  const gone = vanishedReason(status, lock, { here: thisMachine(), ownedRunIds: new Set() });
  if (gone) return { refusal: `${status.runId} says running but its ${gone}; nothing to stop` };
  return { owner: `process ${status.pid} on ${status.host ?? 'this host'}` };
}

export async function stopCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'runs-dir': { type: 'string', default: '.vsml/runs' }, wait: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) {
    out(`${STOP_USAGE}\n`);
    return 2;
  }
  const arg = positionals[0];
  // A bare id names a folder of the runs folder; anything with a separator (or an existing folder) is a path.
  const dir = /[\\/]/.test(arg) || existsSync(arg) ? resolve(arg) : join(resolve(values['runs-dir']!), arg);
  const notRun = await notARunFolder(dir, [dirname(dir)]);
  if (notRun) throw new EngineError('', notRun.replace(`${dir}: `, '').replace(`${dir} `, ''), 'pass a run folder (or the id of a run under --runs-dir)', dir);
  const { owner, refusal } = await runningOwner(dir);
  if (refusal) {
    process.stderr.write(`error: ${refusal}\n`);
    return 1;
  }
  writeStopRequest(dir, requesterName('vsml stop'));
  out(`stop requested for ${basename(dir)} (trainer: ${owner}); it stops at the next meta-step boundary and checkpoints\n`);
  if (!values.wait) return 0;
  for (;;) {
    await sleep(500);
    const { status } = await readRunStatus(dir);
    if (status && status.state !== 'running') {
      out(`${status.runId}: ${status.state} at meta-step ${status.step}\n`);
      return status.state === 'failed' ? 1 : 0;
    }
    const now = await runningOwner(dir);
    if (now.refusal && status?.state === 'running') {
      process.stderr.write(`error: ${now.refusal}\n`);
      return 1;
    }
  }
}
