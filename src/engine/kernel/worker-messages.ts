import { VsmlModelConfig } from '../model/config';
import type { WorkerError } from '../runner/worker-pool';
import { KernelJob, KernelOutput } from './fused-episode';

/** Main thread -> kernel worker. */
export type WorkerRequest = { type: 'run'; id: number; cfg: VsmlModelConfig; jobs: KernelJob[]; wantFinalState: boolean };

/** Kernel worker -> main thread. */
export type WorkerReply =
  | { type: 'ready'; variant: string }
  | { type: 'failed'; error: WorkerError }
  | { type: 'done'; id: number; outputs: KernelOutput[] }
  | { type: 'error'; id: number; error: WorkerError };
