import { FusedRunner } from '../kernel/fused-runner';
import { VsmlModelConfig } from '../model/config';
import { ReferenceRunner } from '../model/reference-runner';
import { RolloutRunner } from '../model/rollout-runner';
import { TfjsRunner } from '../tfjs/tfjs-runner';
import { MeasureOptions, PathCandidate, describeChoice, measurePaths } from './measure-paths';
import { defaultPathCacheFile, pathCacheKey, readCachedChoice, writeCachedChoice } from './path-cache';

export interface AutoRunnerOptions {
  /** TensorFlow.js backend of the tfjs candidate ('auto': tfjs-node(-gpu), else wasm, else cpu). */
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Worker threads (undefined = one per core). */
  threads?: number;
  /** Injected for tests: the paths to try (default: every fused build, then tfjs), the cache file, the timer, the clock. */
  candidates?: readonly PathCandidate[];
  cacheFile?: string;
  measure?: MeasureOptions;
  today?: () => Date;
}

/** Every path auto considers, fastest expected first (the order breaks exact ties). */
export function defaultCandidates(backend: AutoRunnerOptions['backend'], threads: number | undefined): PathCandidate[] {
  return [
    { label: 'fused-native', create: () => FusedRunner.create({ prefer: 'native', threads }) },
    { label: 'fused-wasm-relaxed', create: () => FusedRunner.create({ prefer: 'wasm-relaxed', threads }) },
    { label: 'fused-wasm-simd128', create: () => FusedRunner.create({ prefer: 'wasm-simd128', threads }) },
    { label: 'tfjs', create: () => TfjsRunner.create({ backend, threads }) },
  ];
}

/**
 * `engine.path: auto` for a model: the path remembered for these shapes on this machine, else
 * the fastest by measurement (then remembered). Logs one line saying which and why. Falls back
 * to the float64 reference only when nothing else runs.
 */
export async function createAutoRunner(model: VsmlModelConfig, opts: AutoRunnerOptions, log: (msg: string, level?: 'info' | 'warn') => void): Promise<RolloutRunner> {
  const candidates = opts.candidates ?? defaultCandidates(opts.backend, opts.threads);
  const file = opts.cacheFile ?? defaultPathCacheFile();
  const key = pathCacheKey(model, opts.threads ?? 0);
  const cached = readCachedChoice(file, key);
  const remembered = cached && candidates.find((c) => c.label === cached.chosen);
  if (cached && remembered) {
    try {
      const runner = await remembered.create();
      log(describeChoice(cached.chosen, cached.timings, cached.measuredAt, true), 'info');
      return runner;
    } catch (e) {
      log(`engine.path auto: the remembered ${cached.chosen} no longer starts (${(e as Error).message}); measuring again`, 'warn');
    }
  }
  const { best, timings } = await measurePaths(candidates, model, opts.measure);
  if (!best) {
    log(`engine.path auto: no fast path runs here (${timings.map((t) => ('error' in t ? `${t.label}: ${t.error}` : t.label)).join('; ')}); using the float64 reference (slow)`, 'warn');
    return new ReferenceRunner();
  }
  const measuredAt = (opts.today?.() ?? new Date()).toISOString();
  try {
    writeCachedChoice(file, key, { chosen: best.label, timings, measuredAt });
  } catch (e) {
    log(`engine.path auto: could not remember the choice in ${file} (${(e as Error).message}); it will be measured again next time`, 'warn');
  }
  log(describeChoice(best.label, timings, measuredAt, false), 'info');
  return best.runner;
}
