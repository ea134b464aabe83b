import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSuite, suiteCells } from '../../../src/engine/compare/suite';
import { estimateSuiteCost, suiteSpeedKinds } from '../../../src/engine/compare/suite-cost';
import { cellKey, resolveCellConfig } from '../../../src/engine/compare/run-compare';
import type { SpeedKind } from '../../../src/engine/config/cost';
import { DEFAULT_SPEEDS, type Speed } from '../../../src/engine/config/speed';

const suite = parseSuite({
  seeds: [1], datasets: ['mnist', 'sum'], metaTrain: ['mnist'], evaluation: { episode_length: 10, count: 2 },
  config: {
    training: { iterations: 3, batch_size: 1, episode_length: 5, population_size: 2 },
    data: { preprocess: { resize: [2, 2] } },
    model: { meta_rnn: { slow_size: 4, num_micro_ticks: 2 }, vsml_rnn: { layer_specs: [{ type: 'dense' }], num_micro_ticks: 1, backward_pass: false } },
  },
  methods: { vsml: {}, metarnn: {}, sgd: {} },
}, 's.json');

const speed = (kind: SpeedKind, perSecond: number): Speed => ({ ...DEFAULT_SPEEDS[kind], perSecond });
const speedOf = (kind: SpeedKind): Speed => (kind === 'vsml' ? speed('vsml', 100) : speed(kind, 1000));

test('each learned cell: its meta-steps, then one evaluation of the suite\'s datasets, at its kind\'s speed; SGD/Adam not priced', () => {
  assert.deepEqual(suiteSpeedKinds(suite, 's.json').sort(), ['metarnn', 'vsml']);
  const e = estimateSuiteCost(suite, 's.json', speedOf);
  const [vsml, metarnn, fixed] = e.cells;
  // VSML: 4 -> 10 = 40 cells, 1 tick; 4 rollouts x T=5 per step; evaluation 2 episodes x 10 steps on mnist (40 cells) and sum (4 x 2 = 8 cells)
  assert.equal(vsml.cost!.workPerStep, 4 * 5 * 40);
  assert.equal(vsml.evaluationWork, 2 * 10 * (40 + 8));
  assert.equal(vsml.seconds, (3 * 800 + 960) / 100);
  // Meta RNN, fixed to 4 inputs and 10 outputs: fed input 4 + 20 = 24: 24*16 + 2*4*16 + 4*10 = 552 multiply-adds per inner step; sum is evaluated on its sizes too
  assert.equal(metarnn.cost!.unit, 'multiply-adds');
  assert.equal(metarnn.cost!.workPerStep, 4 * 5 * 552);
  assert.equal(metarnn.evaluationWork, 2 * 2 * 10 * 552);
  assert.ok(Math.abs(metarnn.seconds! - (3 * 4 * 5 * 552 + 2 * 2 * 10 * 552) / 1000) < 1e-9);
  assert.equal(fixed.cell.kind, 'fixed');
  assert.equal(fixed.seconds, undefined);
  assert.equal(e.seconds, vsml.seconds! + metarnn.seconds!);
  assert.equal(e.unpriced, 0);
});

test('cells finished in the output folder (same config) cost nothing', () => {
  const out = mkdtempSync(join(tmpdir(), 'vsml-suite-cost-'));
  mkdirSync(join(out, 'cells'));
  const cell = suiteCells(suite)[0];
  writeFileSync(join(out, 'cells', `${cell.id}.json`), JSON.stringify({ id: cell.id, metaTrain: 'mnist', seed: 1, accuracy: {}, seconds: 5, key: cellKey(resolveCellConfig(suite, cell, 's.json'), suite, cell) }));
  writeFileSync(join(out, 'cells', 'metarnn__mnist__s1.json'), JSON.stringify({ id: 'metarnn__mnist__s1', metaTrain: 'mnist', seed: 1, accuracy: {}, seconds: 5, key: 'an older config' }));
  const e = estimateSuiteCost(suite, 's.json', speedOf, { outDir: out });
  assert.deepEqual(e.cells.map((c) => [c.done, c.seconds === 0]), [[true, true], [false, false], [false, false]]);
  assert.equal(e.seconds, e.cells[1].seconds);
});
