import { parseArgs } from 'node:util';
import { EngineError } from '../../engine/errors';
import { DEFAULT_RECENT_JOBS, readClusterStatus } from '../../engine/cluster/cluster-status';
import { checkClusterUrl } from '../../engine/cluster/redis-connection';
import { type ClusterStatus, formatClusterStatus } from '../../protocol/cluster-status';

export const CLUSTER_USAGE = `vsml cluster status [--cluster redis://HOST:PORT] [--json] [--jobs N] [--timeout S]
  The cluster's queue once: the vsml workers connected, the jobs waiting, active, delayed, failed
  and completed, and each worker's speed (ES pairs per second over the newest N completed jobs,
  default ${DEFAULT_RECENT_JOBS}). Without --cluster: $VSML_CLUSTER. --json: one line (docs/contracts.md §6).
  Redis not answering within S seconds (default 5): an error, exit 1.`;

export async function clusterCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cluster: { type: 'string' },
      json: { type: 'boolean', default: false },
      jobs: { type: 'string', default: String(DEFAULT_RECENT_JOBS) },
      timeout: { type: 'string', default: '5' },
    },
  });
  // The extension passes the URL as VSML_CLUSTER: on a command line `ps` would show its password.
  const url = values.cluster ?? process.env['VSML_CLUSTER'];
  if (positionals.length !== 1 || positionals[0] !== 'status' || !url) {
    out(`${CLUSTER_USAGE}\n`);
    return 2;
  }
  const where = values.cluster ? '--cluster' : 'VSML_CLUSTER';
  checkClusterUrl(url, where);
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 0 || jobs > 10_000) throw new EngineError('--jobs', `is "${values.jobs}"`, 'use an integer in [0, 10000]');
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) throw new EngineError('--timeout', `is "${values.timeout}"`, 'use a number of seconds in (0, 600]');
  const status = await readClusterStatus({ url, timeoutMs: timeout * 1000, recentJobs: jobs, field: where });
  out(values.json ? formatClusterStatus(status) : describeClusterStatus(status));
  return 0;
}

/** The human-readable status: a summary line, then one line per worker with its speed. */
export function describeClusterStatus(s: ClusterStatus): string {
  const c = s.counts;
  const lines = [
    `cluster ${s.url} (queue ${s.queue}): ${s.workers.length} worker${s.workers.length === 1 ? '' : 's'}`,
    `jobs: ${c.waiting} waiting, ${c.active} active, ${c.delayed} delayed, ${c.failed} failed, ${c.completed} completed`,
  ];
  const speed = new Map(s.speeds.map((x) => [x.worker, x]));
  for (const w of s.workers) {
    const x = speed.get(w.name);
    lines.push(`  ${w.name}  ${w.addr || '?'}  idle ${w.idleSeconds} s  ${x ? `${x.pairsPerSecond.toFixed(1)} pairs/s (${x.jobs} of the last ${s.recentJobs} jobs)` : 'no recent jobs'}`);
  }
  // Workers gone since their jobs completed still say how fast the cluster was.
  for (const x of s.speeds) if (!s.workers.some((w) => w.name === x.worker)) lines.push(`  ${x.worker}  (gone)  ${x.pairsPerSecond.toFixed(1)} pairs/s (${x.jobs} of the last ${s.recentJobs} jobs)`);
  return `${lines.join('\n')}\n`;
}
