import { ModelConfig, isVsml } from '../learners/learner-config';
import { runBaselineRollouts } from '../learners/baseline-episode';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { check, EngineError } from '../errors';
import { validateModelConfig } from '../model/config';
import { checkEpisode, checkParams } from '../model/episode';
import { paramLayout } from '../model/param-layout';
import { Rollout, RolloutResult, RolloutRunner, RunOptions } from '../model/rollout-runner';
import { selectTfjsBackend, TfjsBackendPreference } from './backend';
import { LayerOps } from './dense-layer';
import { runRollout } from './rollout-episode';
import { TfjsWorkerPool } from './tfjs-worker-pool';

export interface TfjsRunnerOptions {
  backend?: TfjsBackendPreference;
  /**
   * Threads; default os.availableParallelism(). On wasm and cpu (single-threaded in Node) this
   * many worker threads each run their own tfjs engine on a share of the rollouts; 0 or 1 runs in
   * the calling thread. On 'tensorflow' it is TensorFlow's intra-op thread count.
   */
  threads?: number;
}

/**
 * The TensorFlow.js path: the baseline the fused kernel is measured against, and the path that
 * runs where no fused kernel loads. Float32.
 *
 * Within a thread, rollouts run one after another, each as whole-tensor ops over its A x B
 * cells. Every rollout has its own θ, and tfjs has no fast batched matMul with per-batch weights
 * (in the wasm backend a [R, X, K] x [R, K, N] matMul is ~10x slower than R plain matMuls, which
 * XNNPACK runs), so there is nothing to gain from stacking rollouts; one at a time also keeps a
 * rollout's tensors in cache. The error feedback is computed on the host: a handful of numbers.
 * To use more than one core, rollouts are spread over worker threads (see TfjsRunnerOptions).
 */
export class TfjsRunner implements RolloutRunner {
  readonly name = 'tfjs';
  readonly precision = 'float32' as const;

  private constructor(
    /** The tfjs backend that runs: 'tensorflow', 'wasm' or 'cpu'. */
    readonly backend: string,
    readonly threads: number,
    /** Why a preferred backend was skipped or fewer threads run (for the run log). */
    readonly notes: readonly string[],
    private readonly pool: TfjsWorkerPool | undefined,
  ) {}

  static async create(opts: TfjsRunnerOptions = {}): Promise<TfjsRunner> {
    const threads = opts.threads ?? availableParallelism();
    check(Number.isInteger(threads) && threads >= 0 && threads <= 256, 'engine.threads', `must be an integer in [0, 256], got ${threads}`,
      'use e.g. 2, or leave it unset for one per core');
    const sel = await selectTfjsBackend(opts.backend ?? 'auto', threads > 0 ? threads : undefined);
    if (sel.backend === 'tensorflow' || threads <= 1) return new TfjsRunner(sel.backend, sel.threads, sel.notes, undefined);
    // wasm and cpu run one thread per tfjs engine in Node: one engine per worker thread instead.
    const notes = sel.notes.filter((n) => !/thread/.test(n));
    try {
      const pool = await TfjsWorkerPool.create(threads, sel.backend as TfjsBackendPreference);
      return new TfjsRunner(sel.backend, threads, [...notes, `${threads} worker threads, one tfjs ${sel.backend} engine each`], pool);
    } catch (e) {
      notes.push(`tfjs worker threads unavailable (${(e as Error).message}); running in one thread`);
      return new TfjsRunner(sel.backend, 1, notes, undefined);
    }
  }

  async run(cfg: ModelConfig, rollouts: readonly Rollout[], options: RunOptions = {}): Promise<RolloutResult[]> {
    if (!isVsml(cfg)) return runBaselineRollouts(cfg, rollouts);
    validateModelConfig(cfg);
    const layout = paramLayout(cfg);
    rollouts.forEach((r, i) => {
      try {
        checkEpisode(cfg, r.episode, r.initialState, r.theta.length, layout.size);
        checkParams(r.theta);
      } catch (e) {
        if (e instanceof EngineError) throw new EngineError(`rollouts[${i}].${e.path}`, e.rawMessage(), e.fix, e.file);
        throw e;
      }
    });
    const want = options.wantFinalState === true;
    if (this.pool && rollouts.length > 1) return this.pool.run(cfg, rollouts, want);
    // The tfjs backend is global; another runner in this process may have switched it.
    if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend);
    const ops: LayerOps = { fastTanh: this.backend === 'wasm' };
    return rollouts.map((r) => runRollout(cfg, layout, r, ops, want));
  }

  async dispose(): Promise<void> {
    await this.pool?.close();
  }
}

