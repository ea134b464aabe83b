import { Rng } from '../random';
import { Episode } from '../model/episode';

/**
 * Draws one episode (inputs [T, batch, A_0], labels [T, batch]) with the given generator.
 * Meta-training and evaluation see data only through this, so datasets, mixtures and
 * procedural tasks plug in the same way.
 */
export type EpisodeSampler = (rng: Rng, length: number, batchSize: number) => Episode;
