/**
 * `engine.path: auto` by measurement (issue 12): time every execution path that loads on this
 * machine on a small batch of the config's own shapes, for a fraction of a second each, and
 * take the fastest. The timer and the runner factories are passed in, so tests use fake timings.
 */
import { VsmlModelConfig, numLayers } from '../model/config';
import { initialState } from '../model/init';
import { broadcastState } from '../model/episode';
import { paramLayout } from '../model/param-layout';
import { Rollout, RolloutRunner } from '../model/rollout-runner';
import { Rng } from '../random';

/** One path auto may take: a label for the log ('fused-native', 'tfjs', ...) and how to start it. */
export interface PathCandidate {
  readonly label: string;
  create(): Promise<RolloutRunner>;
}

/** What one candidate did: a rate, or why it could not run. */
export type PathTiming =
  | { readonly label: string; readonly backend: string; readonly cellTicksPerSec: number }
  | { readonly label: string; readonly error: string };

export interface MeasureOptions {
  /** Milliseconds of timed runs per path after the warm-up (default 300). */
  budgetMs?: number;
  /** Monotonic clock in milliseconds (default performance.now). */
  now?: () => number;
  /**
   * Rollouts per timed run. Default: enough for about PROBE_CELL_TICKS per run (at least 2 per
   * thread), so per-call overheads (worker messages, copies) weigh as little as in a real meta-step.
   */
  rollouts?: number;
  /** Steps per episode of the probe (default 4). */
  steps?: number;
}

/** Cell-ticks per timed run the default probe aims at (~50 ms on the native kernel on 2 cores). */
export const PROBE_CELL_TICKS = 1_000_000;

/** Cell-ticks one rollout of `steps` steps costs: every cell of every layer, per micro tick, per batch member (x2 with the backward pass). */
export function cellTicksPerRollout(model: VsmlModelConfig, steps: number): number {
  let cells = 0;
  for (let l = 0; l < numLayers(model); l++) cells += model.layerSizes[l] * model.layerSizes[l + 1];
  return cells * model.numMicroTicks * model.batchSize * steps * (model.backwardPass ? 2 : 1);
}

/** Seeded probe rollouts of the config's shapes (θ ~ N(0, 0.1): the speed does not depend on the values). */
export function probeRollouts(model: VsmlModelConfig, count: number, steps: number): Rollout[] {
  const D = paramLayout(model).size;
  const A0 = model.layerSizes[0];
  const C = model.layerSizes[model.layerSizes.length - 1];
  return Array.from({ length: count }, (_, i) => {
    const rng = new Rng(12, i);
    return {
      theta: Float64Array.from({ length: D }, () => 0.1 * rng.normal()),
      initialState: broadcastState(initialState(model, rng), model.batchSize),
      episode: {
        length: steps,
        inputs: Float64Array.from({ length: steps * model.batchSize * A0 }, () => rng.normal()),
        labels: Int32Array.from({ length: steps * model.batchSize }, () => rng.int(C)),
      },
    };
  });
}

/**
 * Cell-ticks per second of one runner: a small warm-up run (compiles: JIT, wasm tier-up, tfjs
 * kernels), a second whose speed sizes the timed runs (about a third of the budget each, at most
 * PROBE_CELL_TICKS), then whole runs until the budget is spent (at least one).
 */
export async function timeRunner(runner: RolloutRunner, model: VsmlModelConfig, opts: MeasureOptions = {}): Promise<number> {
  const now = opts.now ?? (() => performance.now());
  const budget = opts.budgetMs ?? 300;
  const steps = opts.steps ?? 4;
  const per = cellTicksPerRollout(model, steps);
  const minCount = 2 * Math.max(1, runner.threads);
  const small = probeRollouts(model, minCount, steps);
  await runner.run(model, small); // compiles
  const tw = now();
  await runner.run(model, small); // sizes the timed runs
  const warmPerMs = (minCount * per) / Math.max(now() - tw, 1e-3);
  const count = opts.rollouts ?? Math.min(512, Math.max(minCount, Math.ceil(Math.min(PROBE_CELL_TICKS, (warmPerMs * budget) / 3) / per)));
  const rollouts = probeRollouts(model, count, steps);
  let runs = 0;
  const t0 = now();
  let elapsed = 0;
  do {
    await runner.run(model, rollouts);
    runs++;
    elapsed = now() - t0;
  } while (elapsed < budget);
  return (runs * rollouts.length * per) / (Math.max(elapsed, 1e-3) / 1000);
}

/**
 * Times every candidate; the fastest runner stays open and is returned with all timings,
 * the others are disposed. A candidate that fails to start or run is reported, never fatal;
 * `best` is undefined when none ran.
 */
export async function measurePaths(candidates: readonly PathCandidate[], model: VsmlModelConfig, opts: MeasureOptions = {}):
Promise<{ best?: { label: string; runner: RolloutRunner }; timings: PathTiming[] }> {
  const timings: PathTiming[] = [];
  let best: { label: string; runner: RolloutRunner; rate: number } | undefined;
  for (const c of candidates) {
    let runner: RolloutRunner | undefined;
    try {
      runner = await c.create();
      const rate = await timeRunner(runner, model, opts);
      timings.push({ label: c.label, backend: runner.backend, cellTicksPerSec: rate });
      if (!best || rate > best.rate) {
        const loser = best?.runner;
        best = { label: c.label, runner, rate };
        runner = loser;
      }
    } catch (e) {
      timings.push({ label: c.label, error: e instanceof Error ? e.message : String(e) });
    }
    await runner?.dispose().catch(() => {});
  }
  return { best: best && { label: best.label, runner: best.runner }, timings };
}

const rateText = (x: number): string => (x >= 1e5 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(0)} k`);

/**
 * The run log's line: "fused-native: 47.1 M cell-ticks/s vs fused-wasm-relaxed 24.0 M, tfjs 2.1 M
 * (measured 2026-12-01, cached)"; paths that could not run are named with their reason.
 */
export function describeChoice(chosen: string, timings: readonly PathTiming[], measuredAt: string, cached: boolean): string {
  const rates = timings.filter((t): t is Extract<PathTiming, { cellTicksPerSec: number }> => 'cellTicksPerSec' in t);
  const mine = rates.find((t) => t.label === chosen);
  const others = rates.filter((t) => t.label !== chosen).map((t) => `${t.label} ${rateText(t.cellTicksPerSec)}`);
  const failed = timings.filter((t): t is Extract<PathTiming, { error: string }> => 'error' in t).map((t) => `${t.label} unavailable: ${t.error}`);
  const head = `${chosen}${mine ? ` (${mine.backend}): ${rateText(mine.cellTicksPerSec)} cell-ticks/s` : ''}`;
  const vs = others.length ? ` vs ${others.join(', ')}` : '';
  const why = `measured ${measuredAt.slice(0, 10)}${cached ? ', cached' : ''}`;
  return `engine.path auto chose ${head}${vs} (${why})${failed.length ? `; ${failed.join('; ')}` : ''}`;
}
