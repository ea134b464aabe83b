import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { writeTinyCheckpoint } from '../helpers/tiny-la';
import { parseEvalOutput } from '../../src/protocol/eval-output';

function vsml(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vsml probe --json prints exactly one line with every probe; without --json a table with chance levels', () => {
  const ckpt = writeTinyCheckpoint(mkdtempSync(join(tmpdir(), 'vsml-probe-cli-')));
  const r = vsml(['probe', ckpt, '--dataset', 'mnist', '--episodes', '1', '--length', '3', '--json', '--path', 'reference']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]);
  assert.equal(j.dataset, 'mnist');
  assert.deepEqual(Object.keys(j.probes), ['baseline', 'classes3', 'classes5', 'size14', 'size21', 'size32', 'size48', 'randomProjection', 'shuffled']);
  for (const v of Object.values(j.probes)) assert.ok(typeof v === 'number' && v >= 0 && v <= 1);
  const t = vsml(['probe', ckpt, '--dataset', 'mnist', '--episodes', '1', '--length', '3', '--path', 'reference']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\| classes3 +\| 3 +\| 49 +\| 33\.3% +\|/);
  assert.match(t.stdout, /\| size48 +\| 10 +\| 2304 +\| 10\.0% +\|/);
  assert.equal(vsml(['probe', ckpt]).code, 1, 'no --dataset');
  assert.equal(vsml(['probe']).code, 2);
});

test('vsml eval --set evaluates under the override and refuses keys meta-training fixed', () => {
  const ckpt = writeTinyCheckpoint(mkdtempSync(join(tmpdir(), 'vsml-eval-set-')));
  const e = vsml(['eval', ckpt, '--dataset', 'mnist', '--episodes', '1', '--length', '3', '--json', '--no-baselines', '--path', 'reference', '--set', 'data.filter_classes=[0,1,2]']);
  assert.equal(e.code, 0, e.stderr);
  const rows = parseEvalOutput(e.stdout);
  assert.ok(rows.ok);
  assert.equal(rows.message[0].methods.learned.curve.length, 3);
  const refused = vsml(['eval', ckpt, '--dataset', 'mnist', '--set', 'model.vsml_rnn.num_micro_ticks=3']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /error: --set: `model\.vsml_rnn\.num_micro_ticks` cannot change after meta-training/);
  const bad = vsml(['eval', ckpt, '--dataset', 'mnist', '--set', 'data.preprocess.resize=[7]']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /error: --set: `data\.preprocess\.resize` must have exactly 2 entries/);
});
