import { EngineError } from '../errors';
import { ReferenceRunner } from '../model/reference-runner';
import { RolloutRunner } from '../model/rollout-runner';
import { FusedRunner } from '../kernel/fused-runner';
import { TfjsRunner } from '../tfjs/tfjs-runner';
import { VsmlModelConfig } from '../model/config';
import { AutoRunnerOptions, createAutoRunner } from './auto-runner';

export type EnginePath = 'auto' | 'fused' | 'tfjs' | 'reference';
export type TfjsBackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** The `engine` section of a config, the CLI's --path/--backend/--threads, the extension's settings. */
export interface RunnerChoice {
  path: EnginePath;
  /** TensorFlow.js backend when path is tfjs (or auto falls back to it). */
  backend: TfjsBackendChoice;
  /** Worker threads; 0 = all cores. */
  threads: number;
}

const PATHS: readonly EnginePath[] = ['auto', 'fused', 'tfjs', 'reference'];

export function parseEnginePath(v: string, where: string): EnginePath {
  if (!(PATHS as readonly string[]).includes(v)) throw new EngineError(where, `is "${v}"`, `use one of ${PATHS.join(', ')}`);
  return v as EnginePath;
}

/** What `auto` needs to measure: the model's shapes (without them it takes the fixed order below). */
export interface CreateRunnerOptions {
  model?: VsmlModelConfig;
  /** Test seams of the measurement (candidates, cache file, timer). */
  auto?: Omit<AutoRunnerOptions, 'backend' | 'threads'>;
}

/**
 * Builds the runner the user asked for. `auto` with a model measures every path on its shapes
 * (remembered per machine: auto-runner.ts); without one it takes the fused kernel (native if it
 * loads, else wasm) and falls back to TensorFlow.js, then to the float64 reference. The log gets
 * the choice and why, and any faster build that failed to load ('warn' unless said 'info').
 */
export async function createRunner(choice: RunnerChoice, log: (msg: string, level?: 'info' | 'warn') => void = () => {}, opts: CreateRunnerOptions = {}): Promise<RolloutRunner> {
  const threads = choice.threads > 0 ? choice.threads : undefined;
  const withNotes = <R extends { notes: readonly string[] }>(r: R): R => {
    for (const n of r.notes) log(`${r instanceof FusedRunner ? 'fused kernel' : 'TensorFlow.js'}: ${n}`, 'info');
    return r;
  };
  switch (choice.path) {
    case 'reference':
      return new ReferenceRunner();
    case 'fused':
      return withNotes(await FusedRunner.create({ threads }));
    case 'tfjs':
      return withNotes(await TfjsRunner.create({ backend: choice.backend, threads }));
    case 'auto': {
      if (opts.model) return createAutoRunner(opts.model, { backend: choice.backend, threads, ...opts.auto }, log);
      try {
        return withNotes(await FusedRunner.create({ threads }));
      } catch (e) {
        log(`fused kernel unavailable (${(e as Error).message}); trying TensorFlow.js`);
      }
      try {
        return withNotes(await TfjsRunner.create({ backend: choice.backend, threads }));
      } catch (e) {
        log(`TensorFlow.js unavailable (${(e as Error).message}); using the float64 reference (slow)`);
      }
      return new ReferenceRunner();
    }
  }
}
