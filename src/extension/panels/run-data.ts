/**
 * What the panels show of a run folder (docs/contracts.md §1): status, config, the rows of
 * metrics.jsonl and eval.jsonl (streamed by jsonl-stream.ts: complete lines only, with the byte
 * offset to continue from), and snapshot.json. Every read goes through the run repository
 * (bounded, lstat first, no links followed). No vscode import: unit-tested in node.
 */
import { join } from 'node:path';
import type { RunSummary } from '../../protocol/panel-fields';
import {
  EvalRow, MetricsRow, Provenance, RunStatus, StateSnapshot, parseEvalRow, parseMetricsRow, parseProvenance, parseSnapshot,
} from '../../protocol/run-records';
import { paramIndices } from '../../engine/model/config';
import { readJsonlRows } from '../../engine/runs/jsonl-stream';
import { readJsonRecord, readRunConfig, readRunStatus } from '../../engine/runs/run-repository';
import type { ParamSharing } from '../../protocol/graph-panel';

/** A snapshot holds a few frames of every cell's state: W1 (784x10 cells, N=16) is ~3 MB of base64. */
const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

export interface RunData {
  runId: string;
  dir: string;
  status?: RunStatus;
  /** The resolved config.json, or null when missing or unreadable. */
  config: unknown;
  metrics: MetricsRow[];
  evals: EvalRow[];
  /** Where to continue tailing each jsonl file. */
  offsets: { metrics: number; evals: number };
  problems: string[];
}

export function summaryOf(runId: string, status: RunStatus | undefined, config: unknown): RunSummary {
  const name = status?.name ?? (typeof (config as { name?: unknown } | null)?.name === 'string' ? (config as { name: string }).name : runId);
  return { runId, name, state: status?.state ?? 'failed', step: status?.step ?? 0, totalSteps: status?.totalSteps ?? 0 };
}

/**
 * status.json and config.json of a run folder (what a panel shows about a run besides its rows).
 * The provenance is taken out of the config (it describes the run, it does not configure it: the
 * config comparison leaves it out) and returned apart: status.json's, else config.json's.
 */
export async function readRunHeader(dir: string): Promise<{ status?: RunStatus; config: unknown; provenance?: Provenance; problems: string[] }> {
  const problems: string[] = [];
  const { status, problem } = await readRunStatus(dir);
  if (problem) problems.push(problem);
  const cfg = await readRunConfig(dir);
  if (cfg.problem) problems.push(cfg.problem);
  let config = cfg.config ?? null;
  let provenance = status?.provenance;
  if (config !== null && typeof config === 'object' && !Array.isArray(config) && 'provenance' in config) {
    const { provenance: raw, ...rest } = config as Record<string, unknown>;
    config = rest;
    const parsed = parseProvenance(raw);
    if (!provenance && parsed.ok) provenance = parsed.message;
    if (!parsed.ok) problems.push(`${join(dir, 'config.json')}: ${parsed.error}`);
  }
  return { ...(status ? { status } : {}), config, ...(provenance ? { provenance } : {}), problems };
}

/** Everything in one run folder's status, config and jsonl files, read whole (small runs, tests). */
export async function readRunData(dir: string, runId: string): Promise<RunData> {
  const { status, config, problems } = await readRunHeader(dir);
  const metrics = await readJsonlRows(join(dir, 'metrics.jsonl'), 0, parseMetricsRow, Number.POSITIVE_INFINITY);
  const evals = await readJsonlRows(join(dir, 'eval.jsonl'), 0, parseEvalRow, Number.POSITIVE_INFINITY);
  problems.push(...metrics.problems, ...evals.problems);
  return {
    runId,
    dir,
    ...(status ? { status } : {}),
    config,
    metrics: metrics.rows,
    evals: evals.rows,
    offsets: { metrics: metrics.nextOffset, evals: evals.nextOffset },
    problems,
  };
}

/** snapshot.json of a run (replaced atomically by the engine), or null when there is none yet. */
export async function readRunSnapshot(dir: string): Promise<{ snapshot: StateSnapshot | null; layerParamIndex?: unknown; problem?: string }> {
  const s = await readJsonRecord(join(dir, 'snapshot.json'), (v) => ({ ok: true, message: v }), undefined, MAX_SNAPSHOT_BYTES);
  if (s.problem) return { snapshot: null, problem: s.problem };
  if (s.value === undefined) return { snapshot: null };
  const parsed = parseSnapshot(s.value);
  // The engine also writes layerParamIndex (not in the contract's parser): keep it for the sharing colors.
  const layerParamIndex = (s.value as { layerParamIndex?: unknown }).layerParamIndex;
  return parsed.ok ? { snapshot: parsed.message, layerParamIndex } : { snapshot: null, problem: `${join(dir, 'snapshot.json')}: ${parsed.error}` };
}

/**
 * Which V_M set each layer uses: the snapshot's own layerParamIndex when the engine wrote one,
 * else derived from the config's switches as the engine does (layerwise_rnns, separate_backward_rnn).
 */
export function paramSharingOf(config: unknown, layerSizes: readonly number[], own?: unknown): ParamSharing {
  const L = layerSizes.length - 1;
  const vsml = ((config as { model?: { vsml_rnn?: Record<string, unknown> } } | null)?.model?.vsml_rnn) ?? {};
  const derived = paramIndices(L, vsml.layerwise_rnns === true, vsml.separate_backward_rnn === true);
  const fromSnapshot = Array.isArray(own) && own.length === L && own.every((v) => Number.isInteger(v) && v >= 0) ? (own as number[]) : null;
  return { layerParamIndex: fromSnapshot ?? derived.layerParamIndex, backwardLayerParamIndex: derived.backwardLayerParamIndex };
}
