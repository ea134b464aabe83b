import { parseArgs } from 'node:util';
import { EngineError } from '../../engine/errors';
import { EsWorker } from '../../engine/cluster/es-worker';
import { checkClusterUrl } from '../../engine/cluster/redis-connection';
import { createRunner, parseEnginePath } from '../../engine/runner/create-runner';

export const WORKER_USAGE = `vsml worker --cluster redis://HOST:PORT [--threads K] [--path auto|fused|tfjs|reference]
            [--data-dir DIR] [--stall-seconds S]
  Joins a cluster: evaluates the ES pairs that \`vsml train --cluster URL\` coordinators put on the
  Redis queue, until stopped (Ctrl-C finishes the job in hand; a second Ctrl-C quits at once, and the
  queue gives the job to another worker after S seconds, default 30). --threads K rollout threads
  (default 1). --data-dir: where this machine keeps the datasets (default: the config's data.dir,
  $VSML_DATA_DIR, ~/.cache/vsml-lab/datasets). rediss:// URLs use TLS; redis://:PASSWORD@HOST:PORT
  passes a password.`;

export async function workerCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cluster: { type: 'string' },
      threads: { type: 'string', default: '1' },
      path: { type: 'string', default: 'auto' },
      'data-dir': { type: 'string' },
      'stall-seconds': { type: 'string', default: '30' },
    },
  });
  if (positionals.length > 0 || !values.cluster) {
    out(`${WORKER_USAGE}\n`);
    return 2;
  }
  const url = checkClusterUrl(values.cluster, '--cluster');
  const threads = Number(values.threads);
  // At least one thread: the kernel then runs off the main thread, which must keep renewing the job's lock.
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new EngineError('--threads', `is "${values.threads}"`, 'use an integer in [1, 256]');
  const stallSeconds = Number(values['stall-seconds']);
  if (!Number.isFinite(stallSeconds) || stallSeconds < 1) throw new EngineError('--stall-seconds', `is "${values['stall-seconds']}"`, 'use a number of seconds >= 1');
  const log = (level: 'info' | 'warn' | 'error', m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${level === 'info' ? '' : `${level}: `}${m}\n`);
  const runner = await createRunner({ path: parseEnginePath(values.path!, '--path'), backend: 'auto', threads }, (m) => log('warn', m));
  let worker: EsWorker;
  try {
    worker = await EsWorker.start({ url, runner, dataDir: values['data-dir'], stallSeconds, log });
  } catch (e) {
    await runner.dispose();
    throw e;
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(130);
      stopping = true;
      log('info', 'stopping after the job in hand (Ctrl-C again quits at once)');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await worker.close();
  await runner.dispose();
  log('info', `stopped after ${worker.done} job(s)`);
  return 0;
}
