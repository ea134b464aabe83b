import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configOrThrow, loadConfigFile } from '../../../src/engine/config/load-config';
import { datasetOptionsFromConfig, openConfiguredDataset, openTrainingDataset } from '../../../src/engine/data/from-config';
import { sampleEpisode } from '../../../src/engine/data/episodes';
import { Rng } from '../../../src/engine/random';
import { REPO_ROOT } from '../../helpers/paths';

test('the default example config opens 7x7 MNIST for training and its evaluation datasets', async () => {
  const cfg = configOrThrow(await loadConfigFile(join(REPO_ROOT, 'examples', 'default.vsml.json')));
  const opts = datasetOptionsFromConfig(cfg, 10);
  assert.deepEqual(opts.preprocess?.resize, [7, 7]);
  assert.equal(opts.preprocess?.seed, cfg.seed);
  const train = openTrainingDataset(cfg, 10);
  assert.equal(train.inputSize, 49);
  const ep = sampleEpisode(train, 'train', cfg.training.episode_length, cfg.training.batch_size, new Rng(cfg.seed, 1));
  assert.equal(ep.inputs.length, cfg.training.episode_length * 49);
  for (const name of ['random', 'sum']) assert.equal(openConfiguredDataset(cfg, name, 10).inputSize, 49);
  const mix = openTrainingDataset({ ...cfg, training: { ...cfg.training, dataset: ['mnist', 'sum'], dataset_weights: [1, 0] } }, 10);
  assert.equal(mix.numClasses, 10);
  assert.equal(sampleEpisode(mix, 'train', 5, 1, new Rng(1)).labels.some((y) => y > 1), true);
});
