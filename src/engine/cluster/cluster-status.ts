import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type ClusterStatus, type ClusterWorkerInfo, type ClusterWorkerSpeed } from '../../protocol/cluster-status';
import { ES_QUEUE, type EsPairsResult, parseEsPairsResult } from '../../protocol/cluster';
import { EngineError } from '../errors';
import { redactUrl } from './redis-connection';

/** Completed jobs the speeds are read from: the newest ones, a bounded number (the queue keeps a week's). */
export const DEFAULT_RECENT_JOBS = 50;

export interface ClusterStatusOptions {
  url: string;
  /** How long Redis may take to answer at all before the status gives up (default 5 s). */
  timeoutMs?: number;
  recentJobs?: number;
  /** Where the URL came from, for errors (default `--cluster`). */
  field?: string;
}

/**
 * Per worker, pairs per second over the given job results: Σ(k1 − k0) / Σ seconds. Results of an
 * unknown shape are left out by the caller; workers come out fastest first.
 */
export function workerSpeeds(results: readonly Pick<EsPairsResult, 'worker' | 'k0' | 'k1' | 'seconds'>[]): ClusterWorkerSpeed[] {
  const byWorker = new Map<string, ClusterWorkerSpeed>();
  for (const r of results) {
    const s = byWorker.get(r.worker) ?? { worker: r.worker, jobs: 0, pairs: 0, seconds: 0, pairsPerSecond: 0 };
    s.jobs += 1;
    s.pairs += r.k1 - r.k0;
    s.seconds += r.seconds;
    byWorker.set(r.worker, s);
  }
  const speeds = [...byWorker.values()].map((s) => ({ ...s, pairsPerSecond: s.seconds > 0 ? s.pairs / s.seconds : 0 }));
  return speeds.sort((a, b) => b.pairsPerSecond - a.pairsPerSecond || a.worker.localeCompare(b.worker));
}

/**
 * `vsml cluster status`: one look at the `vsml-es` queue (workers present, job counts, recent speed
 * per worker), then the connection is closed. Unlike the coordinator and the workers, which wait out
 * an outage, this gives up after `timeoutMs` with an error naming the (masked) URL.
 */
export async function readClusterStatus(opts: ClusterStatusOptions): Promise<ClusterStatus> {
  const where = redactUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const field = opts.field ?? '--cluster';
  const recentJobs = Math.max(0, Math.floor(opts.recentJobs ?? DEFAULT_RECENT_JOBS));
  let lastError = '';
  // No endless retry: a few quick attempts within the deadline, then commands fail instead of waiting.
  const redis = new Redis(opts.url, {
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: null, // BullMQ requires it; the deadline below bounds the wait instead
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  redis.on('error', (e: Error) => (lastError = e.message));
  const queue = new Queue(ES_QUEUE, { connection: redis });
  queue.on('error', (e: Error) => (lastError = e.message));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new EngineError(field, `cannot reach Redis at ${where} within ${(timeoutMs / 1000).toFixed(0)} s${lastError ? ` (${lastError})` : ''}`, 'start redis-server there, or check the URL, its password and TLS (rediss://)')),
      timeoutMs,
    );
  });
  try {
    const read = async (): Promise<ClusterStatus> => {
      try {
        await redis.ping(); // the queue connects the client itself; a refused connection ends in 4 quick attempts
      } catch (e) {
        throw new EngineError(field, `cannot reach Redis at ${where} (${lastError || (e as Error).message})`, 'start redis-server there, or check the URL, its password and TLS (rediss://)');
      }
      const [clients, counts, completed] = await Promise.all([
        queue.getWorkers(),
        queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'),
        recentJobs > 0 ? queue.getCompleted(0, recentJobs - 1) : Promise.resolve([]),
      ]);
      const workers: ClusterWorkerInfo[] = clients
        .filter((c) => c['rawname'] !== undefined) // CLIENT LIST refused (some managed Redis): no workers to list
        .map((c) => ({ name: workerName(c['rawname']!), addr: c['addr'] ?? '', idleSeconds: Number(c['idle'] ?? 0) || 0 }));
      const results: EsPairsResult[] = [];
      for (const job of completed) {
        const r = parseEsPairsResult(job?.returnvalue);
        if (r.ok) results.push(r.message); // another protocol version's or a foreign job: not counted
      }
      const n = (k: string): number => counts[k] ?? 0;
      return {
        type: 'cluster/status', url: where, queue: ES_QUEUE, workers,
        // Prioritized jobs wait too (BullMQ keeps them apart); vsml's jobs have no priority today.
        counts: { waiting: n('waiting') + n('prioritized') + n('waiting-children'), active: n('active'), delayed: n('delayed'), failed: n('failed'), completed: n('completed') },
        recentJobs: completed.length,
        speeds: workerSpeeds(results),
      };
    };
    return await Promise.race([read(), deadline]);
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

/** BullMQ names a worker's client `bull:<queue base64>:w:<name>`; the name is what `vsml worker` set (host:pid). */
function workerName(rawname: string): string {
  const i = rawname.indexOf(':w:');
  return i >= 0 ? rawname.slice(i + 3) : rawname;
}
