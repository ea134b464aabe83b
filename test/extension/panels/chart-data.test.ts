import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvalThinner, MAX_EVAL_STEPS, MAX_RECORDED_EVALS, readChartData } from '../../../src/extension/panels/chart-data';
import { MetricsDownsampler } from '../../../src/extension/panels/metrics-downsample';
import { parseHostToMetricsMessage } from '../../../src/protocol/metrics-panel';
import type { EvalRow } from '../../../src/protocol/run-records';
import { writeLongRun } from '../../helpers/long-run';

test('a run of 10^6 meta-steps opens: every row read, a bounded snapshot the webview accepts, spikes and endpoints kept', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-long-'));
  try {
    const steps = 1_000_000;
    const run = await writeLongRun(runs, steps);
    const data = await readChartData(run.dir);
    assert.deepEqual(data.problems, []);
    assert.equal(data.metricsRowCount, steps);
    assert.ok(data.metrics.length <= MetricsDownsampler.maxRows(), `${data.metrics.length} rows in the snapshot`);
    assert.equal(data.metrics[0].step, 1);
    assert.equal(data.metrics[data.metrics.length - 1].step, steps);
    for (const s of run.spikes) assert.ok(data.metrics.some((r) => r.step === s), `spike at ${s}`);
    assert.equal(data.evalRowCount, steps / 1000);
    assert.ok(data.evals.length <= 2 * MAX_EVAL_STEPS + 1 && data.evals[data.evals.length - 1].step === steps, 'evaluations thinned, newest kept');
    const summary = { runId: run.runId, name: 'long', state: 'finished' as const, step: steps, totalSteps: steps };
    const message = { type: 'metrics/snapshot', available: [summary], runs: [{ summary, config: null, metrics: data.metrics, evals: data.evals, metricsRowCount: data.metricsRowCount }] };
    const parsed = parseHostToMetricsMessage(JSON.parse(JSON.stringify(message)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('eval thinning: at most 2 x maxSteps (+ the newest) evaluation steps, evenly spaced, the newest kept, all datasets of a kept step', () => {
  const thin = new EvalThinner(8, 4);
  const row = (step: number, dataset: string): EvalRow => ({ step, time: step, dataset, split: 'test', length: 1, episodes: 1, methods: {} });
  for (let s = 0; s < 1000; s++) for (const d of ['mnist', 'fashion']) thin.add(row(s, d));
  const rows = thin.rows();
  const steps = [...new Set(rows.map((r) => r.step))];
  assert.ok(steps.length <= 17 && steps.length >= 8, `${steps.length} steps`);
  assert.equal(steps[steps.length - 1], 999);
  const gaps = new Set(steps.slice(1, -1).map((s, i) => s - steps[i]));
  assert.equal(gaps.size, 1, `even spacing, got gaps ${[...gaps].join(',')}`);
  for (const s of steps) assert.equal(rows.filter((r) => r.step === s).length, 2);
  // A hostile file repeating one step is capped per step.
  const one = new EvalThinner(8, 4);
  for (let i = 0; i < 100; i++) one.add(row(5, `d${i}`));
  assert.equal(one.rows().length, 4);
});

test('recorded evaluations (editor, CLI) are never thinned and do not disturb the trainer\'s steps; the newest MAX_RECORDED_EVALS kept', () => {
  const thin = new EvalThinner(8, 4);
  const row = (step: number, extra: Partial<EvalRow> = {}): EvalRow => ({ step, time: step, dataset: 'mnist', split: 'test', length: 1, episodes: 1, methods: {}, ...extra });
  for (let s = 0; s < 1000; s++) {
    thin.add(row(s));
    if (s % 100 === 0) thin.add(row(s, { source: 'editor', recordedAt: `2026-12-01T00:00:${String(s % 60).padStart(2, '0')}Z` }));
  }
  const rows = thin.rows();
  assert.equal(rows.filter((r) => r.source === 'editor').length, 10);
  const trainerSteps = [...new Set(rows.filter((r) => r.source === undefined).map((r) => r.step))];
  assert.ok(trainerSteps.length <= 17 && trainerSteps[trainerSteps.length - 1] === 999);
  const many = new EvalThinner(8, 4);
  for (let i = 0; i < MAX_RECORDED_EVALS + 5; i++) many.add(row(7, { source: 'cli', recordedAt: String(i) }));
  const kept = many.rows();
  assert.equal(kept.length, MAX_RECORDED_EVALS);
  assert.equal(kept.at(-1)?.recordedAt, String(MAX_RECORDED_EVALS + 4));
});

test('a run folder whose metrics.jsonl is missing reads as empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-empty-'));
  writeFileSync(join(dir, 'status.json'), '{}');
  const data = await readChartData(dir);
  assert.deepEqual({ rows: data.metrics.length, count: data.metricsRowCount, evals: data.evals.length }, { rows: 0, count: 0, evals: 0 });
});
