import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { differingPaths, flattenConfig } from '../../src/engine/runs/runs-listing';

const vsml = (args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('flattenConfig gives dotted leaves (arrays whole, run identity left out); differingPaths keeps what is not the same everywhere', () => {
  const a = flattenConfig({ name: 'a', source: 'a.vsml.json', seed: 1, optimizer: { lr: 0.1, kwargs: { b1: 0.9 } }, evaluation: { datasets: ['mnist'] } });
  assert.deepEqual(a, { seed: 1, 'optimizer.lr': 0.1, 'optimizer.kwargs.b1': 0.9, 'evaluation.datasets': ['mnist'] });
  const b = flattenConfig({ seed: 1, optimizer: { lr: 0.05, kwargs: { b1: 0.9 } }, evaluation: { datasets: ['mnist', 'sum'] }, extra: true });
  assert.deepEqual(differingPaths([a, b]), ['evaluation.datasets', 'extra', 'optimizer.lr']);
  assert.deepEqual(differingPaths([a, a]), []);
});

test('vsml runs lists every run with state, step, best, start, config and the hyperparameters that differ', () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-runs-list-'));
  // Two runs the engine recorded (test/fixtures/runs), a copy of one with another learning rate, and a folder without status.
  for (const id of ['deep-layerwise-20261127-192325-5332', 'pooled-mnist-20261127-192226-edf0']) cpSync(join(REPO_ROOT, 'test/fixtures/runs', id), join(runs, id), { recursive: true });
  const copy = join(runs, 'pooled-mnist-20261201-000000-beef');
  cpSync(join(runs, 'pooled-mnist-20261127-192226-edf0'), copy, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8'));
  cfg.optimizer.lr = 0.123;
  writeFileSync(join(copy, 'config.json'), JSON.stringify(cfg));
  const status = JSON.parse(readFileSync(join(copy, 'status.json'), 'utf8'));
  writeFileSync(join(copy, 'status.json'), JSON.stringify({ ...status, runId: 'pooled-mnist-20261201-000000-beef', startedAt: '2026-12-01T00:00:00.000Z' }));
  mkdirSync(join(runs, 'empty-20261130-000000-0000'));

  const r = vsml(['runs', '--runs-dir', runs, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 4);
  const byId = new Map(rows.map((x) => [x.runId, x]));
  const c = byId.get('pooled-mnist-20261201-000000-beef');
  assert.equal(c.state, 'finished');
  assert.equal(c.params['optimizer.lr'], 0.123);
  const originalLr = JSON.parse(readFileSync(join(runs, 'pooled-mnist-20261127-192226-edf0', 'config.json'), 'utf8')).optimizer.lr;
  assert.notEqual(originalLr, 0.123);
  assert.equal(byId.get('pooled-mnist-20261127-192226-edf0').params['optimizer.lr'], originalLr);
  for (const x of rows.filter((x) => x.runId !== 'empty-20261130-000000-0000')) {
    assert.ok(Number.isInteger(x.step) && Number.isInteger(x.totalSteps) && typeof x.startedAt === 'string' && typeof x.config === 'string', JSON.stringify(x));
    assert.ok(!('name' in x.params) && !('source' in x.params));
  }
  // Only what differs between the runs: learning rate, layers, iterations; not the shared seed or datasets.
  assert.ok('optimizer.lr' in c.params && 'model.vsml_rnn.layer_specs' in c.params && 'training.iterations' in c.params, Object.keys(c.params).join());
  assert.ok(!('seed' in c.params) && !('evaluation.datasets' in c.params), Object.keys(c.params).join());
  assert.equal(byId.get('empty-20261130-000000-0000').state, 'unknown');
  assert.match(byId.get('empty-20261130-000000-0000').problem, /status/);
  // Runs with a status come newest first: the copy started on 2026-12-01.
  assert.equal(rows.filter((x) => x.state !== 'unknown')[0].runId, 'pooled-mnist-20261201-000000-beef');

  const t = vsml(['runs', '--runs-dir', runs]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\| run +\| state +\| step +\| best +\| started +\| config +\|.*optimizer\.lr/);
  assert.match(t.stdout, /pooled-mnist-20261201-000000-beef +\| finished/);
  assert.equal(vsml(['runs', 'extra-arg']).code, 2);
});
