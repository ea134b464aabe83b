import type { Worker } from 'node:worker_threads';
import { VsmlModelConfig } from '../model/config';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import { WorkerPool, spawnEngineWorker } from '../runner/worker-pool';
import { TfjsBackendPreference } from './backend';
import { TfjsWorkerData, TfjsWorkerReply, TfjsWorkerRequest } from './worker-messages';

const spawnWorker = (backend: TfjsBackendPreference): Worker =>
  spawnEngineWorker(__filename, 'tfjs-worker', { backend } satisfies TfjsWorkerData, 'run `npm run build`, or set engine.threads to 1');

/**
 * Worker threads, each with its own tfjs engine on the same backend (the shared pool:
 * ../runner/worker-pool.ts). Rollouts are independent, so a batch is dealt out round-robin
 * (equal shares when episodes have equal length).
 */
export class TfjsWorkerPool {
  private constructor(private readonly pool: WorkerPool<TfjsWorkerRequest, TfjsWorkerReply>) {}

  static async create(size: number, backend: TfjsBackendPreference): Promise<TfjsWorkerPool> {
    return new TfjsWorkerPool(await WorkerPool.create<TfjsWorkerRequest, TfjsWorkerReply>(size, 'tfjs worker', () => spawnWorker(backend)));
  }

  get size(): number {
    return this.pool.size;
  }

  /** Runs the rollouts across the workers; results come back in input order. */
  async run(cfg: VsmlModelConfig, rollouts: readonly Rollout[], wantFinalState: boolean): Promise<RolloutResult[]> {
    const n = this.pool.size;
    const shares = Array.from({ length: n }, (_, w) => rollouts.map((_, i) => i).filter((i) => i % n === w));
    const parts = await Promise.all(shares.map((idx, w) => (idx.length === 0
      ? Promise.resolve([] as RolloutResult[])
      : this.pool.run(w, { type: 'run', cfg, rollouts: idx.map((i) => rollouts[i]), wantFinalState }).then((reply) => reply.results))));
    const out = new Array<RolloutResult>(rollouts.length);
    shares.forEach((idx, w) => idx.forEach((i, k) => (out[i] = parts[w][k])));
    return out;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
