import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellConfig, metaTrainDatasets, parseSuite, suiteCells } from '../../../src/engine/compare/suite';
import { formatTableMarkdown, tableRows } from '../../../src/engine/compare/compare-table';

const suite = parseSuite({
  seeds: [1, 2], datasets: ['mnist', 'fashion_mnist', 'idx:../data/notmnist'], metaTrain: ['mnist', 'all', 'all-but-fashion_mnist'],
  config: { training: { iterations: 5 }, model: { meta_rnn: { slow_size: 8 } } },
  methods: { fwm: {}, vsml: { training: { iterations: 7 } }, adam: {} },
}, 's.json');

test('the grid: per seed every learned method on every meta-training set, then one SGD/Adam cell; ids are file-safe', () => {
  const ids = suiteCells(suite).map((c) => c.id);
  assert.deepEqual(ids.slice(0, 7), ['vsml__mnist__s1', 'vsml__all__s1', 'vsml__all-but-fashion_mnist__s1', 'fwm__mnist__s1', 'fwm__all__s1', 'fwm__all-but-fashion_mnist__s1', 'adam__s1']);
  assert.equal(ids.length, 14);
  assert.deepEqual(metaTrainDatasets(suite, 'all'), ['mnist', 'fashion_mnist', 'idx:../data/notmnist']);
  assert.deepEqual(metaTrainDatasets(suite, 'all-but-fashion_mnist'), ['mnist', 'idx:../data/notmnist']);
  const s2 = parseSuite({ seeds: [1], datasets: ['mnist'], metaTrain: ['idx:../data/notmnist'], methods: { vsml: {} } }, 's.json');
  assert.match(suiteCells(s2)[0].id, /^vsml__idx_data_notmnist-[0-9a-f]{6}__s1$/);
});

test('a cell config: the suite config, the method\'s over it, then the grid\'s fixed keys', () => {
  const [vsml, , , fwm] = suiteCells(suite);
  const v = cellConfig(suite, vsml) as any;
  assert.equal(v.training.iterations, 7);
  assert.equal(v.training.dataset, 'mnist');
  assert.equal(v.model.type, 'VSMLRNN');
  assert.equal(v.seed, 1);
  assert.deepEqual(v.evaluation, { seed: 1, episode_length: 50, count: 16, lengths: null });
  const f = cellConfig(suite, suiteCells(suite)[4]) as any;
  assert.equal(f.model.type, 'FWMemory');
  assert.deepEqual(f.training.dataset, ['mnist', 'fashion_mnist', 'idx:../data/notmnist']);
  assert.equal(f.training.iterations, 5);
  assert.equal((cellConfig(suite, fwm) as any).model.meta_rnn.slow_size, 8, 'other sections pass through');
});

test('table rows: mean and sample standard deviation over seeds; markdown rows per method and set', () => {
  const rows = tableRows([
    { id: 'a', metaTrain: 'mnist', seed: 1, accuracy: { vsml: { mnist: 0.5, sum: 0.9 } }, seconds: 1 },
    { id: 'b', metaTrain: 'mnist', seed: 2, accuracy: { vsml: { mnist: 0.7 } }, seconds: 1 },
    { id: 'c', metaTrain: '-', seed: 1, accuracy: { sgd: { mnist: 0.3 } }, seconds: 1 },
  ], ['vsml', 'sgd'], ['mnist'], ['mnist', 'sum']);
  assert.deepEqual(rows.map((r) => [r.method, r.metaTrain, r.dataset, r.seeds]), [['vsml', 'mnist', 'mnist', 2], ['vsml', 'mnist', 'sum', 1], ['sgd', '-', 'mnist', 1]]);
  assert.ok(Math.abs(rows[0].meanAccuracy - 0.6) < 1e-12);
  assert.ok(Math.abs(rows[0].std - Math.sqrt(0.02)) < 1e-12);
  assert.equal(rows[1].std, 0);
  const md = formatTableMarkdown(rows, ['mnist', 'sum']);
  assert.match(md, /\| vsml \| mnist \| 60\.0 ± 14\.1 \| 90\.0 \|/);
  assert.match(md, /\| sgd \| - \| 30\.0 \| — \|/);
});
