import { VsmlModelConfig } from '../model/config';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import type { WorkerError } from '../runner/worker-pool';
import { TfjsBackendPreference } from './backend';

/** Passed as workerData: the backend the main thread already chose (so every worker runs the same). */
export interface TfjsWorkerData {
  backend: TfjsBackendPreference;
}

export type TfjsWorkerRequest = { type: 'run'; id: number; cfg: VsmlModelConfig; rollouts: Rollout[]; wantFinalState: boolean };

export type TfjsWorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'failed'; error: WorkerError }
  | { type: 'done'; id: number; results: RolloutResult[] }
  | { type: 'error'; id: number; error: WorkerError };
