import { ModelConfig, isVsml } from '../learners/learner-config';
import { runBaselineRollouts } from '../learners/baseline-episode';
import { availableParallelism } from 'node:os';
import { check, EngineError } from '../errors';
import { validateModelConfig } from '../model/config';
import { Rollout, RolloutResult, RolloutRunner, RunOptions } from '../model/rollout-runner';
import { KernelBackend } from './kernel-abi';
import { finishJob, prepareJob, runJob } from './fused-episode';
import { KernelPreference, loadKernel } from './load-kernel';
import { KernelWorkerPool } from './worker-pool';

export interface FusedRunnerOptions {
  /**
   * 'native' or 'wasm' insist on that kind (error if it does not load), 'wasm-relaxed' and
   * 'wasm-simd128' on one wasm build; default: native, else wasm relaxed SIMD, else simd128.
   */
  prefer?: Exclude<KernelPreference, 'auto'>;
  /** Worker threads; default os.availableParallelism(). 0 runs in the calling thread (blocks it). */
  threads?: number;
}

/**
 * The fused float32 kernel (native/vsml-kernel.c) as a RolloutRunner: native N-API addon
 * (AVX2 or SSE2) when it loads, else the wasm build (relaxed SIMD where the runtime has it,
 * else simd128), across worker threads.
 */
export class FusedRunner implements RolloutRunner {
  readonly precision = 'float32' as const;

  private constructor(
    readonly name: 'fused-native' | 'fused-wasm',
    readonly backend: string,
    readonly threads: number,
    private readonly pool: KernelWorkerPool | undefined,
    private readonly inline: KernelBackend | undefined,
    /** Why faster builds were passed over (an addon that failed to load, no relaxed SIMD), for the run log. */
    readonly notes: readonly string[],
  ) {}

  static async create(opts: FusedRunnerOptions = {}): Promise<FusedRunner> {
    const threads = opts.threads ?? availableParallelism();
    check(Number.isInteger(threads) && threads >= 0 && threads <= 256, 'engine.threads', `must be an integer in [0, 256], got ${threads}`, 'use e.g. 2, or leave it unset for one per core');
    // Load in this thread first: it decides native vs wasm once, and fails early with a clear error.
    const { kernel, kind, skipped } = loadKernel(opts.prefer ?? 'auto');
    const backend = kind === 'native' ? `native-${kernel.variant}` : `wasm-${kernel.variant}`;
    const name = kind === 'native' ? 'fused-native' : 'fused-wasm';
    // Inline mode still runs on one thread (the caller's), and says so to the run log.
    if (threads === 0) return new FusedRunner(name, backend, 1, undefined, kernel, skipped);
    // The workers load exactly the build this thread chose.
    const exact: KernelPreference = kind === 'native' ? 'native' : kernel.variant === 'relaxed-simd' ? 'wasm-relaxed' : 'wasm-simd128';
    const pool = await KernelWorkerPool.create(threads, exact);
    return new FusedRunner(name, backend, threads, pool, undefined, skipped);
  }

  async run(cfg: ModelConfig, rollouts: readonly Rollout[], options: RunOptions = {}): Promise<RolloutResult[]> {
    if (!isVsml(cfg)) return runBaselineRollouts(cfg, rollouts);
    validateModelConfig(cfg);
    const want = options.wantFinalState ?? false;
    const jobs = rollouts.map((r, i) => {
      try {
        return prepareJob(cfg, r);
      } catch (e) {
        // Name the rollout too: ES runs dozens of them per step.
        if (e instanceof EngineError) throw new EngineError(`rollouts[${i}].${e.path}`, e.rawMessage(), e.fix, e.file);
        throw e;
      }
    });
    const labels = jobs.map((j) => j.labels.slice()); // the job's own buffers move to the workers
    const outputs = this.inline ? jobs.map((j) => runJob(this.inline!, cfg, j, want)) : await this.pool!.run(cfg, jobs, want);
    return outputs.map((o, i) => finishJob(cfg, labels[i], o));
  }

  async dispose(): Promise<void> {
    await this.pool?.close();
  }
}
