import { EngineError } from '../errors';
import { Rng } from '../random';
import { Episode } from '../model/episode';
import { VsmlModelConfig } from '../model/config';

/** The input and output size of the network an episode needs (A_0 and A_L). */
export interface EpisodeShape {
  readonly inputSize: number;
  readonly numClasses: number;
}

/**
 * An episode as a sampler draws it. `shape` is set when the episode comes from a task
 * distribution whose datasets keep their own sizes (a mixture, training.tasks): V_M does not
 * depend on layer sizes, so one meta-step runs networks of several sizes. Absent = the run's model.
 */
export interface SampledEpisode extends Episode {
  readonly shape?: EpisodeShape;
}

/**
 * Draws one episode (inputs [T, batch, A_0], labels [T, batch]) with the given generator.
 * Meta-training and evaluation see data only through this, so datasets, mixtures and
 * procedural tasks plug in the same way.
 */
export type EpisodeSampler = (rng: Rng, length: number, batchSize: number) => SampledEpisode;

/** The network for one episode: the run's model with the episode's own input and output sizes. */
export function modelForEpisode(cfg: VsmlModelConfig, episode: SampledEpisode): VsmlModelConfig {
  const s = episode.shape;
  const L = cfg.layerSizes.length;
  if (!s || (s.inputSize === cfg.layerSizes[0] && s.numClasses === cfg.layerSizes[L - 1])) return cfg;
  return { ...cfg, layerSizes: [s.inputSize, ...cfg.layerSizes.slice(1, -1), s.numClasses] };
}

/** For meta-optimizers that run one network size: refuses an episode of another size, saying what does support it. */
export function requireRunShape(cfg: VsmlModelConfig, episode: SampledEpisode, optimizer: string): void {
  if (modelForEpisode(cfg, episode) === cfg) return;
  throw new EngineError('training.dataset',
    `${optimizer} runs one network size, but an episode needs ${episode.shape!.inputSize} inputs and ${episode.shape!.numClasses} outputs (the run's network: ${cfg.layerSizes[0]} and ${cfg.layerSizes[cfg.layerSizes.length - 1]})`,
    'meta-train datasets or tasks of different sizes with whole-episode ES (optimizer.type es, truncation 0), or give them one size with data.preprocess.resize, pad.input and pad.output');
}
