/**
 * How fast this machine runs each kind of work (cost.ts's SpeedKind: VSML's cell-ticks forward or
 * forward+backward, a baseline's multiply-adds), for time estimates (the editor's cost hint,
 * `vsml check`, `vsml compare --dry-run`): measured by the newest runs of that kind in a runs
 * folder (their resolved config's work per step over their median step time), else an assumed,
 * documented rate.
 */
import type { DatasetCatalog } from './dataset-facts';
import { type CostEstimate, type CostOptions, type SpeedKind, type WorkUnit, UNIT_OF, estimateConfigCost } from './cost';
import { splitRunFields, validateConfigValue } from './load-config';
import type { ExperimentConfig } from './types';

export interface Speed {
  /** The work this speed prices. */
  readonly kind: SpeedKind;
  readonly unit: WorkUnit;
  /** Work (`unit`) per second. */
  readonly perSecond: number;
  /**
   * Where the number comes from, in a few words for the lens title and `vsml check`:
   * "measured by run X on this machine" or "assumed 5 M cell-ticks/s: no run measured yet".
   */
  readonly origin: string;
  /** `origin` with the figures behind it (work per step, median step time, runner), for the tooltip. */
  readonly source: string;
  readonly measured: boolean;
}

/** What each kind is called in sentences. */
export const KIND_NAME: Readonly<Record<SpeedKind, string>> = {
  vsml: 'VSML', 'vsml-backprop-native': 'VSML backprop on the kernel reverse pass', 'vsml-backprop-tfjs': 'VSML backprop on TensorFlow.js autodiff',
  metarnn: 'MetaRNN', hebbian: 'HebbianFW', fwm: 'FWMemory',
};

function assumed(kind: SpeedKind, perSecond: number, what: string, noRun: string, why: string): Speed {
  const origin = `assumed ${si(perSecond).replace(/\.0+ /, ' ')} ${UNIT_OF[kind]}/s${what}: ${noRun}`;
  return { kind, unit: UNIT_OF[kind], perSecond, origin, source: `${origin} (${why})`, measured: false };
}

/**
 * Used until a run of the kind on this machine has been measured; the hint and `vsml check` say
 * they are assumed. VSML forward: the 7x7-MNIST example config, 3.14 M cell-ticks per meta-step,
 * took a median 0.65 s per step over 6 steps on the development machine (sampling and the ES
 * update included). Backprop: `npm run bench`'s grad-native and grad rows (README
 * "Gradient-based meta-training"), forward+backward per CPU-second, one thread. The baselines:
 * their float64 loops on one thread, inner steps per CPU-second x multiply-adds per inner step
 * (learner-work.ts), measured 2026-12-01 on this machine kind at the compare suite's sizes (49
 * inputs: Meta RNN H 32 386 M, Hebbian 144 M, FWM H 16 m 8 220 M) and the reference's (784
 * inputs: 491 M, 190 M, 420 M), rounded down.
 */
export const DEFAULT_SPEEDS: Readonly<Record<SpeedKind, Speed>> = {
  vsml: assumed('vsml', 5e6, '', 'no run measured yet', 'the speed of the development machine: 2 shared cores, fused-native AVX2'),
  'vsml-backprop-native': assumed('vsml-backprop-native', 1e6, ' forward+backward', 'no backprop run measured yet', 'npm run bench: the kernel reverse pass, float64, 1 thread'),
  'vsml-backprop-tfjs': assumed('vsml-backprop-tfjs', 1.5e5, ' forward+backward', 'no backprop run on tfjs measured yet', 'npm run bench: TensorFlow.js autodiff on wasm, 1 thread, W1 784x10'),
  metarnn: assumed('metarnn', 3.5e8, '', 'no MetaRNN run measured yet', 'its float64 loops on 1 thread, npm run bench\'s learners rows'),
  hebbian: assumed('hebbian', 1.4e8, '', 'no HebbianFW run measured yet', 'its float64 loops on 1 thread, npm run bench\'s learners rows'),
  fwm: assumed('fwm', 2e8, '', 'no FWMemory run measured yet', 'its float64 loops on 1 thread, npm run bench\'s learners rows'),
};

/** VSML's forward speed assumed without a measured run (DEFAULT_SPEEDS.vsml). */
export const DEFAULT_SPEED: Speed = DEFAULT_SPEEDS.vsml;

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
 * Speed measured by a finished or running run of this machine (the caller picks the run): work per step of its resolved config over its
 * median `stepSeconds` (the median ignores the first, warm-up step and evaluation stalls). Its kind is its config's step kind.
 */
export function measuredSpeed(resolvedConfig: unknown, stepSeconds: readonly number[], runId: string, runner?: string, catalog?: DatasetCatalog, opts: CostOptions = {}): Speed | undefined {
  const sec = median(stepSeconds);
  if (sec === undefined) return undefined;
  const r = validateConfigValue(splitRunFields(resolvedConfig).config, '');
  if (!r.ok) return undefined;
  const cost = safeCost(r.config, catalog, opts);
  // In a tiny run the per-step overhead (sampling, ES update, IPC) dominates: it says nothing about speed.
  if (!cost || cost.workPerStep < MIN_WORK_FOR_SPEED) return undefined;
  const origin = `measured by run ${runId} on this machine`;
  return {
    kind: cost.stepKind,
    unit: cost.unit,
    perSecond: cost.workPerStep / sec,
    origin,
    source: `${origin}${runner ? ` (${runner})` : ''}: ${si(cost.workPerStep)} ${cost.unit} per step in a median ${sec.toPrecision(3)} s over ${stepSeconds.length} steps`,
    measured: true,
  };
}

/** Runs with less work per meta-step than this (cell-ticks or multiply-adds) are not used to measure speed. */
export const MIN_WORK_FOR_SPEED = 1e6;

export function safeCost(cfg: ExperimentConfig, catalog?: DatasetCatalog, opts: CostOptions = {}): CostEstimate | undefined {
  try {
    return estimateConfigCost(cfg, catalog, opts);
  } catch {
    return undefined; // sizes that do not chain: the diagnostics already say so
  }
}
