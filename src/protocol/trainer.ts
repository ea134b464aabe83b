/**
 * The trainer child-process protocol (docs/contracts.md §3): the extension host forks
 * `dist/trainer.js <config> --runs-dir DIR [--resume RUN_DIR] [--set k=v ...]` with an IPC channel.
 * Both sides parse every incoming message with the functions below and log and drop what fails;
 * unknown `type`s are rejected, so a mismatch between the two bundles shows up as a logged error.
 */
import { type ParseResult, FieldError, arr, nonEmptyStr, nonNegInt, numOrNull, obj, oneOf, optStr, str, tryParse } from './fields';
import {
  type EvalRow, type MetricsRow, type RunnerInfo, type StateSnapshot, readEvalRow, readMetricsRow, readRunner, readSnapshot,
} from './run-records';

export type { ParseResult } from './fields';

/** Trainer -> host. */
export type TrainerMessage =
  | { type: 'run/started'; runId: string; runDir: string; runner: RunnerInfo; totalSteps: number }
  | { type: 'run/progress'; runId: string; step: number; totalSteps: number; metaLoss: number | null; etaSeconds: number | null }
  /** Sent on a timer while the trainer's event loop is free (also during evaluations and while stopping). */
  | { type: 'run/heartbeat'; runId: string }
  | { type: 'metrics/append'; runId: string; rows: MetricsRow[] }
  | { type: 'eval/append'; runId: string; rows: EvalRow[] }
  | { type: 'state/snapshot'; runId: string; snapshot: StateSnapshot }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'run/done'; runId: string; state: 'finished' | 'stopped' }
  | { type: 'run/error'; runId?: string; message: string; path?: string; fix?: string };

/** Host -> trainer. */
export type HostMessage = { type: 'run/stop' };

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TRAINER_MESSAGE_TYPES = [
  'run/started', 'run/progress', 'run/heartbeat', 'metrics/append', 'eval/append', 'state/snapshot', 'log', 'run/done', 'run/error',
] as const satisfies readonly TrainerMessage['type'][];

export const HOST_MESSAGE_TYPES = ['run/stop'] as const satisfies readonly HostMessage['type'][];

function readTrainerMessage(value: unknown): TrainerMessage {
  const o = obj(value, 'message');
  const type = oneOf(o, 'type', 'message', TRAINER_MESSAGE_TYPES);
  const p = type; // error paths read `run/progress.step: ...`
  switch (type) {
    case 'run/started':
      return {
        type, runId: nonEmptyStr(o, 'runId', p), runDir: nonEmptyStr(o, 'runDir', p),
        runner: readRunner(o['runner'], `${p}.runner`), totalSteps: nonNegInt(o, 'totalSteps', p),
      };
    case 'run/progress':
      return {
        type, runId: nonEmptyStr(o, 'runId', p), step: nonNegInt(o, 'step', p), totalSteps: nonNegInt(o, 'totalSteps', p),
        metaLoss: numOrNull(o, 'metaLoss', p), etaSeconds: numOrNull(o, 'etaSeconds', p),
      };
    case 'run/heartbeat':
      return { type, runId: nonEmptyStr(o, 'runId', p) };
    case 'metrics/append':
      return { type, runId: nonEmptyStr(o, 'runId', p), rows: arr(o, 'rows', p).map((r, i) => readMetricsRow(r, `${p}.rows[${i}]`)) };
    case 'eval/append':
      return { type, runId: nonEmptyStr(o, 'runId', p), rows: arr(o, 'rows', p).map((r, i) => readEvalRow(r, `${p}.rows[${i}]`)) };
    case 'state/snapshot':
      return { type, runId: nonEmptyStr(o, 'runId', p), snapshot: readSnapshot(o['snapshot'], `${p}.snapshot`) };
    case 'log':
      return { type, level: oneOf(o, 'level', p, LOG_LEVELS), message: str(o, 'message', p) };
    case 'run/done':
      return { type, runId: nonEmptyStr(o, 'runId', p), state: oneOf(o, 'state', p, ['finished', 'stopped'] as const) };
    case 'run/error': {
      const runId = optStr(o, 'runId', p);
      const path = optStr(o, 'path', p);
      const fix = optStr(o, 'fix', p);
      return {
        type, message: str(o, 'message', p),
        ...(runId !== undefined ? { runId } : {}), ...(path !== undefined ? { path } : {}), ...(fix !== undefined ? { fix } : {}),
      };
    }
    default: {
      const unreachable: never = type;
      throw new FieldError('message.type', 'a known message type', unreachable);
    }
  }
}

function readHostMessage(value: unknown): HostMessage {
  const o = obj(value, 'message');
  const type = oneOf(o, 'type', 'message', HOST_MESSAGE_TYPES);
  switch (type) {
    case 'run/stop':
      return { type };
    default: {
      const unreachable: never = type;
      throw new FieldError('message.type', 'a known message type', unreachable);
    }
  }
}

/** Parses a message the trainer sent. Never throws. */
export function parseTrainerMessage(value: unknown): ParseResult<TrainerMessage> {
  return tryParse(() => readTrainerMessage(value));
}

/** Parses a message the host sent. Never throws. */
export function parseHostMessage(value: unknown): ParseResult<HostMessage> {
  return tryParse(() => readHostMessage(value));
}
