import type { Worker } from 'node:worker_threads';
import { VsmlModelConfig } from '../model/config';
import { WorkerPool, spawnEngineWorker } from '../runner/worker-pool';
import { KernelJob, KernelOutput } from './fused-episode';
import { KernelPreference } from './load-kernel';
import { WorkerReply, WorkerRequest } from './worker-messages';

const spawnWorker = (prefer: KernelPreference): Worker => spawnEngineWorker(__filename, 'kernel-worker', { prefer }, 'run `npm run build`');

/**
 * The fused kernel on worker threads, each holding its own copy of the kernel (the shared pool:
 * ../runner/worker-pool.ts). Rollouts are independent, so a batch is split into contiguous,
 * equal chunks, one per worker.
 */
export class KernelWorkerPool {
  private constructor(private readonly pool: WorkerPool<WorkerRequest, WorkerReply>) {}

  static async create(threads: number, prefer: KernelPreference): Promise<KernelWorkerPool> {
    return new KernelWorkerPool(await WorkerPool.create<WorkerRequest, WorkerReply>(threads, 'fused-kernel worker', () => spawnWorker(prefer)));
  }

  get size(): number {
    return this.pool.size;
  }

  /** The kernel variant the workers loaded (simd128, avx2, ...). */
  get variant(): string {
    return this.pool.ready[0].variant;
  }

  /** Runs the jobs across the workers; outputs come back in job order. Jobs' buffers are transferred (unusable afterwards). */
  async run(cfg: VsmlModelConfig, jobs: KernelJob[], wantFinalState: boolean): Promise<KernelOutput[]> {
    const n = this.pool.size;
    const parts = await Promise.all(Array.from({ length: n }, (_, w) => {
      const chunk = jobs.slice(Math.floor((w * jobs.length) / n), Math.floor(((w + 1) * jobs.length) / n));
      if (chunk.length === 0) return Promise.resolve([]);
      const transfer = chunk.flatMap((j) => [j.theta.buffer, j.inputs.buffer, j.labels.buffer, j.state.buffer]) as ArrayBuffer[];
      return this.pool.run(w, { type: 'run', cfg, jobs: chunk, wantFinalState }, transfer).then((reply) => reply.outputs);
    }));
    return parts.flat();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
