import { OnlineSummary } from '../eval/online-metrics';

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

export interface MetricsRow {
  step: number;
  time: number;
  metaLoss: number;
  lossPos: number;
  lossNeg: number;
  trainAccuracy: number;
  gradNorm: number;
  thetaNorm: number;
  stepSeconds: number;
}

export type MethodName = 'learned' | 'untrained' | 'sgd' | 'adam';

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
