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
  assert.match(t.stdout, /\| run +\| state +\| step +\| best +\| started +\| config +\| notes +\| tags +\|.*optimizer\.lr/);
  assert.match(t.stdout, /pooled-mnist-20261201-000000-beef +\| finished/);
  assert.equal(vsml(['runs', 'extra-arg']).code, 2);
});

test('vsml runs shows notes and tags (JSON fields notes, tags) and --tag keeps the tagged runs, with the columns that still differ', () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-runs-tags-'));
  const ids = ['deep-layerwise-20261127-192325-5332', 'pooled-mnist-20261127-192226-edf0'];
  for (const id of ids) cpSync(join(REPO_ROOT, 'test/fixtures/runs', id), join(runs, id), { recursive: true });
  const copy = join(runs, 'pooled-mnist-20261201-000000-beef');
  cpSync(join(runs, ids[1]), copy, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8'));
  cfg.optimizer.lr = 0.123;
  writeFileSync(join(copy, 'config.json'), JSON.stringify(cfg));
  writeFileSync(join(copy, 'annotations.json'), JSON.stringify({ notes: 'higher lr\nsecond line', tags: ['sweep', 'lr'] }));
  writeFileSync(join(runs, ids[1], 'annotations.json'), JSON.stringify({ notes: '', tags: ['sweep'] }));
  writeFileSync(join(runs, ids[0], 'annotations.json'), JSON.stringify({ notes: 5 }));

  const all = vsml(['runs', '--runs-dir', runs, '--json']);
  assert.equal(all.code, 0, all.stderr);
  const rows = new Map(all.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.runId, x]));
  assert.deepEqual([rows.get('pooled-mnist-20261201-000000-beef').notes, rows.get('pooled-mnist-20261201-000000-beef').tags], ['higher lr\nsecond line', ['sweep', 'lr']]);
  // A damaged annotations.json reads as none, and the listing says which file is bad.
  assert.deepEqual([rows.get(ids[0]).notes, rows.get(ids[0]).tags], ['', []]);
  assert.match(rows.get(ids[0]).problem, /annotations\.json: annotations\.notes: expected a string, got 5/);
  // Across all three runs the layers differ; between the two tagged `sweep` only the learning rate does.
  assert.ok('model.vsml_rnn.layer_specs' in rows.get(ids[1]).params);

  const tagged = vsml(['runs', '--runs-dir', runs, '--json', '--tag', 'sweep']);
  assert.equal(tagged.code, 0, tagged.stderr);
  const kept = tagged.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(kept.map((x) => x.runId).sort(), ['pooled-mnist-20261127-192226-edf0', 'pooled-mnist-20261201-000000-beef']);
  assert.deepEqual(Object.keys(kept[0].params), ['optimizer.lr']);
  const both = vsml(['runs', '--runs-dir', runs, '--tag', 'sweep', '--tag', 'lr']);
  // One run left: nothing differs, so no hyperparameter column.
  assert.match(both.stdout, /pooled-mnist-20261201-000000-beef \| finished .*\| higher lr… +\| sweep, lr \|\n$/);
  assert.doesNotMatch(both.stdout, /edf0/);
});
