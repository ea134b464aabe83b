import { VsmlModelConfig } from '../model/config';
import { KernelJob, KernelOutput } from './fused-episode';

/** Main thread -> kernel worker. */
export type WorkerRequest = { type: 'run'; id: number; cfg: VsmlModelConfig; jobs: KernelJob[]; wantFinalState: boolean };

/** A worker-side error, rebuilt as an EngineError when it has a path. */
export interface WorkerError {
  message: string;
  path?: string;
  fix?: string;
}

/** Kernel worker -> main thread. */
export type WorkerReply =
  | { type: 'ready'; variant: string }
  | { type: 'failed'; error: WorkerError }
  | { type: 'done'; id: number; outputs: KernelOutput[] }
  | { type: 'error'; id: number; error: WorkerError };
