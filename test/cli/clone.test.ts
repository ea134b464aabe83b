import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

function vsml(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TINY = ['--set', 'clone.steps=2', '--set', 'clone.cells=8', '--set', 'clone.stream_length=20', '--set', 'evaluation.count=2', '--set', 'evaluation.episode_length=20'];

test('vsml clone --json prints exactly one line {run, datasets: {name: {clone, teacher}}, seconds} and writes a run folder vsml eval reads', () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-clone-'));
  const r = vsml(['clone', 'examples/clone.vsml.json', '--json', '--runs-dir', runs, ...TINY]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, r.stdout);
  const out = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(out), ['run', 'datasets', 'seconds']);
  assert.deepEqual(Object.keys(out.datasets), ['mnist', 'fashion_mnist']);
  for (const d of Object.values(out.datasets) as { clone: number; teacher: number }[]) {
    assert.deepEqual(Object.keys(d), ['clone', 'teacher']);
    assert.ok(d.clone >= 0 && d.clone <= 1 && d.teacher >= 0 && d.teacher <= 1);
  }
  assert.ok(out.seconds > 0);
  assert.ok(existsSync(join(out.run, 'checkpoints', 'latest.json')));
  const status = JSON.parse(readFileSync(join(out.run, 'status.json'), 'utf8'));
  assert.equal(status.state, 'finished');
  // A clone run records its provenance like a training run: the data's checksums, per split used.
  const runConfig = JSON.parse(readFileSync(join(out.run, 'config.json'), 'utf8'));
  assert.equal(runConfig.kind, 'clone', 'config.json says the run is a clone (its steps are no meta-steps: the cost estimate skips it)');
  const prov = runConfig.provenance;
  assert.deepEqual(status.provenance, prov);
  assert.deepEqual(Object.keys(prov.datasets).sort(), ['fashion_mnist', 'mnist']);
  assert.match(prov.datasets.mnist.splits.train.sha256, /^[0-9a-f]{64}$/);
  assert.match(prov.datasets.fashion_mnist.splits.test.sha256, /^[0-9a-f]{64}$/);
  const metrics = readFileSync(join(out.run, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(metrics.length, 2);
  const evals = readFileSync(join(out.run, 'eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(evals[0].methods).sort(), ['learned', 'teacher']);
  assert.equal(evals[0].methods.learned.meanAccuracy, out.datasets.mnist.clone);

  const e = vsml(['eval', out.run, '--dataset', 'mnist', '--episodes', '2', '--length', '10', '--no-baselines', '--json']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout.trim()).methods.learned.meanAccuracy >= 0, true);
});

test('vsml clone names the field and the fix when the model cannot carry a clone, and writes no run folder', () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-clone-bad-'));
  const r = vsml(['clone', 'examples/clone.vsml.json', '--runs-dir', runs, '--set', 'model.vsml_rnn.separate_backward_rnn=false', '--set', 'clone.weight_channel=3']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /clone\.vsml\.json: model\.vsml_rnn\.separate_backward_rnn: .*\(fix: set it to true\)/);
  assert.match(r.stderr, /clone\.weight_channel: is 3, but only the first 1 of 16 .*\(fix: use a channel below 1/);
  assert.deepEqual(readdirSync(runs), []);
});
