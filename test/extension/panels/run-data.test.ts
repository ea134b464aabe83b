import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paramSharingOf, readRunData, readRunSnapshot, summaryOf } from '../../../src/extension/panels/run-data';
import { FIXTURE_RUNS, fixtureRunId } from '../../webview/fixture-runs';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-panels-'));

test('reads a recorded run folder: status, config, every metrics and eval row, the snapshot', async () => {
  const id = fixtureRunId('deep-layerwise');
  const dir = join(FIXTURE_RUNS, id);
  const d = await readRunData(dir, id);
  assert.deepEqual(d.problems, []);
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(d.metrics.length, lines.length);
  assert.deepEqual(d.metrics.map((m) => m.step), lines.map((l) => (JSON.parse(l) as { step: number }).step));
  assert.equal(d.evals.length, readFileSync(join(dir, 'eval.jsonl'), 'utf8').trim().split('\n').length);
  assert.equal(d.offsets.metrics, readFileSync(join(dir, 'metrics.jsonl')).length);
  assert.deepEqual(summaryOf(id, d.status, d.config), { runId: id, name: 'deep-layerwise', state: 'finished', step: 20, totalSteps: 20 });
  const s = await readRunSnapshot(dir);
  assert.ok(s.snapshot);
  assert.deepEqual(s.snapshot.layerSizes, [16, 6, 10]);
  assert.deepEqual(paramSharingOf(d.config, s.snapshot.layerSizes, s.layerParamIndex), { layerParamIndex: [0, 1], backwardLayerParamIndex: [0, 1] });
});

test('a run folder with a broken status and no snapshot says what is wrong', async () => {
  const dir = tmp();
  cpSync(join(FIXTURE_RUNS, fixtureRunId('pooled-mnist')), dir, { recursive: true });
  writeFileSync(join(dir, 'status.json'), '{"state": "running"');
  writeFileSync(join(dir, 'snapshot.json'), '{"step": 1}');
  const d = await readRunData(dir, 'x');
  assert.match(d.problems.join('\n'), /status\.json is not JSON/);
  assert.ok(d.metrics.length > 0, 'rows are still read');
  assert.equal(summaryOf('x', d.status, d.config).name, 'pooled-mnist', 'the name falls back to config.json');
  const s = await readRunSnapshot(dir);
  assert.equal(s.snapshot, null);
  assert.match(s.problem ?? '', /snapshot\.json: snapshot\.layerSizes/);
});

test('param sharing follows the config switches when the snapshot does not say', () => {
  assert.deepEqual(paramSharingOf({ model: { vsml_rnn: { layerwise_rnns: true, separate_backward_rnn: true } } }, [4, 3, 2]), { layerParamIndex: [0, 1], backwardLayerParamIndex: [2, 3] });
  assert.deepEqual(paramSharingOf(null, [4, 3, 2]), { layerParamIndex: [0, 0], backwardLayerParamIndex: [0, 0] });
  assert.deepEqual(paramSharingOf(null, [4, 3, 2], [1, 0]).layerParamIndex, [1, 0]);
  assert.deepEqual(paramSharingOf(null, [4, 3, 2], [1]).layerParamIndex, [0, 0], 'a wrong-length index from disk is ignored');
});
