import { hostname } from 'node:os';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { EngineError } from '../errors';
import { validateRunConfig } from '../config/load-config';
import { formatIssue } from '../config/issues';
import { ExperimentConfig } from '../config/types';
import { episodeSampler } from '../data/episodes';
import { ModelConfig } from '../learners/learner-config';
import { learnerLayout } from '../learners/learner-layout';
import { RolloutRunner } from '../model/rollout-runner';
import { EpisodeSampler } from '../meta/episode-sampler';
import { EsOptions, evaluatePairs } from '../meta/es-step';
import { planTraining } from '../runs/plan-experiment';
import {
  CLUSTER_PROTOCOL_VERSION, ES_QUEUE, EsPairsResult, configRedisKey, parseClusterConfigRecord, parseEsPairsJob,
} from '../../protocol/cluster';
import { decodeTheta } from './theta-codec';
import { configHash } from './config-key';
import { redactUrl, redisConnection } from './redis-connection';

/** What a worker needs of a run's config to evaluate its pairs; built once per config and cached. */
interface RunContext {
  seed: number;
  model: ModelConfig;
  train: EpisodeSampler;
  es: Pick<EsOptions, 'sigma' | 'lossType'>;
  size: number;
}

export interface EsWorkerOptions {
  url: string;
  /** The local runner (the fused kernel on K threads, normally); the worker does not dispose it. */
  runner: RolloutRunner;
  /** Where this machine keeps datasets; overrides the config's data.dir (a path on the coordinator's machine). */
  dataDir?: string;
  /**
   * A job whose worker stops renewing its lock for this long goes back to the queue (BullMQ's lock
   * duration and stalled-job check). Default 30 s; lower it to recover a dead worker's work sooner.
   */
  stallSeconds?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** How long a job stays locked while its config (and dataset) loads; renewals then go back to the stall time. */
const CONFIG_LOAD_LOCK_MS = 120_000;

/** Configs kept per worker: a few runs may share a cluster. */
const MAX_CACHED_CONFIGS = 4;

/**
 * `vsml worker`: takes ES jobs (pair ranges of one meta-step, src/protocol/cluster.ts) from the
 * queue until closed, evaluates them on the local runner and returns their losses. BullMQ's locks,
 * retries and stalled-job check bring a dead worker's job back to the queue; nothing here listens
 * on the network.
 */
export class EsWorker {
  private readonly contexts = new Map<string, Promise<RunContext>>();
  private jobsDone = 0;

  private constructor(
    private readonly worker: Worker,
    /** [0] reads configs; BullMQ leaves the connections it was given open on close(). */
    private readonly connections: readonly Redis[],
    private readonly opts: EsWorkerOptions,
  ) {}

  static async start(opts: EsWorkerOptions): Promise<EsWorker> {
    const stall = Math.max(1, opts.stallSeconds ?? 30) * 1000;
    const id = `${hostname()}:${process.pid}`;
    let lastError = '';
    const onError = (e: Error): void => {
      // ioredis repeats a connection error every retry: say it once per change.
      if (e.message === lastError) return;
      lastError = e.message;
      opts.log('warn', `Redis at ${redactUrl(opts.url)}: ${e.message}; retrying`);
    };
    const redis = redisConnection(opts.url, onError);
    const workerRedis = redisConnection(opts.url, onError);
    const self: { w?: EsWorker } = {};
    const worker = new Worker(ES_QUEUE, (job: Job, token?: string) => self.w!.process(job, id, token), {
      connection: workerRedis,
      concurrency: 1, // one job at a time: the runner's threads are the parallelism
      name: id,
      lockDuration: stall,
      stalledInterval: stall,
      maxStalledCount: 3,
      autorun: false,
    });
    worker.on('error', onError);
    worker.on('failed', (job, e) => opts.log('warn', `job ${job?.id ?? '?'} failed: ${e.message}`));
    self.w = new EsWorker(worker, [redis, workerRedis], opts);
    void worker.run();
    await worker.waitUntilReady();
    lastError = '';
    opts.log('info', `worker ${id} on ${redactUrl(opts.url)} (queue ${ES_QUEUE}, protocol ${CLUSTER_PROTOCOL_VERSION}), runner ${opts.runner.name} (${opts.runner.threads} thread${opts.runner.threads === 1 ? '' : 's'})`);
    return self.w;
  }

  get done(): number {
    return this.jobsDone;
  }

  /** Finishes the job in hand (unless `force`), then disconnects. */
  async close(force = false): Promise<void> {
    await this.worker.close(force);
    for (const r of this.connections) r.disconnect();
  }

  private async process(job: Job, id: string, token: string | undefined): Promise<EsPairsResult> {
    const parsed = parseEsPairsJob(job.data);
    // A job this worker cannot read will not get better on another attempt: fail it for good, saying why.
    if (!parsed.ok) throw new UnrecoverableError(`worker ${id} refused job ${job.id}: ${parsed.error}`);
    const j = parsed.message;
    // Opening a dataset blocks this thread (no lock renewal) for seconds: hold the job longer first.
    if (!this.contexts.has(j.configKey) && token) await job.extendLock(token, CONFIG_LOAD_LOCK_MS);
    const ctx = await this.context(j.configKey);
    const theta = decodeTheta(j.theta);
    if (theta.length !== ctx.size) throw new UnrecoverableError(`worker ${id}: job ${job.id} carries θ of ${theta.length} parameters, its config needs ${ctx.size}`);
    const what = `${j.runId} step ${j.step}: pairs [${j.k0}, ${j.k1})`;
    this.opts.log('info', `${what} started`);
    const t0 = performance.now();
    const outcomes = await evaluatePairs(this.opts.runner, ctx.model, theta, ctx.train, { seed: ctx.seed, step: j.step, k0: j.k0, k1: j.k1, T: j.T }, ctx.es);
    const seconds = (performance.now() - t0) / 1000;
    this.jobsDone++;
    this.opts.log('info', `${what} done in ${seconds.toFixed(2)} s`);
    return {
      v: CLUSTER_PROTOCOL_VERSION, type: 'es/pairs-result', k0: j.k0, k1: j.k1,
      lossPos: outcomes.map((o) => o.lossPos), lossNeg: outcomes.map((o) => o.lossNeg),
      correct: outcomes.map((o) => o.correct), count: outcomes.map((o) => o.count),
      worker: id, runner: this.opts.runner.name, seconds,
    };
  }

  private context(configKey: string): Promise<RunContext> {
    let c = this.contexts.get(configKey);
    if (!c) {
      c = this.loadContext(configKey);
      this.contexts.set(configKey, c);
      c.catch(() => this.contexts.delete(configKey)); // a missing config may be published later: retry then
      if (this.contexts.size > MAX_CACHED_CONFIGS) this.contexts.delete(this.contexts.keys().next().value!);
    }
    return c;
  }

  private async loadContext(configKey: string): Promise<RunContext> {
    const text = await this.connections[0].get(configRedisKey(configKey));
    // Retryable: the coordinator publishes the config before every step (e.g. again after a Redis restart).
    if (text === null) throw new Error(`config ${configKey.slice(0, 12)}… is not in Redis yet`);
    const where = `cluster config ${configKey.slice(0, 12)}…`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new UnrecoverableError(`${where}: not JSON (${(e as Error).message})`);
    }
    const rec = parseClusterConfigRecord(value);
    if (!rec.ok) throw new UnrecoverableError(`${where}: ${rec.error}`);
    if (configHash(rec.message.config) !== configKey) throw new UnrecoverableError(`${where}: its content does not match its hash`);
    const res = validateRunConfig(rec.message.config, where);
    if (!res.ok) throw new UnrecoverableError(res.issues.filter((i) => i.severity === 'error').map(formatIssue).join('\n'));
    const cfg: ExperimentConfig = this.opts.dataDir ? { ...res.config, data: { ...res.config.data, dir: this.opts.dataDir } } : res.config;
    let plan: ReturnType<typeof planTraining>;
    try {
      plan = planTraining(cfg);
    } catch (e) {
      // e.g. the dataset is not on this machine: the message names it and the fix (--data-dir).
      throw new UnrecoverableError(e instanceof EngineError ? `${where}: ${e.message}` : (e as Error).message);
    }
    if (plan.optimizer.type !== 'es' || plan.optimizer.truncation) throw new UnrecoverableError(`${where}: optimizer is not whole-episode ES; only that runs on a cluster`);
    this.opts.log('info', `loaded config "${cfg.name}" (${configKey.slice(0, 12)}…)`);
    return { seed: cfg.seed, model: plan.model, train: episodeSampler(plan.train, 'train'), es: plan.optimizer.es, size: learnerLayout(plan.model).size };
  }
}
