import { VsmlModelConfig } from '../model/config';
import { LayerState } from '../model/init';
import type { WorkerError } from '../runner/worker-pool';
import type { LossType } from '../tfjs/episode-loss';
import { EpisodeGradient } from '../model/episode-gradient';

/** One episode's gradient to compute: plain typed arrays, so it can be posted to a worker. */
export interface GradientJob {
  theta: Float64Array; // [D]
  inputs: Float32Array; // [T, batch, A_0] (the reverse pass reads float32 inputs)
  labels: Int32Array; // [T, batch]
  length: number;
  state: LayerState[]; // per layer h, c [batch, A, B, N]
}

/** Main thread -> gradient worker. */
export type GradientWorkerRequest = { type: 'run'; id: number; cfg: VsmlModelConfig; job: GradientJob; lossType: LossType; truncation: number };

/** Gradient worker -> main thread. */
export type GradientWorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; error: WorkerError }
  | { type: 'done'; id: number; result: EpisodeGradient }
  | { type: 'error'; id: number; error: WorkerError };
