import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paramSharingOf, readJsonlFrom, readRunData, readRunSnapshot, summaryOf } from '../../../src/extension/panels/run-data';
import { parseMetricsRow } from '../../../src/protocol/run-records';
import { FIXTURE_RUNS, fixtureRunId } from '../../webview/fixture-runs';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-panels-'));
const row = (step: number): string => JSON.stringify({ step, time: step, metaLoss: 2.3 - step / 100, lossPos: 2.3, lossNeg: 2.3, trainAccuracy: 0.1, gradNorm: 1, thetaNorm: 3, stepSeconds: 0.5 });

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

test('a torn last line is left for the next read; the tail continues from the offset', async () => {
  const dir = tmp();
  const file = join(dir, 'metrics.jsonl');
  writeFileSync(file, `${row(1)}\n${row(2)}\n${row(3).slice(0, 20)}`);
  const first = await readJsonlFrom(file, 0, parseMetricsRow);
  assert.deepEqual(first.rows.map((r) => r.step), [1, 2]);
  assert.deepEqual(first.problems, []);
  // The writer finishes the line and adds another.
  appendFileSync(file, `${row(3).slice(20)}\n${row(4)}\n`);
  const next = await readJsonlFrom(file, first.nextOffset, parseMetricsRow);
  assert.deepEqual(next.rows.map((r) => r.step), [3, 4]);
  const none = await readJsonlFrom(file, next.nextOffset, parseMetricsRow);
  assert.deepEqual(none.rows, []);
  assert.equal(none.nextOffset, next.nextOffset);
});

test('complete lines that are not valid rows are skipped and reported; multi-byte text keeps offsets right', async () => {
  const dir = tmp();
  const file = join(dir, 'metrics.jsonl');
  writeFileSync(file, `${row(1)}\n{"step": 2, "metaLoss": "lots"}\nnot json\n{"step":3,"time":1,"metaLoss":1,"lossPos":null,"lossNeg":null,"trainAccuracy":null,"gradNorm":null,"thetaNorm":null,"stepSeconds":1,"note":"é…"}\n`);
  const r = await readJsonlFrom(file, 0, parseMetricsRow);
  assert.deepEqual(r.rows.map((x) => x.step), [1, 3]);
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0], /line 2 after byte 0: metrics\./);
  assert.match(r.problems[1], /line 3 .*not JSON/);
  assert.equal(r.nextOffset, readFileSync(file).length);
});

test('a missing file reads as empty; a file shorter than the offset (truncated on resume) is read again from the start', async () => {
  const dir = tmp();
  const file = join(dir, 'metrics.jsonl');
  assert.deepEqual(await readJsonlFrom(file, 0, parseMetricsRow), { rows: [], nextOffset: 0, problems: [] });
  writeFileSync(file, `${row(1)}\n`);
  const r = await readJsonlFrom(file, 10_000, parseMetricsRow);
  assert.deepEqual(r.rows.map((x) => x.step), [1]);
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
