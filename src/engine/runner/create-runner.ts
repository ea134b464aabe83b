import { EngineError } from '../errors';
import { ReferenceRunner } from '../model/reference-runner';
import { RolloutRunner } from '../model/rollout-runner';
import { FusedRunner } from '../kernel/fused-runner';
import { TfjsRunner } from '../tfjs/tfjs-runner';

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

/**
 * Builds the runner the user asked for. `auto` takes the fused kernel (native if it loads,
 * else wasm) and falls back to TensorFlow.js, then to the float64 reference, logging why.
 */
export async function createRunner(choice: RunnerChoice, log: (msg: string) => void = () => {}): Promise<RolloutRunner> {
  const threads = choice.threads > 0 ? choice.threads : undefined;
  switch (choice.path) {
    case 'reference':
      return new ReferenceRunner();
    case 'fused':
      return FusedRunner.create({ threads });
    case 'tfjs':
      return TfjsRunner.create({ backend: choice.backend, threads });
    case 'auto': {
      try {
        return await FusedRunner.create({ threads });
      } catch (e) {
        log(`fused kernel unavailable (${(e as Error).message}); trying TensorFlow.js`);
      }
      try {
        return await TfjsRunner.create({ backend: choice.backend, threads });
      } catch (e) {
        log(`TensorFlow.js unavailable (${(e as Error).message}); using the float64 reference (slow)`);
      }
      return new ReferenceRunner();
    }
  }
}
