import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvalOverrides, frozenAtEvaluation } from '../../../src/engine/eval/eval-overrides';
import { evaluateTrainedLa } from '../../../src/engine/eval/evaluate-checkpoint';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import type { VsmlModelConfig } from '../../../src/engine/model/config';
import { tinyTrainedLa } from '../../helpers/tiny-la';

test('data, evaluation and seed keys may change at evaluation; model, training and optimizer keys may not', () => {
  for (const ok of ['data.preprocess.resize=[14,14]', 'data.filter_classes=[0,1,2]', 'evaluation.count=3', 'random_dataset.size=5', 'seed=9', 'data.preprocess.pad.output=[12]']) {
    assert.equal(frozenAtEvaluation(ok), undefined, ok);
  }
  assert.match(frozenAtEvaluation('model.sub_rnn.slow_size=8')!, /layout of θ/);
  assert.match(frozenAtEvaluation('model.vsml_rnn.layer_specs[0].out_size=3')!, /wiring/);
  assert.match(frozenAtEvaluation('training.population_size=3')!, /meta-training is over/);
  assert.match(frozenAtEvaluation('optimizer.lr=1')!, /meta-training is over/);
});

test('an override is applied and validated like train --set: the resized data reach the config', () => {
  const la = tinyTrainedLa();
  const res = applyEvalOverrides(la.config, ['data.preprocess.resize=[14,14]', 'evaluation.count=3'], la.file);
  assert.ok(res.ok);
  assert.deepEqual(res.config.data.preprocess.resize, [14, 14]);
  assert.equal(res.config.evaluation.count, 3);
  assert.deepEqual(la.config.data.preprocess.resize, [7, 7], 'the trained LA\'s own config is not modified');
});

test('a refused key names the key and why; a bad value gets the schema\'s error attributed to --set', () => {
  const la = tinyTrainedLa();
  const frozen = applyEvalOverrides(la.config, ['model.sub_rnn.msg_size=4', 'data.preprocess.resize=[14,14]'], la.file);
  assert.equal(frozen.ok, false);
  assert.equal(frozen.issues.length, 1);
  assert.equal(frozen.issues[0].file, '--set');
  assert.equal(frozen.issues[0].path, 'model.sub_rnn.msg_size');
  assert.equal(frozen.issues[0].code, 'frozen-at-evaluation');
  assert.match(frozen.issues[0].message, /cannot change after meta-training: the sub-RNN sizes/);
  const bad = applyEvalOverrides(la.config, ['data.preprocess.resize=[0,14]'], la.file);
  assert.equal(bad.ok, false);
  assert.equal(bad.issues[0].path, 'data.preprocess.resize[0]');
  assert.equal(bad.issues[0].file, '--set');
  const unknown = applyEvalOverrides(la.config, ['data.preprocess.rezise=[14,14]'], la.file);
  assert.equal(unknown.ok, false);
  assert.match(unknown.issues[0].fix, /did you mean `data.preprocess.resize`/);
});

test('the learned LA runs on the overridden input size (14x14 = 196 inputs) with the same episodes count', async () => {
  const la = tinyTrainedLa();
  const res = applyEvalOverrides(la.config, ['data.preprocess.resize=[14,14]'], la.file);
  assert.ok(res.ok);
  const runner = new ReferenceRunner();
  const seen: number[] = [];
  const spy = { ...runner, name: runner.name, backend: runner.backend, run: (cfg: Parameters<typeof runner.run>[0], jobs: Parameters<typeof runner.run>[1]) => {
    seen.push((cfg as VsmlModelConfig).layerSizes[0]);
    return runner.run(cfg, jobs);
  }, dispose: () => runner.dispose() };
  const rows = await evaluateTrainedLa({ ...la, config: res.config }, spy, { datasets: ['mnist'], length: 3, episodes: 2, baselines: false });
  assert.equal(rows.length, 1);
  assert.deepEqual(seen, [196, 196]);
});

test('overrides are judged against the datasets to be evaluated, not every dataset the run evaluated', () => {
  const la = tinyTrainedLa({ evaluation: { datasets: ['mnist', 'sum'], episode_length: 6, count: 2, seed: 5 } });
  const all = applyEvalOverrides(la.config, ['data.filter_classes=[0,1,2]'], la.file);
  assert.equal(all.ok, false, 'sum has no class 2');
  const mnist = applyEvalOverrides(la.config, ['data.filter_classes=[0,1,2]'], la.file, { datasets: ['mnist'] });
  assert.ok(mnist.ok);
});
