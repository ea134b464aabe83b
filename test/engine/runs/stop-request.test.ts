import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import type { ExperimentPlan } from '../../../src/engine/runs/experiment-plan';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { STOP_REQUEST_FILE, readStopRequestFile, removeStopRequestFile, writeStopRequest } from '../../../src/engine/runs/stop-request';
import { readJsonl } from '../../../src/engine/runs/atomic-file';
import { toyModel, toySampler } from '../../helpers/toy-task';
import type { RunStatus } from '../../../src/protocol/run-records';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-stopreq-'));

const plan = (iterations: number): ExperimentPlan => ({
  name: 'toy', seed: 3, source: 'toy.vsml.json', resolvedConfig: { name: 'toy' }, model: toyModel(), iterations,
  optimizer: { type: 'es', es: { pairs: 2, sigma: 0.05, episodeLength: 8, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } } },
  train: toySampler,
  evaluation: { frequency: 0, spec: { length: 8, episodes: 1, seed: 22 }, datasets: [{ key: 'toy', sample: toySampler, numClasses: 2 }] },
  checkpointFrequency: 0,
  statusInterval: 0,
});

test('writeStopRequest writes {requestedAt, by} atomically; reading and removing it', () => {
  const dir = tmp();
  const r = writeStopRequest(dir, 'tester', new Date('2026-12-01T10:00:00Z'));
  assert.deepEqual(r, { requestedAt: '2026-12-01T10:00:00.000Z', by: 'tester' });
  const file = join(dir, STOP_REQUEST_FILE);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), r);
  assert.deepEqual(readStopRequestFile(file), r);
  assert.equal(removeStopRequestFile(file), true);
  assert.equal(removeStopRequestFile(file), false);
  assert.equal(readStopRequestFile(file), undefined);
});

test('a malformed request still asks to stop; a link at its name is never written through', () => {
  const dir = tmp();
  const file = join(dir, STOP_REQUEST_FILE);
  writeFileSync(file, '{"by": 3');
  assert.match(readStopRequestFile(file)!.by, /malformed stop-request\.json/);
  const target = join(dir, 'elsewhere.txt');
  writeFileSync(target, 'keep me');
  const linked = mkdtempSync(join(tmpdir(), 'vsml-stopreq-link-'));
  symlinkSync(target, join(linked, STOP_REQUEST_FILE));
  assert.throws(() => writeStopRequest(linked, 'x'), /symbolic link/);
  assert.equal(readFileSync(target, 'utf8'), 'keep me');
  assert.throws(() => writeStopRequest(join(dir, 'missing'), 'x'), /does not exist/);
});

test('the trainer honours a stop request at the next step boundary: checkpoint of the last finished step, state stopped, request removed', async () => {
  const runsDir = tmp();
  let runDir = '';
  const logs: string[] = [];
  const out = await runExperiment({
    plan: plan(20), runner: new ReferenceRunner(), runsDir,
    events: {
      started: (s) => { runDir = s.runDir; },
      metrics: (m) => { if (m.step === 3) writeStopRequest(runDir, 'test (pid 1)'); },
      log: (_l, m) => logs.push(m),
    },
  });
  assert.equal(out.state, 'stopped');
  assert.equal(out.step, 3);
  const status = JSON.parse(readFileSync(join(out.runDir, 'status.json'), 'utf8')) as RunStatus;
  assert.equal(status.state, 'stopped');
  assert.equal(status.step, 3);
  assert.equal(JSON.parse(readFileSync(join(out.runDir, 'checkpoints', 'latest.json'), 'utf8')).step, 3);
  assert.deepEqual(readJsonl<{ step: number }>(join(out.runDir, 'metrics.jsonl')).rows.map((r) => r.step), [1, 2, 3]);
  assert.equal(existsSync(join(out.runDir, STOP_REQUEST_FILE)), false);
  assert.ok(logs.some((l) => /stop requested by test \(pid 1\)/.test(l)), logs.join('\n'));
  assert.match(readFileSync(join(out.runDir, 'trainer.log'), 'utf8'), /info stop requested by test \(pid 1\) at /);
});

test('a request left by an earlier trainer does not stop a resumed run', async () => {
  const runsDir = tmp();
  const ac = new AbortController();
  const first = await runExperiment({ plan: plan(4), runner: new ReferenceRunner(), runsDir, signal: ac.signal, events: { metrics: (m) => { if (m.step === 2) ac.abort(); } } });
  assert.equal(first.state, 'stopped');
  writeStopRequest(first.runDir, 'a killed editor'); // as if its trainer had died before answering it
  const resumed = await runExperiment({ plan: plan(4), runner: new ReferenceRunner(), runsDir, resumeDir: first.runDir });
  assert.equal(resumed.state, 'finished');
  assert.equal(resumed.step, 4);
  assert.equal(existsSync(join(first.runDir, STOP_REQUEST_FILE)), false);
});

test('a folder that is not a run folder is refused by writeStopRequest', () => {
  const dir = tmp();
  const f = join(dir, 'file');
  writeFileSync(f, '');
  assert.throws(() => writeStopRequest(f, 'x'), /is not a run folder/);
  mkdirSync(join(dir, 'ok'));
  writeStopRequest(join(dir, 'ok'), 'x');
});
