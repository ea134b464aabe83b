import { requireRunShape } from './episode-sampler';
import * as tf from '@tensorflow/tfjs-core';
import { stopPoint } from '../stop';
import { broadcastState } from '../model/episode';
import { initialState } from '../model/init';
import { adamInit, AdamOptions, AdamState, adamStep, globalNorm } from '../optim/adam';
import { selectTfjsBackend, TfjsBackendPreference } from '../tfjs/backend';
import { truncatedEpisodeGradient } from '../tfjs/truncated-gradient';
import { stepRng } from './es-step';
import { MetaOptimizer, MetaOptimizerState, MetaStepResult, VsmlOptimizerContext } from './meta-optimizer';

export interface BackpropOptions {
  /** Episodes per update (`optimizer.meta_batch_size`; the reference's population_size with type sgd). */
  metaBatchSize: number;
  episodeLength: number;
  lossType: 'mean' | 'last';
  /** Steps per backpropagated slice (`optimizer.truncation`); 0 = the whole episode. */
  truncation: number;
  /** L2 coefficient added to the gradient; 0 = off. */
  weightDecay: number;
  /** Adam with gradient-norm clipping, as the reference's optax chain. */
  adam: AdamOptions;
  /** The TensorFlow.js backend the gradients run on (`engine.backend`). */
  backend: TfjsBackendPreference;
}

/**
 * Gradient-based meta-training (the reference's `optimizer.type: sgd`, here `backprop`): the
 * meta-loss is backpropagated through the unrolled online episodes with TensorFlow.js autodiff,
 * averaged over a meta-batch of episodes, clipped and handed to Adam.
 *
 * With a truncation, each episode runs in slices whose gradients are summed and θ is updated
 * once per meta-step (not once per slice). Truncation is then only a memory bound: truncation ≥ T
 * gives the reference's exact whole-episode gradient, the meta-step stays one batch of whole
 * episodes (metrics, checkpoints and resume keep their meaning, and no inner state is carried
 * between meta-steps), and the Adam step count is the same as the reference's.
 *
 * Episodes and initial states come from stepRng(seed, step), so a resumed run is exact; the only
 * state is Adam's. Gradients run in this thread (see README "Gradient-based meta-training" for
 * their rate); forward evaluations still use the run's RolloutRunner.
 */
export class BackpropMetaOptimizer implements MetaOptimizer {
  readonly type = 'backprop';
  private adam: AdamState;
  private backend: string | undefined;
  private loggedRssMB = 0;

  constructor(private readonly ctx: VsmlOptimizerContext, private readonly opt: BackpropOptions) {
    this.adam = adamInit(ctx.size);
  }

  async step(theta: Float64Array, step: number, signal?: AbortSignal): Promise<MetaStepResult> {
    await this.useBackend();
    const { model, train, seed } = this.ctx;
    const { metaBatchSize: K, episodeLength: T, lossType, truncation } = this.opt;
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
      const r = truncatedEpisodeGradient(model, theta, episode, state, lossType, truncation);
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
      this.ctx.log?.('info', `backprop meta-step ${step}: peak RSS ${peakRssMB.toFixed(0)} MB, autodiff tape ${tapeMB.toFixed(1)} MB `
        + `(${truncation === 0 || truncation >= T ? `whole ${T}-step episodes` : `slices of ${truncation} steps`}, tfjs ${this.backend})`);
      this.loggedRssMB = peakRssMB;
    }
    return { metaLoss: loss, trainAccuracy: correct / (K * T * bs), gradNorm, thetaNorm: globalNorm(theta), peakRssMB, tapeMB };
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
