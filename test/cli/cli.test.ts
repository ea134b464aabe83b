import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { encodeIdx } from '../../src/engine/data/idx';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SHARED_FIXTURES, SHARED_DATA } from '../helpers/paths';

/** Runs `vsml ...` from source, as a user would run the bundled CLI. */
function vsml(args: string[], cwd = REPO_ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vsml fixture replays a golden fixture and prints one JSON line', () => {
  const r = vsml(['fixture', join(SHARED_FIXTURES, 'g_deep_high_gain.json')]);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim());
  assert.equal(line.ok, true);
  assert.ok(line.maxAbsErr.logits < 1e-9);
  assert.deepEqual(Object.keys(line.maxAbsErr).sort(), ['ce', 'finalState', 'logits']);
});

test('vsml fixture exits 1 on a fixture whose expected logits were tampered with', () => {
  const fx = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'a_single_dense.json'), 'utf8'));
  fx.expected.logits.data[2][1] += 1e-3;
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fx-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(fx));
  const r = vsml(['fixture', join(dir, 'bad.json')]);
  assert.equal(r.code, 1);
  const line = JSON.parse(r.stdout.trim());
  assert.equal(line.ok, false);
  assert.ok(Math.abs(line.maxAbsErr.logits - 1e-3) < 1e-9);
});

test('vsml fixture names the file and field of a malformed fixture', () => {
  const fx = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'a_single_dense.json'), 'utf8'));
  fx.config.output_idx = 9;
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fx-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(fx));
  const r = vsml(['fixture', join(dir, 'bad.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.json: model\.vsml_rnn\.output_idx: is 9, outside the forward message of size 3/);
  assert.match(r.stderr, /fix: use an index in \[0, 2\]/);
});

test('vsml fixture refuses a config option it does not implement instead of ignoring it', () => {
  const fx = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'a_single_dense.json'), 'utf8'));
  fx.config.conv_kernel = 3;
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fx-'));
  writeFileSync(join(dir, 'conv.json'), JSON.stringify(fx));
  const r = vsml(['fixture', join(dir, 'conv.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /conv\.json: config\.conv_kernel: is an option this engine does not implement/);
});

test('vsml train with a broken config prints one error per problem, exits 1 and leaves no run folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-cfg-'));
  writeFileSync(join(dir, 'x.vsml.json'), JSON.stringify({ training: { populaton_size: 4 }, model: { sub_rnn: { msg_size: 1 } } }));
  const r = vsml(['train', join(dir, 'x.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /populaton_size.*population_size/);
  assert.match(r.stderr, /msg_size/);
  assert.throws(() => readdirSync(join(dir, 'runs')), /ENOENT/);
});

test('vsml train, then vsml eval --json on never-seen letters and on an IDX folder of another image size and class count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-train-'));
  const cfg = {
    training: { iterations: 2, dataset: 'mnist', episode_length: 5, population_size: 2 },
    evaluation: { datasets: ['mnist'], episode_length: 5, frequency: 100, count: 2 },
    data: { preprocess: { resize: [4, 4] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'tiny.vsml.json'), JSON.stringify(cfg));
  const t = vsml(['train', join(dir, 'tiny.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /Finished at meta-step 2/);
  assert.match(t.stdout, /\| mnist +\| 5 +\| 2 +\| learned LA/);
  const [runId] = readdirSync(join(dir, 'runs'));
  // notMNIST letters: 28x28 IDX, resized by the run's preprocessing.
  const e = vsml(['eval', join(dir, 'runs', runId), '--dataset', `idx:${join(SHARED_DATA, 'notmnist')}`, '--episodes', '2', '--length', '4', '--json', '--no-baselines']);
  assert.equal(e.code, 0, e.stderr);
  const row = JSON.parse(e.stdout.trim());
  assert.equal(row.length, 4);
  assert.equal(row.episodes, 2);
  for (const m of ['learned', 'untrained']) {
    assert.ok(row.methods[m].meanAccuracy >= 0 && row.methods[m].meanAccuracy <= 1);
    assert.ok(Number.isFinite(row.methods[m].meanLoss));
  }
  // A folder of 10x12 images with 3 classes, written here: V_M runs on the network this data needs.
  const idxDir = join(dir, 'odd');
  mkdirSync(idxDir);
  const n = 30;
  const pixels = new Uint8Array(n * 10 * 12).map((_, i) => (i * 37) % 256);
  const labels = new Uint8Array(n).map((_, i) => i % 3);
  for (const split of ['train', 't10k']) {
    writeFileSync(join(idxDir, `${split}-images-idx3-ubyte`), encodeIdx([n, 10, 12], pixels));
    writeFileSync(join(idxDir, `${split}-labels-idx1-ubyte`), encodeIdx([n], labels));
  }
  const odd = vsml(['eval', join(dir, 'runs', runId), '--dataset', `idx:${idxDir}`, '--episodes', '2', '--length', '6', '--json']);
  assert.equal(odd.code, 0, odd.stderr);
  const oddRow = JSON.parse(odd.stdout.trim());
  assert.deepEqual(Object.keys(oddRow.methods).sort(), ['adam', 'learned', 'sgd', 'untrained']);
  assert.ok(oddRow.methods.adam.lr > 0);
});

test('vsml train with truncated ES and two evaluation lengths, then vsml eval at two lengths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-trunc-'));
  const cfg = {
    training: { iterations: 3, dataset: 'mnist', episode_length: 6, population_size: 2 },
    evaluation: { datasets: ['mnist'], lengths: [3, 5], frequency: 100, count: 2 },
    optimizer: { truncation: 2, estimator: 'pes' },
    data: { preprocess: { resize: [4, 4] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1, backward_pass: true } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'trunc.vsml.json'), JSON.stringify(cfg));
  const t = vsml(['train', join(dir, 'trunc.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\| mnist +\| 3 +\| 2 +\| learned LA/);
  assert.match(t.stdout, /\| mnist +\| 5 +\| 2 +\| learned LA/);
  const [runId] = readdirSync(join(dir, 'runs'));
  const ckpt = JSON.parse(readFileSync(join(dir, 'runs', runId, 'checkpoints', 'latest.json'), 'utf8'));
  assert.equal(ckpt.metaOptimizer.extra.particles.length, 2);
  const e = vsml(['eval', join(dir, 'runs', runId), '--episodes', '2', '--length', '4', '--length', '7', '--json', '--no-baselines']);
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual(e.stdout.trim().split('\n').map((l) => JSON.parse(l).length), [4, 7]);
  // Without --length: the run's evaluation.lengths.
  const d = vsml(['eval', join(dir, 'runs', runId), '--episodes', '1', '--json', '--no-baselines']);
  assert.deepEqual(d.stdout.trim().split('\n').map((l) => JSON.parse(l).length), [3, 5]);
});

test('vsml datasets list shows the embedded MNIST and the generated tasks as available', () => {
  const r = vsml(['datasets', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const byName = new Map(rows.map((x) => [x.name, x]));
  assert.equal(byName.get('mnist')?.available, true);
  assert.equal(byName.get('random')?.available, true);
  assert.equal(byName.get('sum')?.available, true);
});

test('unknown commands and missing arguments are usage errors (exit 2)', () => {
  assert.equal(vsml(['frobnicate']).code, 2);
  assert.equal(vsml(['eval']).code, 2);
});
