/**
 * How fast this machine runs cell-ticks, for time estimates (the editor's cost hint and
 * `vsml check`): measured by the newest runs in a runs folder (their resolved config's cost per
 * step over their median step time), else a documented default.
 */
import type { DatasetCatalog } from './dataset-facts';
import { type CostEstimate, estimateConfigCost } from './cost';
import { splitRunFields, validateConfigValue } from './load-config';
import type { ExperimentConfig } from './types';

export interface Speed {
  readonly cellTicksPerSecond: number;
  /**
   * Where the number comes from, in a few words for the lens title and `vsml check`:
   * "measured by run X on this machine" or "assumed 5 M cell-ticks/s: no run measured yet".
   */
  readonly origin: string;
  /** `origin` with the figures behind it (cost per step, median step time, runner), for the tooltip. */
  readonly source: string;
  readonly measured: boolean;
}

/**
 * Used until a run on this machine has been measured. Measured once on the development machine
 * (2 shared cores, fused-native AVX2, 2 threads): the 7x7-MNIST example config, 3.14 M cell-ticks
 * per meta-step, took a median 0.65 s per step over 6 steps (sampling and the ES update included),
 * i.e. about 5 M cell-ticks/s. The hint and `vsml check` say it is assumed.
 */
export const DEFAULT_SPEED: Speed = {
  cellTicksPerSecond: 5e6,
  origin: 'assumed 5 M cell-ticks/s: no run measured yet',
  source: 'assumed 5 M cell-ticks/s: no run measured yet (the speed of the development machine: 2 shared cores, fused-native AVX2)',
  measured: false,
};

/** `1234567` -> `1.23 M`. */
export function si(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toPrecision(3)} ${u}`;
  return `${Math.round(n)}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.max(1, Math.round(seconds * 1000))} ms`;
  if (seconds < 90) return `${seconds.toPrecision(2)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toPrecision(2)} h`;
  if (seconds < 100 * 86400) return `${(seconds / 86400).toPrecision(2)} days`;
  if (seconds < 1000 * 365.25 * 86400) return `${Math.round(seconds / (365.25 * 86400) * 10) / 10} years`;
  return `${(seconds / (365.25 * 86400)).toExponential(1)} years`;
}

export function median(xs: readonly number[]): number | undefined {
  const s = xs.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Speed measured by a finished or running run of this machine (the caller picks the run): cost per step of its resolved config over its
 * median `stepSeconds` (the median ignores the first, warm-up step and evaluation stalls).
 */
export function measuredSpeed(resolvedConfig: unknown, stepSeconds: readonly number[], runId: string, runner?: string, catalog?: DatasetCatalog): Speed | undefined {
  const sec = median(stepSeconds);
  if (sec === undefined) return undefined;
  const r = validateConfigValue(splitRunFields(resolvedConfig).config, '');
  if (!r.ok) return undefined;
  const cost = safeCost(r.config, catalog);
  // In a tiny run the per-step overhead (sampling, ES update, IPC) dominates: it says nothing about speed.
  if (!cost || cost.cellTicksPerStep < MIN_TICKS_FOR_SPEED) return undefined;
  const origin = `measured by run ${runId} on this machine`;
  return {
    cellTicksPerSecond: cost.cellTicksPerStep / sec,
    origin,
    source: `${origin}${runner ? ` (${runner})` : ''}: ${si(cost.cellTicksPerStep)} cell-ticks per step in a median ${sec.toPrecision(3)} s over ${stepSeconds.length} steps`,
    measured: true,
  };
}

/** Runs with less work per meta-step than this are not used to measure speed. */
export const MIN_TICKS_FOR_SPEED = 1e6;

export function safeCost(cfg: ExperimentConfig, catalog?: DatasetCatalog): CostEstimate | undefined {
  try {
    return estimateConfigCost(cfg, catalog);
  } catch {
    return undefined; // sizes that do not chain: the diagnostics already say so
  }
}
