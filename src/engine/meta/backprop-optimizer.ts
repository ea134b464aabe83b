import { requireRunShape } from './episode-sampler';
import * as tf from '@tensorflow/tfjs-core';
import { check, EngineError } from '../errors';
import { GradientWorkerPool } from '../kernel/gradient-worker-pool';
import { GradientKernel, loadGradientKernel, nativeEpisodeGradient, nativeGradientUnsupported } from '../kernel/native-gradient';
import { broadcastState, Episode } from '../model/episode';
import { initialState, LayerState } from '../model/init';
import { adamInit, AdamOptions, AdamState, adamStep, globalNorm } from '../optim/adam';
import { selectTfjsBackend, TfjsBackendPreference } from '../tfjs/backend';
import { truncatedEpisodeGradient } from '../tfjs/truncated-gradient';
import { metaBatchGradient, SlotGradient } from './meta-batch-gradient';
import { gradientThreads } from '../model/gradient-threads';
import { stepEpisodeLength, stepRng } from './es-step';
import { MetaOptimizer, MetaOptimizerState, MetaStepResult, VsmlOptimizerContext } from './meta-optimizer';

export interface BackpropOptions {
  /** Episodes per update (`optimizer.meta_batch_size`; the reference's population_size with type sgd). */
  metaBatchSize: number;
  episodeLength: number;
  /** When set, each meta-step draws its episode length from this list (`training.episode_lengths`), as ES does. */
  episodeLengths?: readonly number[];
  lossType: 'mean' | 'last';
  /** Steps per backpropagated slice (`optimizer.truncation`); 0 = the whole episode. */
  truncation: number;
  /** L2 coefficient added to the gradient; 0 = off. */
  weightDecay: number;
  /** Adam with gradient-norm clipping, as the reference's optax chain. */
  adam: AdamOptions;
  /** The TensorFlow.js backend the gradients run on (`engine.backend`) when they run on tfjs. */
  backend: TfjsBackendPreference;
  /** `engine.gradient`: the kernel reverse pass ('native'), tfjs autodiff, or native when possible ('auto', the default). */
  gradient?: 'auto' | 'native' | 'tfjs';
  /**
   * `engine.threads` (0 or absent = one per core, as the forward runner): the kernel reverse pass
   * runs min(threads, metaBatchSize) episodes at once on worker threads; 1 runs them in this thread.
   */
  threads?: number;
}

/** Where the episodes' gradients run: `slots` of them at once, each through `fn`. */
interface GradientPath {
  fn: SlotGradient<{ theta: Float64Array; episode: Episode; state: LayerState[] }>;
  /** Concurrent episodes: worker threads of the reverse pass, or 1 (this thread). */
  slots: number;
  where: string;
  close?: () => Promise<void>;
}

/**
 * Gradient-based meta-training (the reference's `optimizer.type: sgd`, here `backprop`): the
 * meta-loss is backpropagated through the unrolled online episodes, by the fused kernel's reverse
 * pass (native/vsml-grad.c) or by TensorFlow.js autodiff (`engine.gradient`; same gradient to
 * float32 rounding), averaged over a meta-batch of episodes, clipped and handed to Adam.
 *
 * With a truncation, each episode runs in slices whose gradients are summed and θ is updated
 * once per meta-step (not once per slice). Truncation is then only a memory bound: truncation ≥ T
 * gives the reference's exact whole-episode gradient, the meta-step stays one batch of whole
 * episodes (metrics, checkpoints and resume keep their meaning, and no inner state is carried
 * between meta-steps), and the Adam step count is the same as the reference's.
 *
 * Episodes and initial states come from stepRng(seed, step), drawn in this thread in episode
 * order, so a resumed run is exact; the only state is Adam's. On the kernel reverse pass the
 * meta-batch's episodes run on min(engine.threads, meta_batch_size) worker threads at once, their
 * gradients summed in episode order (metaBatchGradient), so θ is bit-identical for any thread
 * count; tfjs autodiff runs in this thread, one episode after another. Forward evaluations still
 * use the run's RolloutRunner.
 */
export class BackpropMetaOptimizer implements MetaOptimizer {
  readonly type = 'backprop';
  private adam: AdamState;
  private backend: string | undefined;
  private gradient: Promise<GradientPath> | undefined;
  private loggedRssMB = 0;

  constructor(private readonly ctx: VsmlOptimizerContext, private readonly opt: BackpropOptions) {
    this.adam = adamInit(ctx.size);
  }

  async step(theta: Float64Array, step: number, signal?: AbortSignal): Promise<MetaStepResult> {
    const gradient = await this.useGradient();
    const { model, train, seed } = this.ctx;
    const { metaBatchSize: K, truncation } = this.opt;
    const T = stepEpisodeLength(seed, step, this.opt);
    const bs = model.batchSize;
    const rng = stepRng(seed, step);
    // Drawn lazily in episode order (episode, then its initial state), as before threads: the same stream for any thread count.
    const draw = (): { theta: Float64Array; episode: Episode; state: LayerState[] } => {
      const episode = train(rng, T, bs);
      requireRunShape(model, episode, 'gradient-based meta-training (optimizer.type backprop)');
      return { theta, episode, state: broadcastState(initialState(model, rng), bs) };
    };
    // θ and Adam change only after the whole meta-batch, so a stop between episodes is clean.
    const { grad, loss, correct, peakTapeBytes } = await metaBatchGradient(K, gradient.slots, theta.length, draw, gradient.fn, signal);
    if (this.opt.weightDecay > 0) for (let i = 0; i < grad.length; i++) grad[i] += this.opt.weightDecay * theta[i];
    const gradNorm = globalNorm(grad);
    adamStep(theta, grad, this.adam, this.opt.adam);

    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    // Each slot (thread) holds its own tape: the step's peak is one episode's tape times the slots.
    const tapeMB = (peakTapeBytes * gradient.slots) / 1e6;
    // Memory is bounded by the slice; say so once, and again only if the peak keeps growing.
    if (peakRssMB > 1.1 * this.loggedRssMB) {
      const perThread = gradient.slots > 1 ? `: ${(peakTapeBytes / 1e6).toFixed(1)} MB per thread x ${gradient.slots} threads` : '';
      this.ctx.log?.('info', `backprop meta-step ${step}: peak RSS ${peakRssMB.toFixed(0)} MB, gradient tape ${tapeMB.toFixed(1)} MB `
        + `(${truncation === 0 || truncation >= T ? `whole ${T}-step episodes` : `slices of ${truncation} steps`}, ${gradient.where}${perThread})`);
      this.loggedRssMB = peakRssMB;
    }
    return { metaLoss: loss, trainAccuracy: correct / (K * T * bs), gradNorm, thetaNorm: globalNorm(theta), peakRssMB, tapeMB };
  }

  /**
   * Picks where gradients run, once: the kernel reverse pass when asked or when 'auto' finds the
   * addon and a supported model, else tfjs autodiff (logged once with the reason).
   */
  private async useGradient(): Promise<GradientPath> {
    this.gradient ??= this.chooseGradient();
    const path = await this.gradient;
    if (path.where !== 'tfjs') return path;
    await this.useBackend();
    return { ...path, where: `tfjs ${this.backend}` };
  }

  private async chooseGradient(): Promise<GradientPath> {
    const { model } = this.ctx;
    const { lossType, truncation } = this.opt;
    const want = this.opt.gradient ?? 'auto';
    if (want !== 'tfjs') {
      const unsupported = nativeGradientUnsupported(model);
      const loaded: { kernel?: GradientKernel; reason?: string } = unsupported ? { reason: unsupported } : loadGradientKernel();
      if (loaded.kernel) return this.nativePath(loaded.kernel);
      if (want === 'native') {
        throw new EngineError('engine.gradient', `is "native" but the kernel reverse pass cannot run: ${loaded.reason}`, 'set engine.gradient to "auto" or "tfjs", or build the addon with `npm run build:native`');
      }
      this.ctx.log?.('info', `backprop gradients fall back to TensorFlow.js autodiff: ${loaded.reason}`);
    }
    return { fn: (_slot, { theta, episode, state }) => truncatedEpisodeGradient(model, theta, episode, state, lossType, truncation), slots: 1, where: 'tfjs' };
  }

  /** The kernel reverse pass on min(engine.threads, meta_batch_size) worker threads, or in this thread when that is 1. */
  private async nativePath(kernel: GradientKernel): Promise<GradientPath> {
    const { model } = this.ctx;
    const { lossType, truncation, metaBatchSize } = this.opt;
    const { threads, slots } = gradientThreads(this.opt.threads ?? 0, metaBatchSize);
    check(Number.isInteger(threads) && threads >= 0 && threads <= 256, 'engine.threads', `must be an integer in [0, 256], got ${threads}`, 'use e.g. 2, or 0 for one per core');
    const idle = threads > slots ? ` (${threads - slots} of engine.threads ${threads} idle: optimizer.meta_batch_size is ${metaBatchSize})` : '';
    if (slots <= 1) {
      this.ctx.log?.('info', `backprop gradients on the fused kernel's reverse pass (native, float64) in the training thread, one episode at a time${idle}`);
      return { fn: (_slot, { theta, episode, state }) => nativeEpisodeGradient(kernel, model, theta, episode, state, lossType, truncation), slots: 1, where: 'kernel reverse pass' };
    }
    const pool = await GradientWorkerPool.create(slots);
    this.ctx.log?.('info', `backprop gradients on the fused kernel's reverse pass (native, float64) on ${slots} worker threads, one episode each at a time${idle}`);
    return {
      fn: (slot, { theta, episode, state }) => pool.gradient(slot, model, theta, episode, state, lossType, truncation),
      slots,
      where: `kernel reverse pass on ${slots} threads`,
      close: () => pool.close(),
    };
  }

  /** Stops the gradient worker threads, if any (idle ones do not keep the process alive either way). */
  async dispose(): Promise<void> {
    const path = await this.gradient?.catch(() => undefined);
    this.gradient = undefined;
    await path?.close?.();
  }

  /** Activates the configured tfjs backend; a tfjs runner in this process may have switched it since. */
  private async useBackend(): Promise<void> {
    if (!this.backend) {
      const sel = await selectTfjsBackend(this.opt.backend);
      this.backend = sel.backend;
      this.ctx.log?.('info', `backprop gradients on tfjs ${sel.backend} in the training thread, one episode at a time (engine.threads spreads only the kernel reverse pass)${sel.notes.length ? ` (${sel.notes.join('; ')})` : ''}`);
    }
    if (tf.getBackend() !== this.backend) await tf.setBackend(this.backend);
  }

  state(): MetaOptimizerState {
    return { adam: this.adam };
  }

  restore(s: MetaOptimizerState): void {
    this.adam = s.adam;
  }
}
