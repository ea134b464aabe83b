import { createHash } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { EngineError } from '../errors';
import { PairEvaluator, PairOutcome, PairRange } from '../meta/es-step';
import { StopRequested } from '../stop';
import {
  CLUSTER_PROTOCOL_VERSION, ES_QUEUE, EsPairsJob, EsPairsResult, configRedisKey, parseEsPairsResult,
} from '../../protocol/cluster';
import { configHash } from './config-key';
import { encodeTheta } from './theta-codec';
import { redactUrl, redisConnection } from './redis-connection';

export interface EsCoordinatorOptions {
  url: string;
  /** The run's resolved config (its config.json): published once, named by hash in every job. */
  config: unknown;
  /** Names the run in jobs and worker logs (the run id once known, see `runId`). */
  runId: string;
  /** How long Redis may stay unreachable before the step fails (default 300 s). */
  redisTimeoutSeconds?: number;
  /** Jobs per worker present: more balances uneven workers and loses less to a dead one (default 2). */
  jobsPerWorker?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Where one step's time went on the coordinator (milliseconds), for the log and bench:cluster. */
export interface StepTimings {
  jobs: number;
  workers: number;
  /** Config record, θ encoding and job payloads, plus the addBulk round trip. */
  publishMs: number;
  /** From the jobs being queued to the last result read. */
  waitMs: number;
  /** Reading and validating results. */
  collectMs: number;
  /** Per job: the worker and the seconds it reported computing. */
  compute: { worker: string; seconds: number }[];
}

/** Jobs stay this long after they finish, so a resumed coordinator finds the results of its step. */
const KEEP_SECONDS = 24 * 3600;
/** Every pending job is looked up this often, besides the completion events (which a Redis restart can lose). */
const FULL_CHECK_MS = 1000;
const UNREACHABLE_FIX = 'start redis-server there (`redis-server --bind HOST`), or check the URL, its password and TLS (rediss://)';
const OUTAGE_FIX = 'start Redis again and continue with `vsml train --resume <run-folder> --cluster URL`';

/** The config record outlives the longest run between two steps. */
const CONFIG_TTL_SECONDS = 7 * 24 * 3600;

/** [k0, k1) split into `n` contiguous ranges whose sizes differ by at most one. */
export function splitPairs(k0: number, k1: number, n: number): [number, number][] {
  const total = k1 - k0;
  const parts = Math.max(1, Math.min(n, total));
  const out: [number, number][] = [];
  for (let i = 0, a = k0; i < parts; i++) {
    const b = a + Math.floor(total / parts) + (i < total % parts ? 1 : 0);
    out.push([a, b]);
    a = b;
  }
  return out;
}

/**
 * The coordinator side of cluster ES (`vsml train --cluster URL`): evaluates a step's pairs by
 * putting jobs of pair ranges on the BullMQ queue and collecting their results by job id.
 * Job ids derive from (config, step, range, θ), so a resumed coordinator that re-queues a step
 * finds the jobs and results already there instead of counting them twice. Results go through
 * src/protocol/cluster.ts; the step's update (esUpdate) then runs here as it does locally.
 */
export class EsCoordinator implements PairEvaluator {
  runId: string;
  lastTimings: StepTimings | undefined;
  private readonly configKey: string;
  private readonly configRecord: string;
  private readonly finished = new Set<string>();
  /** Failed jobs given one more round by this coordinator. */
  private readonly retried = new Set<string>();
  private wake: (() => void) | undefined;
  private downSince: number | undefined;
  private downReason = '';
  private noWorkersSaid = false;

  private constructor(
    private readonly opts: EsCoordinatorOptions,
    private readonly connections: readonly Redis[],
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.runId = opts.runId;
    this.configKey = configHash(opts.config);
    this.configRecord = JSON.stringify({ v: CLUSTER_PROTOCOL_VERSION, config: opts.config });
  }

  static async connect(opts: EsCoordinatorOptions): Promise<EsCoordinator> {
    const where = redactUrl(opts.url);
    const self: { c?: EsCoordinator } = {};
    let firstError = '';
    const onError = (e: Error): void => {
      firstError ||= e.message;
      self.c?.lost(e);
    };
    // Reach Redis before BullMQ is involved: its objects cannot be closed while Redis never answered.
    const redis = redisConnection(opts.url, onError);
    try {
      await withDeadline(redis.ping(), Math.min((opts.redisTimeoutSeconds ?? 300) * 1000, 30_000), () => `cannot reach Redis at ${where}${firstError ? ` (${firstError})` : ''}`, undefined, UNREACHABLE_FIX);
    } catch (e) {
      redis.disconnect();
      throw e;
    }
    // BullMQ leaves connections it was given open on close(): ours are disconnected in close().
    const queueRedis = redisConnection(opts.url, onError);
    const eventsRedis = redisConnection(opts.url, onError);
    const queue = new Queue(ES_QUEUE, { connection: queueRedis });
    const events = new QueueEvents(ES_QUEUE, { connection: eventsRedis });
    queue.on('error', onError);
    events.on('error', onError);
    const c = new EsCoordinator(opts, [redis, queueRedis, eventsRedis], queue, events);
    self.c = c;
    for (const r of [redis, queueRedis, eventsRedis]) r.on('ready', () => c.back());
    events.on('completed', ({ jobId }) => c.notify(jobId));
    events.on('failed', ({ jobId }) => c.notify(jobId));
    await c.guard(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]));
    opts.log('info', `coordinating on ${where} (queue ${ES_QUEUE}, protocol ${CLUSTER_PROTOCOL_VERSION})`);
    return c;
  }

  /** Workers connected to the queue now (BullMQ lists their Redis clients). */
  async workers(): Promise<number> {
    try {
      return await this.queue.getWorkersCount();
    } catch {
      return 0; // CLIENT LIST refused (some managed Redis): plan for one worker
    }
  }

  async evaluate(theta: Float64Array, range: PairRange, signal?: AbortSignal): Promise<PairOutcome[]> {
    const t0 = performance.now();
    const workers = await this.guard(this.workers());
    if (workers === 0 && !this.noWorkersSaid) {
      this.opts.log('warn', `no worker on ${redactUrl(this.opts.url)} yet; the step waits for one (start \`vsml worker --cluster URL\`)`);
      this.noWorkersSaid = true;
    }
    if (workers > 0) this.noWorkersSaid = false;
    const ranges = splitPairs(range.k0, range.k1, Math.max(1, workers) * (this.opts.jobsPerWorker ?? 2));
    const thetaText = encodeTheta(theta);
    const thetaKey = createHash('sha256').update(thetaText).digest('hex').slice(0, 16);
    const jobs = new Map<string, EsPairsJob>();
    for (const [k0, k1] of ranges) {
      const id = `es.${this.configKey.slice(0, 16)}.${range.step}.${k0}-${k1}.${thetaKey}`;
      jobs.set(id, { v: CLUSTER_PROTOCOL_VERSION, type: 'es/pairs', runId: this.runId, configKey: this.configKey, step: range.step, k0, k1, T: range.T, theta: thetaText });
    }
    this.finished.clear();
    await this.guard(this.enqueue(jobs));
    const t1 = performance.now();

    const results = new Map<string, EsPairsResult>();
    let collectMs = 0;
    let lastFull = -Infinity; // first look at every job: some may have finished before (a resumed step)
    let wasDown = false;
    while (results.size < jobs.size) {
      if (signal?.aborted) throw new StopRequested();
      const full = performance.now() - lastFull >= FULL_CHECK_MS || wasDown;
      const ids = full ? [...jobs.keys()].filter((id) => !results.has(id)) : [...this.finished].filter((id) => jobs.has(id) && !results.has(id));
      this.finished.clear();
      if (full) lastFull = performance.now();
      wasDown = false;
      const missing = new Map<string, EsPairsJob>();
      for (const id of ids) {
        const job = await this.guard(Job.fromId(this.queue, id));
        const c0 = performance.now();
        if (!job) missing.set(id, jobs.get(id)!);
        else if (job.returnvalue) results.set(id, this.readResult(id, jobs.get(id)!, job.returnvalue));
        else if (job.finishedOn && !this.retried.has(id)) {
          // It may have failed for an earlier coordinator (a worker since fixed, then --resume): one more round, then its failure counts.
          this.retried.add(id);
          this.opts.log('warn', `job ${id} had failed (${job.failedReason}); queuing it once more`);
          await this.guard(job.retry('failed'));
        } else if (job.finishedOn)
          throw new EngineError('engine.cluster', `job ${id} (pairs [${jobs.get(id)!.k0}, ${jobs.get(id)!.k1}) of step ${range.step}) failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`, 'see the worker\'s log; fix its data folder (--data-dir) or version, then resume the run');
        collectMs += performance.now() - c0;
      }
      if (missing.size > 0) {
        // Gone from Redis (restarted without persistence, or removed): queue them again, same ids.
        this.opts.log('warn', `${missing.size} job(s) of step ${range.step} are no longer in Redis; queuing them again`);
        await this.guard(this.enqueue(missing));
      }
      if (results.size < jobs.size) wasDown = await this.nap(signal);
    }
    const t2 = performance.now();

    const outcomes: PairOutcome[] = new Array(range.k1 - range.k0);
    for (const r of results.values())
      for (let k = r.k0; k < r.k1; k++) {
        const i = k - r.k0;
        outcomes[k - range.k0] = { lossPos: r.lossPos[i], lossNeg: r.lossNeg[i], correct: r.correct[i], count: r.count[i] };
      }
    this.lastTimings = {
      jobs: jobs.size, workers, publishMs: t1 - t0, waitMs: t2 - t1, collectMs,
      compute: [...results.values()].map((r) => ({ worker: r.worker, seconds: r.seconds })),
    };
    return outcomes;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    for (const r of this.connections) r.disconnect();
  }

  private readResult(id: string, job: EsPairsJob, value: unknown): EsPairsResult {
    const r = parseEsPairsResult(value);
    if (!r.ok) throw new EngineError('engine.cluster', `job ${id} returned a malformed result: ${r.error}`, 'run the same vsml version on the coordinator and every worker');
    if (r.message.k0 !== job.k0 || r.message.k1 !== job.k1)
      throw new EngineError('engine.cluster', `job ${id} returned pairs [${r.message.k0}, ${r.message.k1}), not [${job.k0}, ${job.k1})`, 'run the same vsml version on the coordinator and every worker');
    return r.message;
  }

  private async enqueue(jobs: Map<string, EsPairsJob>): Promise<void> {
    // Before the jobs: a worker reads the config when it takes the first one (also after a Redis restart lost it).
    await this.connections[0].set(configRedisKey(this.configKey), this.configRecord, 'EX', CONFIG_TTL_SECONDS);
    await this.queue.addBulk(
      [...jobs].map(([jobId, data]) => ({
        name: 'es/pairs',
        data,
        opts: { jobId, attempts: 5, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
      })),
    );
  }

  private notify(jobId: string): void {
    this.finished.add(jobId);
    this.wake?.();
  }

  private lost(e: Error): void {
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.downReason = e.message;
      this.opts.log('warn', `Redis at ${redactUrl(this.opts.url)} unreachable (${e.message}); waiting up to ${this.opts.redisTimeoutSeconds ?? 300} s for it`);
    }
  }

  private back(): void {
    if (this.downSince === undefined) return;
    this.opts.log('info', `Redis at ${redactUrl(this.opts.url)} is back after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s; checking the step's jobs`);
    this.downSince = undefined;
    this.wake?.();
  }

  /** Waits for a completion event, a full-check tick or a stop; says whether Redis was down meanwhile. */
  private nap(signal?: AbortSignal): Promise<boolean> {
    const downBefore = this.downSince !== undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        resolve(downBefore || this.downSince !== undefined);
      };
      const timer = setTimeout(done, FULL_CHECK_MS);
      signal?.addEventListener('abort', done);
      this.wake = done;
      if (this.finished.size > 0) done();
    });
  }

  /** A Redis call that waits through an outage (ioredis queues it) but not past the timeout. */
  private guard<T>(p: Promise<T>): Promise<T> {
    const limit = (this.opts.redisTimeoutSeconds ?? 300) * 1000;
    return withDeadline(p, limit, () => `Redis at ${redactUrl(this.opts.url)} unreachable for ${Math.round(limit / 1000)} s${this.downReason ? ` (${this.downReason})` : ''}`, () => this.downSince);
  }
}

/**
 * Resolves as `p` does, unless the outage clock (`since()`, undefined while connected; by default
 * the call's own start) passes `ms`: then fails with an EngineError naming Redis.
 */
function withDeadline<T>(p: Promise<T>, ms: number, message: () => string, since?: () => number | undefined, fix = OUTAGE_FIX): Promise<T> {
  const start = Date.now();
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      const from = since ? since() : start;
      if (from !== undefined && Date.now() - from >= ms) {
        clearInterval(timer);
        reject(new EngineError('engine.cluster', message(), fix));
      }
    }, Math.min(1000, ms));
    p.then(
      (v) => {
        clearInterval(timer);
        resolve(v);
      },
      (e) => {
        clearInterval(timer);
        reject(e);
      },
    );
  });
}
