import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { encodePng, glyph, writeFile } from '../../helpers/write-images';
import { configOrThrow, loadConfigFile } from '../../../src/engine/config/load-config';
import { datasetOptionsFromConfig, openConfiguredDataset, openTrainingDataset } from '../../../src/engine/data/from-config';
import { sampleEpisode } from '../../../src/engine/data/episodes';
import { Rng } from '../../../src/engine/random';
import { REPO_ROOT, SHARED_DATA } from '../../helpers/paths';

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

test('an idx folder is standardized with the meta-training data\'s statistics by default, or its own with idx_stats "own"', async () => {
  const cfg = configOrThrow(await loadConfigFile(join(REPO_ROOT, 'examples', 'default.vsml.json')));
  const name = `idx:${join(SHARED_DATA, 'notmnist')}`;
  const minInput = (c: typeof cfg): number => {
    const ep = sampleEpisode(openConfiguredDataset(c, name, 10), 'test', 200, 1, new Rng(3));
    return Math.min(...ep.inputs);
  };
  // A blank 7x7 cell is 0 in [0,1]; standardized it becomes -mean/std.
  const mnist = -0.13066047430038452 / 0.3081078827381134;
  assert.ok(Math.abs(minInput(cfg) - mnist) < 1e-4, `min ${minInput(cfg)} vs ${mnist}`);
  const own = structuredClone(cfg);
  own.data.preprocess.idx_stats = 'own';
  assert.ok(minInput(own) < mnist - 0.2, 'notMNIST\'s own mean/std put the background well below MNIST\'s');
});

test('images: folders follow idx_stats like idx: folders; a csv of non-pixel values keeps its own statistics', async () => {
  const cfg = configOrThrow(await loadConfigFile(join(REPO_ROOT, 'examples', 'default.vsml.json')));
  const dir = mkdtempSync(join(tmpdir(), 'vsml-own-stats-'));
  for (const cls of ['a', 'b']) for (let i = 0; i < 5; i++) writeFile(join(dir, 'imgs', cls, `${i}.png`), encodePng(7, 7, glyph(7, 7, 60, i)));
  const minInput = (c: typeof cfg, name: string): number => Math.min(...sampleEpisode(openConfiguredDataset(c, name, 10), 'test', 20, 1, new Rng(3)).inputs);
  const mnist = (60 / 255 - 0.13066047430038452) / 0.3081078827381134; // the background, standardized like MNIST
  const images = `images:${join(dir, 'imgs')}`;
  assert.ok(Math.abs(minInput(cfg, images) - mnist) < 1e-6, 'training statistics by default');
  const own = structuredClone(cfg);
  own.data.preprocess.idx_stats = 'own';
  assert.ok(Math.abs(minInput(own, images) - mnist) > 0.1, 'own statistics with idx_stats "own"');
  // features 100..109 standardized with MNIST's numbers would be ~300; with their own they are near 0
  const lines = ['y,a,b,c'];
  for (let i = 0; i < 10; i++) lines.push(`${i % 2},${100 + i},${100 + i},${100 + i}`);
  writeFile(join(dir, 'f.csv'), lines.join('\n'));
  const ep = sampleEpisode(openConfiguredDataset(cfg, `csv:${join(dir, 'f.csv')}`, 10), 'test', 20, 1, new Rng(3));
  assert.ok(Math.max(...ep.inputs.map(Math.abs)) < 3, `inputs ${[...ep.inputs].slice(0, 3)}`);
});
