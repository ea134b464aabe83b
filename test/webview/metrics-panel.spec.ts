/**
 * The metrics panel in headless Chromium: the recorded fixture runs replayed as the host would send
 * them (snapshot, then live appends), checked against the points the charts hold; malformed messages
 * rejected and logged; screenshots in light and dark theme.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, openPanel, startHarness } from './harness';
import { fixtureRun, metricsRunData } from './fixture-runs';
import type { MetricsRow } from '../../src/protocol/run-records';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readChartData } from '../../src/extension/panels/chart-data';
import { writeLongRun } from '../helpers/long-run';

type Pts = Record<string, { x: number; y: number }[]>;
let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const points = (p: { page: import('playwright-core').Page }) =>
  p.page.evaluate(() => (window as unknown as { vsmlMetricsDebug: { points(): { loss: Pts; eval: Pts; curve: Pts } } }).vsmlMetricsDebug.points());

test('metrics panel draws the snapshot, appends live rows once, and keeps the selection in its state', async () => {
  const run = await fixtureRun('pooled-mnist');
  const p = await openPanel(h, 'metrics', 'dark');
  await p.send({ type: 'metrics/snapshot', available: [metricsRunData(run).summary], runs: [metricsRunData(run)] });
  let pts = await points(p);
  assert.deepEqual(pts.loss[`${run.runId} metaLoss`], run.metrics.map((m) => ({ x: m.step, y: m.metaLoss })));
  for (const ds of ['mnist', 'fashion_mnist']) {
    assert.deepEqual(pts.eval[`${run.runId} ${ds} learned`], run.evals.filter((e) => e.dataset === ds).map((e) => ({ x: e.step, y: e.methods.learned.meanAccuracy })));
  }
  // The inner curve: the newest evaluation on the first dataset, every method, x = examples seen.
  const last = run.evals.filter((e) => e.dataset === 'mnist').sort((a, b) => b.step - a.step)[0];
  for (const m of ['learned', 'untrained', 'sgd', 'adam']) {
    assert.deepEqual(pts.curve[m], last.methods[m].curve.map((y, t) => ({ x: t + 1, y })), `curve of ${m}`);
  }
  // Smoothing changes the drawn curve, not the rows: a 5-step moving average of the same curve.
  await p.page.evaluate(() => {
    const e = document.getElementById('curve-smoothing-select') as HTMLElement & { value: string };
    e.value = '5';
    e.dispatchEvent(new Event('change'));
  });
  const smoothed = (await points(p)).curve.learned.map((q) => q.y);
  const raw = last.methods.learned.curve;
  const expected = raw.map((_, i) => {
    const win = raw.slice(Math.max(0, i - 2), Math.min(raw.length, i + 3));
    return win.reduce((a, b) => a + b, 0) / win.length;
  });
  smoothed.forEach((y, i) => assert.ok(Math.abs(y - expected[i]) < 1e-12, `smoothed[${i}]`));
  // Live rows; the same rows again (trainer message + file tail) must not double the points.
  const lastStep = run.metrics[run.metrics.length - 1].step;
  const extra: MetricsRow[] = [1, 2].map((i) => ({ ...run.metrics[run.metrics.length - 1], step: lastStep + i, metaLoss: 2.2 - i / 10 }));
  await p.send({ type: 'metrics/append', runId: run.runId, rows: extra });
  await p.send({ type: 'metrics/append', runId: run.runId, rows: extra });
  pts = await points(p);
  const loss = pts.loss[`${run.runId} metaLoss`];
  assert.equal(loss.length, run.metrics.length + 2);
  assert.deepEqual(loss.slice(-2), extra.map((m) => ({ x: m.step, y: m.metaLoss })));
  const state = (await p.savedState()) as { selected: string[] };
  assert.deepEqual(state.selected, [run.runId]);
  assert.deepEqual(await p.cspViolations(), [], 'chart.js and vscode-elements run under the strict CSP');
  assert.deepEqual(p.consoleErrors, []);
  await p.page.close();
});

test('metrics panel: a run evaluated at two lengths offers one inner curve per length, the long one beside SGD and Adam', async () => {
  const run = metricsRunData(await fixtureRun('pooled-mnist'));
  const mnist = run.evals.filter((e) => e.dataset === 'mnist');
  const T = mnist[0].length;
  const long = mnist.map((e) => ({
    ...e, length: 10 * T,
    methods: Object.fromEntries(Object.entries(e.methods).map(([m, r]) => [m, { ...r, curve: Array.from({ length: 10 * T }, (_, t) => r.curve[t % T]) }])),
  }));
  const p = await openPanel(h, 'metrics', 'dark');
  await p.send({ type: 'metrics/snapshot', available: [run.summary], runs: [{ ...run, evals: [...mnist, ...long] }] });
  const options = await p.page.locator('#curve-dataset-select vscode-option').allTextContents();
  assert.deepEqual(options.map((o) => o.trim()), [`mnist T=${T}`, `mnist T=${10 * T}`]);
  assert.equal((await points(p)).curve.learned.length, T);
  await p.page.evaluate((v) => {
    const e = document.getElementById('curve-dataset-select') as HTMLElement & { value: string };
    e.value = v;
    e.dispatchEvent(new Event('change'));
  }, `mnist T=${10 * T}`);
  const pts = await points(p);
  for (const m of ['learned', 'sgd', 'adam']) assert.equal(pts.curve[m]?.length, 10 * T, `${m} over the long episode`);
  assert.ok(pts.eval[`${run.summary.runId} mnist T=${10 * T} learned`], `the evaluation chart has a series per length: ${Object.keys(pts.eval).join(", ")}`);
  assert.deepEqual(p.consoleErrors, []);
  await p.page.close();
});

test('metrics panel rejects malformed messages, logs them and renders nothing from them', async () => {
  const run = await fixtureRun('pooled-mnist');
  const p = await openPanel(h, 'metrics', 'light');
  await p.send({ type: 'metrics/snapshot', available: [metricsRunData(run).summary], runs: [metricsRunData(run)] });
  const before = await points(p);
  const bad = [
    { type: '<img src=x onerror=alert(1)>' },
    { type: 'metrics/append', runId: run.runId, rows: [{ step: 'x', metaLoss: 1 }] },
    { type: 'metrics/append', runId: run.runId, rows: [{ step: 99, time: 1, metaLoss: '<b>1</b>', stepSeconds: 1 }] },
    { type: 'metrics/snapshot', available: 'all', runs: [] },
    'metrics/append',
    null,
  ];
  for (const m of bad) await p.send(m);
  const logs = (await p.posts()).filter((m) => m.type === 'log');
  assert.equal(logs.length, bad.length, 'one log line per rejected message');
  for (const l of logs) assert.equal(l.level, 'warn');
  assert.match(String(logs[1].message), /rows\[0\]\.step/);
  assert.deepEqual(await points(p), before);
  assert.equal(await p.page.locator('img, b').count(), 0);
  // The CSP is live: an inline script injected into the page does not run and is reported.
  const ran = await p.page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    return new Promise((r) => setTimeout(() => r((window as unknown as { __inlineRan?: boolean }).__inlineRan === true), 50));
  });
  assert.equal(ran, false);
  assert.ok((await p.cspViolations()).some((v) => v.startsWith('script-src')), 'the blocked inline script is reported');
  await p.page.close();
});

test('metrics panel overlays runs and compares their configs with "differences only"', async () => {
  const a = await fixtureRun('pooled-mnist');
  const b = await fixtureRun('deep-layerwise');
  for (const theme of ['light', 'dark'] as const) {
    const p = await openPanel(h, 'metrics', theme, { width: 1280, height: 1000 });
    await p.send({ type: 'metrics/snapshot', available: [metricsRunData(a).summary, metricsRunData(b).summary], runs: [metricsRunData(a), metricsRunData(b)] });
    const pts = await points(p);
    assert.ok(pts.loss[`${a.runId} metaLoss`] && pts.loss[`${b.runId} metaLoss`], 'both runs overlaid');
    const keys = await p.page.locator('#config-diff tbody tr td:first-child').allTextContents();
    assert.ok(keys.includes('model.vsml_rnn.layerwise_rnns'), `differences include layerwise_rnns: ${keys.join(', ')}`);
    assert.ok(keys.includes('name'));
    assert.ok(!keys.includes('seed'), 'equal keys are hidden with "differences only"');
    await p.screenshot(`metrics-${theme}`);
    // Unticking "differences only" shows every key; the choice is saved.
    await p.page.locator('#diff-only').click();
    const all = await p.page.locator('#config-diff tbody tr').count();
    assert.ok(all > keys.length);
    assert.equal(((await p.savedState()) as { differencesOnly: boolean }).differencesOnly, false);
    // Picking a run in the list asks the host for a new selection.
    await p.page.locator(`vscode-checkbox[data-run-id="${b.runId}"]`).click();
    const sel = (await p.posts()).filter((m) => m.type === 'runs/select').pop();
    assert.deepEqual(sel?.runIds, [a.runId]);
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.close();
  }
});

test('metrics panel restores its choices from the saved state', async () => {
  const run = await fixtureRun('pooled-mnist');
  const saved = { selected: [run.runId], metric: 'trainAccuracy', accuracy: 'finalAccuracy', method: 'sgd', curveRun: '', curveDataset: 'fashion_mnist', curveStep: 10, curveSmoothing: 1, differencesOnly: false };
  const p = await openPanel(h, 'metrics', 'dark', undefined, saved);
  await p.send({ type: 'metrics/snapshot', available: [metricsRunData(run).summary], runs: [metricsRunData(run)] });
  const pts = await points(p);
  assert.deepEqual(pts.loss[`${run.runId} trainAccuracy`], run.metrics.map((m) => ({ x: m.step, y: m.trainAccuracy })));
  assert.deepEqual(pts.eval[`${run.runId} mnist sgd`], run.evals.filter((e) => e.dataset === 'mnist').map((e) => ({ x: e.step, y: e.methods.sgd.finalAccuracy })));
  const at10 = run.evals.find((e) => e.dataset === 'fashion_mnist' && e.step === 10)!;
  assert.deepEqual(pts.curve.learned, at10.methods.learned.curve.map((y, t) => ({ x: t + 1, y })));
  assert.equal(((await p.savedState()) as { metric: string }).metric, 'trainAccuracy');
  await p.page.close();
});

test('metrics panel opens a run of 10^6 meta-steps from the host\'s downsampled snapshot: endpoints and spikes drawn, the status says so', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-long-webview-'));
  try {
    const steps = 1_000_000;
    const long = await writeLongRun(runs, steps);
    const data = await readChartData(long.dir);
    const summary = { runId: long.runId, name: 'long', state: 'finished' as const, step: steps, totalSteps: steps };
    const p = await openPanel(h, 'metrics', 'dark', { width: 1280, height: 1000 });
    await p.send({ type: 'metrics/snapshot', available: [summary], runs: [{ summary, config: { name: 'long' }, metrics: data.metrics, evals: data.evals, metricsRowCount: data.metricsRowCount }] });
    const loss = (await points(p)).loss[`${long.runId} metaLoss`];
    assert.equal(loss.length, data.metrics.length);
    assert.equal(loss[0].x, 1);
    assert.equal(loss[loss.length - 1].x, steps);
    for (const s of long.spikes) assert.ok(loss.some((q) => q.x === s && q.y > 50), `spike at ${s} drawn`);
    assert.match(await p.page.locator('#status').textContent() ?? '', new RegExp(`chart shows ${data.metrics.length.toLocaleString('en-US')} of 1,000,000 meta-steps \\(min/max per bucket\\)`));
    await p.screenshot('metrics-long-run');
    assert.deepEqual(p.consoleErrors, []);
    await p.page.close();
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('metrics panel: the next snapshot clears a panel/error banner', async () => {
  const run = await fixtureRun('pooled-mnist');
  const p = await openPanel(h, 'metrics', 'light');
  await p.send({ type: 'panel/error', message: 'could not build the panel: EACCES' });
  await p.screenshot('metrics-panel-error');
  const banner = p.page.locator('#panel-error');
  assert.equal(await banner.count(), 1);
  await p.send({ type: 'metrics/snapshot', available: [metricsRunData(run).summary], runs: [metricsRunData(run)] });
  assert.equal(await banner.count(), 0);
  await p.page.close();
});
