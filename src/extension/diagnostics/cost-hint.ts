/**
 * The cost hint shown above a config: cell-ticks per meta-step (the engine's estimateCost) and a
 * time estimate from this machine's measured speed. The speed comes from the newest run in the
 * runs folder (its resolved config's cost per step divided by its median step time); without
 * one, a default constant is used and the hint says so. Pure; cost-lens.ts shows it.
 */
import type { DatasetCatalog } from '../../engine/config/dataset-facts';
import { type CostEstimate, estimateConfigCost, estimateSeconds } from '../../engine/config/cost';
import { validateConfigValue } from '../../engine/config/load-config';
import type { ExperimentConfig } from '../../engine/config/types';

export interface Speed {
  readonly cellTicksPerSecond: number;
  /** Where the number comes from, in words for the hint's tooltip. */
  readonly source: string;
  readonly measured: boolean;
}

/**
 * Used until a run on this machine has been measured. Measured once on the development machine
 * (2 shared cores, fused-native AVX2, 2 threads): the 7x7-MNIST example config, 3.14 M cell-ticks
 * per meta-step, took a median 0.65 s per step over 6 steps (sampling and the ES update included),
 * i.e. about 5 M cell-ticks/s. The hint marks it "(default speed)".
 */
export const DEFAULT_SPEED: Speed = {
  cellTicksPerSecond: 5e6,
  source: 'a default of 5 M cell-ticks/s (measured on the development machine; no run measured here yet)',
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
  return `${(seconds / 86400).toPrecision(2)} days`;
}

export function median(xs: readonly number[]): number | undefined {
  const s = xs.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Speed measured by a finished or running run: cost per step of its resolved config over its
 * median `stepSeconds` (the median ignores the first, warm-up step and evaluation stalls).
 */
export function measuredSpeed(resolvedConfig: unknown, stepSeconds: readonly number[], runId: string, runner?: string, catalog?: DatasetCatalog): Speed | undefined {
  const sec = median(stepSeconds);
  if (sec === undefined) return undefined;
  const r = validateConfigValue(stripRunFields(resolvedConfig), '');
  if (!r.ok) return undefined;
  const cost = safeCost(r.config, catalog);
  // In a tiny run the per-step overhead (sampling, ES update, IPC) dominates: it says nothing about speed.
  if (!cost || cost.cellTicksPerStep < MIN_TICKS_FOR_SPEED) return undefined;
  return {
    cellTicksPerSecond: cost.cellTicksPerStep / sec,
    source: `measured by run ${runId}${runner ? ` (${runner})` : ''}: ${si(cost.cellTicksPerStep)} cell-ticks per step in a median ${sec.toPrecision(3)} s over ${stepSeconds.length} steps`,
    measured: true,
  };
}

/** Runs with less work per meta-step than this are not used to measure speed. */
export const MIN_TICKS_FOR_SPEED = 1e6;

/** config.json of a run carries `source` next to the experiment's keys; the schema does not allow it. */
function stripRunFields(cfg: unknown): unknown {
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) return cfg;
  const { source: _source, ...rest } = cfg as Record<string, unknown>;
  return rest;
}

function safeCost(cfg: ExperimentConfig, catalog?: DatasetCatalog): CostEstimate | undefined {
  try {
    return estimateConfigCost(cfg, catalog);
  } catch {
    return undefined; // sizes that do not chain: the diagnostics already say so
  }
}

export interface CostHint {
  readonly title: string;
  readonly tooltip: string;
}

/** The hint for a valid config, or undefined when its shapes are unknown (e.g. an idx: folder not described). */
export function costHint(cfg: ExperimentConfig, speed: Speed, catalog?: DatasetCatalog): CostHint | undefined {
  const cost = safeCost(cfg, catalog);
  if (!cost) return undefined;
  const secs = estimateSeconds(cost, speed.cellTicksPerSecond);
  const title = `≈ ${si(cost.cellTicksPerStep)} cell-ticks per meta-step · ~${formatDuration(secs.perStep)}/step, ` +
    `~${formatDuration(secs.total)} for ${cfg.training.iterations} steps${speed.measured ? '' : ' (default speed)'}`;
  const tooltip = [
    `network ${cost.layerSizes.join(' → ')}: ${si(cost.cellsPerNetwork)} cells × ${cost.ticksPerInnerStep} ticks per inner step`,
    `${cost.rolloutsPerStep} rollouts per meta-step × ${si(cost.cellTicksPerEpisode)} cell-ticks per episode`,
    `${cost.evaluations} evaluations × ${si(cost.cellTicksPerEvaluation)} cell-ticks (SGD/Adam baselines not counted)`,
    `speed: ${si(speed.cellTicksPerSecond)} cell-ticks/s, ${speed.source}`,
  ].join('\n');
  return { title, tooltip };
}
