import { Rng } from '../../../src/engine/random';
import { Episode } from '../../../src/engine/model/episode';

/** Linearly separable stream: 3 classes, class c has mean +1.5 on feature c, noise std 0.7. */
export function separableEpisode(rng: Rng, T: number, batch = 1, D = 6): Episode {
  const inputs = new Float64Array(T * batch * D);
  const labels = new Int32Array(T * batch);
  for (let k = 0; k < T * batch; k++) {
    const y = rng.int(3);
    labels[k] = y;
    for (let i = 0; i < D; i++) inputs[k * D + i] = 0.7 * rng.normal() + (i === y ? 1.5 : 0);
  }
  return { length: T, inputs, labels };
}
