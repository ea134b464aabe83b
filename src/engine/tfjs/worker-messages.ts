import { VsmlModelConfig } from '../model/config';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import { TfjsBackendPreference } from './backend';

/** Passed as workerData: the backend the main thread already chose (so every worker runs the same). */
export interface TfjsWorkerData {
  backend: TfjsBackendPreference;
}

/** An EngineError crossing the thread boundary as plain data. */
export interface TfjsWorkerError {
  message: string;
  path?: string;
  fix?: string;
}

export type TfjsWorkerRequest = { type: 'run'; id: number; cfg: VsmlModelConfig; rollouts: Rollout[]; wantFinalState: boolean };

export type TfjsWorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'failed'; error: TfjsWorkerError }
  | { type: 'done'; id: number; results: RolloutResult[] }
  | { type: 'error'; id: number; error: TfjsWorkerError };
