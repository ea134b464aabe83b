import type { Worker } from 'node:worker_threads';
import { VsmlModelConfig } from '../model/config';
import { Episode } from '../model/episode';
import { LayerState } from '../model/init';
import { WorkerPool, spawnEngineWorker } from '../runner/worker-pool';
import type { LossType } from '../tfjs/episode-loss';
import { EpisodeGradient } from '../model/episode-gradient';
import { GradientJob, GradientWorkerReply, GradientWorkerRequest } from './gradient-messages';

const spawnWorker = (): Worker => spawnEngineWorker(__filename, 'gradient-worker', {}, 'run `npm run build`, or set engine.threads to 1');

/**
 * The kernel reverse pass (native/vsml-grad.c) on worker threads, each with its own copy of the
 * addon and its own tape (the shared pool: ../runner/worker-pool.ts). The caller deals out the
 * episodes, one per request, to whichever worker is free (meta/meta-batch-gradient.ts).
 */
export class GradientWorkerPool {
  private constructor(private readonly pool: WorkerPool<GradientWorkerRequest, GradientWorkerReply>) {}

  static async create(threads: number): Promise<GradientWorkerPool> {
    return new GradientWorkerPool(await WorkerPool.create<GradientWorkerRequest, GradientWorkerReply>(threads, 'kernel reverse pass worker', spawnWorker));
  }

  get size(): number {
    return this.pool.size;
  }

  /**
   * nativeEpisodeGradient on worker `index`: the same numbers as in this thread (the same C code
   * on the same float64 θ, float32 inputs and float64 state). The caller's arrays are copied, not moved.
   */
  async gradient(index: number, cfg: VsmlModelConfig, theta: Float64Array | Float32Array, episode: Episode, state: readonly LayerState[], lossType: LossType, truncation: number): Promise<EpisodeGradient> {
    const job: GradientJob = {
      theta: Float64Array.from(theta),
      inputs: Float32Array.from(episode.inputs),
      labels: Int32Array.from(episode.labels),
      length: episode.length,
      state: state.map((s) => ({ h: s.h, c: s.c })),
    };
    const transfer = [job.theta.buffer, job.inputs.buffer, job.labels.buffer] as ArrayBuffer[];
    const reply = await this.pool.run(index, { type: 'run', cfg, job, lossType, truncation }, transfer);
    return reply.result;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
