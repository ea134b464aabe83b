import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EngineError } from '../../engine/errors';
import { notARunFolder, readRunStatus } from '../../engine/runs/run-repository';
import { requesterName, stopTarget, writeStopRequest } from '../../engine/runs/stop-request';

export const STOP_USAGE = `vsml stop <run-folder | run-id> [--runs-dir DIR] [--wait]
  Asks the trainer of a running run to stop, wherever it was started (this shell, another one, the
  editor): writes stop-request.json into the run folder; the trainer stops at its next meta-step
  boundary (or between evaluation datasets), checkpoints the last finished step, marks the run
  stopped and removes the request. A run id is looked up in DIR (default .vsml/runs).
  --wait returns once the run is no longer running and prints its state.`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  const target = await stopTarget(dir);
  if ('refusal' in target) {
    process.stderr.write(`error: ${target.refusal}\n`);
    return 1;
  }
  writeStopRequest(dir, requesterName('vsml stop'));
  out(`stop requested for ${basename(dir)} (trainer: ${target.owner}); it stops at the next meta-step boundary and checkpoints\n`);
  if (!values.wait) return 0;
  for (;;) {
    await sleep(500);
    const { status } = await readRunStatus(dir);
    if (status && status.state !== 'running') {
      out(`${status.runId}: ${status.state} at meta-step ${status.step}\n`);
      return status.state === 'failed' ? 1 : 0;
    }
    const now = await stopTarget(dir);
    if ('refusal' in now && status?.state === 'running') {
      process.stderr.write(`error: ${now.refusal}\n`);
      return 1;
    }
  }
}
