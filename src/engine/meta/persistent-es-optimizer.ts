import { requireRunShape } from './episode-sampler';
import { Rng } from '../random';
import { VsmlModelConfig } from '../model/config';
import { broadcastState, Episode } from '../model/episode';
import { initialState, LayerState } from '../model/init';
import { adamInit, AdamState, adamStep, globalNorm } from '../optim/adam';
import { EsOptions, pairRng } from './es-step';
import { MetaOptimizer, MetaOptimizerState, MetaStepResult, VsmlOptimizerContext } from './meta-optimizer';
import { decodeParticles, encodeParticles } from './particle-codec';
import { InnerSystem, initialParticles, Particle, sliceLoss, SliceRequest, SliceResult, truncatedEsStep, TruncationOptions } from './truncated-es';

/** The slice [start, start + length) of an episode, as an episode of its own (views, no copies). */
export function episodeSlice(e: Episode, start: number, length: number, batchSize: number, inputSize: number): Episode {
  const rows = (t: number): number => t * batchSize;
  return {
    length,
    inputs: e.inputs.subarray(rows(start) * inputSize, rows(start + length) * inputSize),
    labels: e.labels.subarray(rows(start), rows(start + length)),
  };
}

/**
 * Truncated / persistent ES on the VSML network (`optimizer.truncation` > 0; truncated-es.ts has
 * the estimator). Each pair's episode and initial state come from a stream seeded by
 * (seed, particle, episode index), so they are regenerated rather than stored; the particles'
 * positions, LSTM states and PES noise are this optimizer's checkpoint state.
 */
export class PersistentEsMetaOptimizer implements MetaOptimizer {
  readonly type = 'es';
  private adam: AdamState;
  private particles: Particle<LayerState[]>[] | undefined;
  /** The episode each particle is in, regenerated on demand. */
  private readonly episodes = new Map<number, { index: number; episode: Episode; state: LayerState[] }>();

  constructor(private readonly ctx: VsmlOptimizerContext, private readonly opt: EsOptions, private readonly trunc: TruncationOptions) {
    this.adam = adamInit(ctx.size);
  }

  private episodeOf(particle: number, index: number): { episode: Episode; state: LayerState[] } {
    const cached = this.episodes.get(particle);
    if (cached && cached.index === index) return cached;
    const { model, train, seed } = this.ctx;
    const rng = new Rng(seed, `pes-episode-${particle}-${index}`);
    const episode = train(rng, this.opt.episodeLength, model.batchSize);
    requireRunShape(model, episode, 'truncated/persistent ES');
    const state = broadcastState(initialState(model, rng), model.batchSize);
    const entry = { index, episode, state };
    this.episodes.set(particle, entry);
    return entry;
  }

  private system(cfg: VsmlModelConfig, accuracy: { correct: number; count: number }): InnerSystem<LayerState[]> {
    const { runner } = this.ctx;
    const T = this.opt.episodeLength;
    return {
      initialState: (k, e) => this.episodeOf(k, e).state,
      meanState: (a, b) => a.map((l, i) => ({ h: l.h.map((v, j) => (v + b[i].h[j]) / 2), c: l.c.map((v, j) => (v + b[i].c[j]) / 2) })),
      runSlices: async (reqs: readonly SliceRequest<LayerState[]>[]): Promise<SliceResult<LayerState[]>[]> => {
        const rollouts = reqs.map((r) => ({
          theta: r.theta,
          episode: episodeSlice(this.episodeOf(r.particle, r.episode).episode, r.start, r.length, cfg.batchSize, cfg.layerSizes[0]),
          initialState: r.state,
        }));
        const results = await runner.run(cfg, rollouts, { wantFinalState: true });
        return results.map((res, i) => {
          for (let j = 0; j < res.correct.length; j++) accuracy.correct += res.correct[j];
          accuracy.count += res.correct.length;
          // Per-step losses (mean over the batch) of this slice.
          const bs = cfg.batchSize;
          const steps = new Float64Array(reqs[i].length);
          for (let t = 0; t < steps.length; t++) for (let b = 0; b < bs; b++) steps[t] += res.ce[t * bs + b] / bs;
          return { state: res.finalState!, loss: sliceLoss(steps, reqs[i].start, T, this.trunc.length, this.opt.lossType) };
        });
      },
    };
  }

  private settings() {
    return { ...this.trunc, episodeLength: this.opt.episodeLength, sigma: this.opt.sigma, centeredRanks: this.opt.centeredRanks };
  }

  async step(theta: Float64Array, step: number): Promise<MetaStepResult> {
    const cfg = this.ctx.model;
    const accuracy = { correct: 0, count: 0 };
    const sys = this.system(cfg, accuracy);
    this.particles ??= initialParticles(this.opt.pairs, theta.length, this.settings(), sys);
    const r = await truncatedEsStep(this.particles, theta, (k) => pairRng(this.ctx.seed, step, k), this.settings(), sys);
    const grad = r.grad;
    if (this.opt.weightDecay > 0) for (let i = 0; i < grad.length; i++) grad[i] += this.opt.weightDecay * theta[i];
    const gradNorm = globalNorm(grad);
    adamStep(theta, grad, this.adam, this.opt.adam);
    return {
      metaLoss: (r.lossPos + r.lossNeg) / 2,
      lossPos: r.lossPos,
      lossNeg: r.lossNeg,
      trainAccuracy: accuracy.correct / accuracy.count,
      gradNorm,
      thetaNorm: globalNorm(theta),
    };
  }

  private meta() {
    return { estimator: this.trunc.estimator, truncation: this.trunc.length, episodeLength: this.opt.episodeLength };
  }

  state(): MetaOptimizerState {
    // Before the first step the particles are the starting ones: store them too, so a resume always finds particles.
    this.particles ??= initialParticles(this.opt.pairs, this.ctx.size, this.settings(), this.system(this.ctx.model, { correct: 0, count: 0 }));
    return { adam: this.adam, extra: encodeParticles(this.particles, this.meta()) };
  }

  restore(s: MetaOptimizerState, file?: string): void {
    this.adam = s.adam;
    const cfg = this.ctx.model;
    const layerSizes = cfg.layerSizes.slice(0, -1).map((A, l) => cfg.batchSize * A * cfg.layerSizes[l + 1] * cfg.slowSize);
    this.particles = decodeParticles(s.extra, { ...this.meta(), pairs: this.opt.pairs, dim: this.ctx.size, layerSizes }, file);
  }
}
