import { OnlineSummary } from '../eval/online-metrics';
import { MetaStepResult } from '../meta/meta-optimizer';

/** Types of the files in a run folder (docs/contracts.md §1). */
export type RunState = 'running' | 'finished' | 'failed' | 'stopped';

export interface RunnerInfo {
  path: string;
  backend: string;
  threads: number;
}

export interface RunStatus {
  state: RunState;
  runId: string;
  name: string;
  source: string;
  pid: number;
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  step: number;
  totalSteps: number;
  elapsedSeconds: number;
  runner?: RunnerInfo;
  best?: { metric: string; value: number; step: number };
  error?: string;
}

/** One line of metrics.jsonl: a meta-step's figures plus when it ran. */
export type MetricsRow = MetaStepResult & {
  step: number;
  /** Seconds since the run started (summed over resumes). */
  time: number;
  stepSeconds: number;
};

export type MethodName = 'learned' | 'untrained' | 'sgd' | 'adam' | 'teacher';

export type MethodResult = Omit<OnlineSummary, 'lossCurve'> & { lr?: number; model?: string };

export interface EvalRow {
  step: number;
  time: number;
  dataset: string;
  split: string;
  length: number;
  episodes: number;
  methods: Partial<Record<MethodName, MethodResult>>;
}
