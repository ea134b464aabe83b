import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, appendFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder, makeRunId } from '../../../src/engine/runs/run-folder';
import { readJsonl } from '../../../src/engine/runs/atomic-file';
import { Checkpoint, parseCheckpoint, serializeCheckpoint } from '../../../src/engine/runs/checkpoint';
import { EngineError } from '../../../src/engine/errors';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-runs-'));

const checkpoint = (step: number): Checkpoint => ({
  format: 'vsml-checkpoint',
  version: 1,
  step,
  runId: 'r',
  model: { sub_rnn: { slow_size: 4 } },
  layout: { numSets: 1, setSize: 3, size: 3 },
  theta: Float64Array.from([0.1, -2.5e-7, Math.PI]),
  optimizer: { type: 'adam', state: { mu: Float64Array.from([1, 2, 3]), nu: Float64Array.from([4, 5, 6]), count: step } },
  rng: { seed: 42, step },
});

test('run ids sort by start time and are safe folder names', () => {
  const a = makeRunId('my exp/1', new Date(2026, 0, 2, 3, 4, 5));
  assert.match(a, /^my-exp-1-20260102-030405-[0-9a-f]{4}$/);
});

test('checkpoints round-trip bit-exactly through their portable JSON form', () => {
  const c = checkpoint(7);
  const back = parseCheckpoint(serializeCheckpoint(c), 'x.json');
  assert.deepEqual(Array.from(back.theta), Array.from(c.theta));
  assert.deepEqual(Array.from(back.optimizer.state.nu), [4, 5, 6]);
  assert.equal(back.optimizer.state.count, 7);
});

test("a meta-optimizer's own state travels in the checkpoint as it was; a malformed one is refused", () => {
  const c = { ...checkpoint(3), metaOptimizer: { type: 'es', extra: { particles: [{ t: 4, state: 'AAAA' }] } } };
  const back = parseCheckpoint(serializeCheckpoint(c), 'x.json');
  assert.deepEqual(back.metaOptimizer, c.metaOptimizer);
  assert.equal(parseCheckpoint(serializeCheckpoint(checkpoint(3)), 'x.json').metaOptimizer, undefined);
  const j = JSON.parse(serializeCheckpoint(checkpoint(3)));
  assert.throws(() => parseCheckpoint(JSON.stringify({ ...j, metaOptimizer: { extra: 1 } }), 'c.json'), (e: unknown) => e instanceof EngineError && e.path === 'metaOptimizer');
});

test('a checkpoint from a newer format version or with NaN parameters is refused clearly', () => {
  const j = JSON.parse(serializeCheckpoint(checkpoint(1)));
  assert.throws(() => parseCheckpoint(JSON.stringify({ ...j, version: 99 }), 'c.json'), (e: unknown) => e instanceof EngineError && /upgrade/.test(e.fix));
  const bad = checkpoint(1);
  bad.theta[1] = NaN;
  assert.throws(() => parseCheckpoint(serializeCheckpoint(bad), 'c.json'), /theta\[1\].*NaN/);
});

test('a torn metrics line is skipped by readers and dropped on resume', () => {
  const run = RunFolder.create(tmp(), 'exp', { a: 1 });
  for (let s = 1; s <= 5; s++) run.appendMetrics({ step: s, time: s, metaLoss: 2, lossPos: 2, lossNeg: 2, trainAccuracy: 0.1, gradNorm: 1, thetaNorm: 1, stepSeconds: 1 });
  run.close();
  appendFileSync(join(run.dir, 'metrics.jsonl'), '{"step": 6, "ti'); // killed mid-line
  const read = readJsonl<{ step: number }>(join(run.dir, 'metrics.jsonl'));
  assert.equal(read.rows.length, 5);
  assert.equal(read.skipped, 1);
  run.saveCheckpoint(checkpoint(3));
  const reopened = RunFolder.open(run.dir);
  const latest = reopened.latestCheckpoint();
  assert.equal(latest?.step, 3);
  reopened.truncateAfter(3);
  assert.deepEqual(readJsonl<{ step: number }>(join(run.dir, 'metrics.jsonl')).rows.map((r) => r.step), [1, 2, 3]);
  assert.ok(existsSync(join(run.dir, 'metrics.jsonl.before-resume')), 'the lines dropped on resume are kept aside');
});

test('a corrupt latest.json falls back to the newest step file', () => {
  const run = RunFolder.create(tmp(), 'exp', {});
  run.saveCheckpoint(checkpoint(2));
  run.saveCheckpoint(checkpoint(4));
  writeFileSync(join(run.dir, 'checkpoints', 'latest.json'), '{"format": "vsml-checkp');
  assert.equal(run.latestCheckpoint()?.step, 4);
});

test('status is written whole and updated by merging', () => {
  const run = RunFolder.create(tmp(), 'exp', {});
  run.writeStatus({ state: 'running', runId: run.runId, name: 'exp', source: 'x.vsml.json', pid: 1, startedAt: 'a', updatedAt: 'a', step: 0, totalSteps: 10, elapsedSeconds: 0 });
  run.updateStatus({ step: 3 });
  const s = JSON.parse(readFileSync(join(run.dir, 'status.json'), 'utf8'));
  assert.equal(s.step, 3);
  assert.equal(s.state, 'running');
  assert.equal(RunFolder.open(run.dir).readStatus()?.step, 3);
});

test('opening a folder that is not a run names the fix', () => {
  assert.throws(() => RunFolder.open(tmp()), /not a run folder.*\.vsml\/runs/);
});
