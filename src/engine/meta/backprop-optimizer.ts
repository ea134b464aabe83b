import { requireRunShape } from './episode-sampler';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';
import { stopPoint } from '../stop';
import { GradientKernel, loadGradientKernel, nativeEpisodeGradient, nativeGradientUnsupported } from '../kernel/native-gradient';
import { broadcastState, Episode } from '../model/episode';
import { initialState, LayerState } from '../model/init';
import { adamInit, AdamOptions, AdamState, adamStep, globalNorm } from '../optim/adam';
import { selectTfjsBackend, TfjsBackendPreference } from '../tfjs/backend';
import { EpisodeGradient, truncatedEpisodeGradient } from '../tfjs/truncated-gradient';
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
}

type GradientFn = (theta: Float64Array, episode: Episode, state: readonly LayerState[]) => EpisodeGradient;

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
 * Episodes and initial states come from stepRng(seed, step), so a resumed run is exact; the only
 * state is Adam's. Gradients run in this thread, one episode after another (see README
 * "Gradient-based meta-training" for their rate); forward evaluations still use the run's RolloutRunner.
 */
export class BackpropMetaOptimizer implements MetaOptimizer {
  readonly type = 'backprop';
  private adam: AdamState;
  private backend: string | undefined;
  private gradient: { fn: GradientFn; where: string } | undefined;
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
    const grad = new Float64Array(theta.length);
    let loss = 0;
    let correct = 0;
    let tapeBytes = 0;
    for (let k = 0; k < K; k++) {
      const episode = train(rng, T, bs);
      requireRunShape(model, episode, 'gradient-based meta-training (optimizer.type backprop)');
      const state = broadcastState(initialState(model, rng), bs);
      const r = gradient.fn(theta, episode, state);
      for (let i = 0; i < grad.length; i++) grad[i] += r.grad[i] / K;
      loss += r.loss / K;
      for (let i = 0; i < r.correct.length; i++) correct += r.correct[i];
      tapeBytes = Math.max(tapeBytes, r.peakTapeBytes);
      // An episode's gradient takes a while: let pending I/O (IPC to the editor, signals) through, and
      // honour a stop here; θ and Adam change only after the last episode, so stopping is clean.
      await stopPoint(signal);
    }
    if (this.opt.weightDecay > 0) for (let i = 0; i < grad.length; i++) grad[i] += this.opt.weightDecay * theta[i];
    const gradNorm = globalNorm(grad);
    adamStep(theta, grad, this.adam, this.opt.adam);

    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    const tapeMB = tapeBytes / 1e6;
    // Memory is bounded by the slice; say so once, and again only if the peak keeps growing.
    if (peakRssMB > 1.1 * this.loggedRssMB) {
      this.ctx.log?.('info', `backprop meta-step ${step}: peak RSS ${peakRssMB.toFixed(0)} MB, gradient tape ${tapeMB.toFixed(1)} MB `
        + `(${truncation === 0 || truncation >= T ? `whole ${T}-step episodes` : `slices of ${truncation} steps`}, ${gradient.where})`);
      this.loggedRssMB = peakRssMB;
    }
    return { metaLoss: loss, trainAccuracy: correct / (K * T * bs), gradNorm, thetaNorm: globalNorm(theta), peakRssMB, tapeMB };
  }

  /**
   * Picks where gradients run, once: the kernel reverse pass when asked or when 'auto' finds the
   * addon and a supported model, else tfjs autodiff (logged once with the reason).
   */
  private async useGradient(): Promise<{ fn: GradientFn; where: string }> {
    if (!this.gradient) this.gradient = this.chooseGradient();
    if (this.gradient.where !== 'tfjs') return this.gradient;
    await this.useBackend();
    return { ...this.gradient, where: `tfjs ${this.backend}` };
  }

  private chooseGradient(): { fn: GradientFn; where: string } {
    const { model } = this.ctx;
    const { lossType, truncation } = this.opt;
    const want = this.opt.gradient ?? 'auto';
    if (want !== 'tfjs') {
      const unsupported = nativeGradientUnsupported(model);
      const loaded: { kernel?: GradientKernel; reason?: string } = unsupported ? { reason: unsupported } : loadGradientKernel();
      if (loaded.kernel) {
        const kernel = loaded.kernel;
        this.ctx.log?.('info', 'backprop gradients on the fused kernel\'s reverse pass (native, float64) in the training thread');
        return { fn: (theta, episode, state) => nativeEpisodeGradient(kernel, model, theta, episode, state, lossType, truncation), where: 'kernel reverse pass' };
      }
      if (want === 'native') {
        throw new EngineError('engine.gradient', `is "native" but the kernel reverse pass cannot run: ${loaded.reason}`, 'set engine.gradient to "auto" or "tfjs", or build the addon with `npm run build:native`');
      }
      this.ctx.log?.('info', `backprop gradients fall back to TensorFlow.js autodiff: ${loaded.reason}`);
    }
    return { fn: (theta, episode, state) => truncatedEpisodeGradient(model, theta, episode, state, lossType, truncation), where: 'tfjs' };
  }

  /** Activates the configured tfjs backend; a tfjs runner in this process may have switched it since. */
  private async useBackend(): Promise<void> {
    if (!this.backend) {
      const sel = await selectTfjsBackend(this.opt.backend);
      this.backend = sel.backend;
      this.ctx.log?.('info', `backprop gradients on tfjs ${sel.backend} in the training thread${sel.notes.length ? ` (${sel.notes.join('; ')})` : ''}`);
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
