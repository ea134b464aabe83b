/**
 * The metrics panel's run records and chart tools in headless Chromium: the provenance header and
 * Open Run Log, the recorded-evaluations table (live), the meta-training chart's smoothing, log
 * scale, wall-clock x axis and zoom/pan with reset, and the CSV/PNG/SVG export messages to the
 * host. Screenshots in test-results/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, RESULTS, openPanel, startHarness, type PanelPage } from './harness';
import { fixtureRun, metricsRunData } from './fixture-runs';
import type { MetricsRunData } from '../../src/protocol/metrics-panel';
import { parseMetricsToHostMessage } from '../../src/protocol/metrics-panel';
import type { EvalRow, Provenance } from '../../src/protocol/run-records';
import { emaSmooth, metricSeries, storeFrom, timeUnit } from '../../webview/metrics/model';

type Pts = Record<string, { x: number; y: number }[]>;
interface Debug { points(): { loss: Pts; eval: Pts; curve: Pts }; lossScale(): { type: string; xTitle: string; zoomed: boolean; x: { min: number; max: number } } }
let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const debug = <T>(p: PanelPage, f: (d: Debug) => T): Promise<T> =>
  p.page.evaluate((src) => new Function('d', `return (${src})(d)`)((window as unknown as { vsmlMetricsDebug: Debug }).vsmlMetricsDebug), f.toString()) as Promise<T>;
const points = (p: PanelPage) => debug(p, (d) => d.points());
const scale = (p: PanelPage) => debug(p, (d) => d.lossScale());

const provenance: Provenance = {
  lab: { version: '0.1.0', commit: '0123456789abcdef0123456789abcdef01234567', dirty: false },
  workspace: { root: '/home/researcher/paper', commit: 'fedcba9876543210fedcba9876543210fedcba98', dirty: true },
  host: 'lab-box', node: 'v20.19.0', platform: 'linux', arch: 'x64',
  runner: { path: 'fused-native', backend: 'native-avx2', threads: 2, precision: 'float32' },
  datasets: { mnist: { source: 'IDX files in /data/mnist', splits: { train: { examples: 60000, sha256: 'c0ffee'.padEnd(64, '0') } } } },
  recordedAt: '2026-12-01T10:00:00.000Z',
};

async function runWithRecords(): Promise<MetricsRunData> {
  const run = metricsRunData(await fixtureRun('pooled-mnist'));
  const last = run.evals.filter((e) => e.dataset === 'mnist').sort((a, b) => b.step - a.step)[0];
  const recorded: EvalRow = { ...last, length: 7, time: 0, source: 'editor', recordedAt: '2026-12-01T11:00:00.000Z' };
  return { ...run, provenance, evals: [...run.evals, recorded] };
}

/** Nothing blocked by the CSP (the zoom plugin and its hammerjs included), no script error; then close. */
async function closeClean(p: PanelPage): Promise<void> {
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.consoleErrors, []);
  await p.page.close();
}

async function setValue(p: PanelPage, id: string, value: string, event = 'change'): Promise<void> {
  await p.page.evaluate(([i, v, ev]) => {
    const e = document.getElementById(i) as HTMLElement & { value: string };
    e.value = v;
    e.dispatchEvent(new Event(ev));
  }, [id, value, event]);
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
}

test('run header shows the provenance with Open Run Log; recorded evaluations get their own live table, not the meta-step chart', async () => {
  const run = await runWithRecords();
  const p = await openPanel(h, 'metrics', 'dark', { width: 1300, height: 1400 });
  await p.send({ type: 'metrics/snapshot', available: [run.summary], runs: [run] });
  const header = (await p.page.locator(`.run-header[data-run-id="${run.summary.runId}"]`).textContent()) ?? '';
  for (const want of ['VS-ML Lab 0.1.0 @ 0123456789 (clean)', 'paper @ fedcba9876 (uncommitted changes)', 'lab-box (linux x64, Node v20.19.0)', 'fused-native/native-avx2, float32, 2 threads', 'mnist train 60000 ex. sha256 c0ffee00']) {
    assert.ok(header.includes(want), `header has "${want}": ${header}`);
  }
  await p.page.locator('.open-run-log').click();
  assert.deepEqual((await p.posts()).filter((m) => m.type === 'runLog/open'), [{ type: 'runLog/open', runId: run.summary.runId }]);

  const table = async (): Promise<string[][]> => p.page.$$eval('#recorded-evals tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  let rows = await table();
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].slice(0, 6), [run.summary.runId, 'editor', '2026-12-01 11:00:00', String(run.evals.at(-1)!.step), 'mnist', '7']);
  // The recorded row (T=7) is not an evaluation series against meta-step.
  assert.ok(!Object.keys((await points(p)).eval).some((k) => k.includes('T=7')), Object.keys((await points(p)).eval).join());
  // A new recorded evaluation arrives (the host tails eval.jsonl): the table refreshes, newest first.
  const another: EvalRow = { ...run.evals.at(-1)!, dataset: 'fashion_mnist', source: 'cli', recordedAt: '2026-12-01T12:00:00.000Z' };
  await p.send({ type: 'eval/append', runId: run.summary.runId, rows: [another] });
  rows = await table();
  assert.deepEqual(rows.map((r) => r[1]), ['cli', 'editor']);
  assert.match(rows[0][7], /^\d+\.\d%$/);
  await p.screenshot('metrics-records-dark');
  await closeClean(p);
});

test('meta-training chart: EMA smoothing slider, log scale, relative-time x axis, kept in the saved state', async () => {
  const run = await runWithRecords();
  const store = storeFrom(run);
  const label = `${run.summary.runId} metaLoss`;
  const p = await openPanel(h, 'metrics', 'light');
  await p.send({ type: 'metrics/snapshot', available: [run.summary], runs: [run] });
  const raw = metricSeries(store, 'metaLoss');

  await setValue(p, 'loss-smoothing', '0.6', 'input');
  let pts = await points(p);
  assert.deepEqual(pts.loss[label], raw, 'the raw series stays, drawn faint');
  const smoothed = pts.loss[`${label} (smoothed 0.60)`];
  const want = emaSmooth(raw, 0.6);
  assert.equal(smoothed.length, want.length);
  smoothed.forEach((q, i) => assert.ok(Math.abs(q.y - want[i].y) < 1e-12 && q.x === want[i].x, `smoothed[${i}]`));
  assert.equal(await p.page.locator('#loss-smoothing-value').textContent(), '0.60');
  // Live rows while smoothed: the smoothed series is recomputed with them.
  const lastRow = run.metrics[run.metrics.length - 1];
  await p.send({ type: 'metrics/append', runId: run.summary.runId, rows: [{ ...lastRow, step: lastRow.step + 1, time: lastRow.time + 1, metaLoss: 1.5 }] });
  pts = await points(p);
  assert.equal(pts.loss[`${label} (smoothed 0.60)`].length, raw.length + 1);

  await p.page.locator('#loss-log').click();
  assert.equal((await scale(p)).type, 'logarithmic');

  await setValue(p, 'loss-x-select', 'time');
  const s = await scale(p);
  const unit = timeUnit(lastRow.time + 1);
  assert.equal(s.xTitle, `relative time (${unit.name})`);
  pts = await points(p);
  assert.deepEqual(pts.loss[label].slice(0, 3), store.metrics.slice(0, 3).map((m) => ({ x: m.time / unit.divisor, y: m.metaLoss })));
  const saved = await p.savedState() as { lossSmoothing: number; logY: boolean; xAxis: string };
  assert.deepEqual([saved.lossSmoothing, saved.logY, saved.xAxis], [0.6, true, 'time']);
  await p.screenshot('metrics-tools-light');

  // A reloaded panel comes back with the same choices.
  const again = await openPanel(h, 'metrics', 'light', undefined, saved);
  await again.send({ type: 'metrics/snapshot', available: [run.summary], runs: [run] });
  assert.equal((await scale(again)).type, 'logarithmic');
  assert.equal((await again.page.locator('#loss-smoothing').inputValue()), '0.6');
  assert.deepEqual(p.consoleErrors, []);
  await again.page.close();
  await p.page.close();
});

test('meta-training chart zooms with a dragged box, pans with Shift+drag, and Reset zoom restores it', async () => {
  const run = await runWithRecords();
  const p = await openPanel(h, 'metrics', 'dark');
  await p.send({ type: 'metrics/snapshot', available: [run.summary], runs: [run] });
  const full = (await scale(p)).x;
  const box = (await p.page.locator('#chart-loss').boundingBox())!;
  const y = box.y + box.height / 2;
  await p.page.mouse.move(box.x + box.width * 0.35, y);
  await p.page.mouse.down();
  await p.page.mouse.move(box.x + box.width * 0.5, y + 20, { steps: 5 });
  await p.page.mouse.move(box.x + box.width * 0.65, y + 40, { steps: 5 });
  await p.page.mouse.up();
  const zoomed = await scale(p);
  assert.equal(zoomed.zoomed, true);
  assert.ok(zoomed.x.max - zoomed.x.min < (full.max - full.min) * 0.6, `zoomed x ${JSON.stringify(zoomed.x)} vs ${JSON.stringify(full)}`);
  // Shift+drag pans: the same width, moved.
  await p.page.keyboard.down('Shift');
  await p.page.mouse.move(box.x + box.width * 0.6, y);
  await p.page.mouse.down();
  await p.page.mouse.move(box.x + box.width * 0.4, y, { steps: 8 });
  await p.page.mouse.up();
  await p.page.keyboard.up('Shift');
  const panned = (await scale(p)).x;
  assert.ok(Math.abs((panned.max - panned.min) - (zoomed.x.max - zoomed.x.min)) < 1e-6 * (full.max - full.min) + 1e-9, 'panning keeps the width');
  assert.ok(panned.min > zoomed.x.min, `panned right: ${JSON.stringify(panned)} vs ${JSON.stringify(zoomed.x)}`);
  await p.screenshot('metrics-zoomed-dark');
  await p.page.locator('#loss-reset-zoom').click();
  const reset = await scale(p);
  assert.equal(reset.zoomed, false);
  assert.deepEqual(reset.x, full);
  await closeClean(p);
});

test('every chart exports CSV (its numbers as shown), PNG and SVG to the host, which answers export/done', async () => {
  const run = await runWithRecords();
  const store = storeFrom(run);
  const p = await openPanel(h, 'metrics', 'dark');
  await p.send({ type: 'metrics/snapshot', available: [run.summary], runs: [run] });
  for (const chart of ['meta-training', 'evaluation', 'inner-curve']) {
    for (const f of ['csv', 'png', 'svg']) await p.page.locator(`#export-${chart}-${f}`).click();
  }
  const saves = (await p.posts()).filter((m) => m.type === 'export/save');
  assert.equal(saves.length, 9);
  for (const s of saves) {
    const parsed = parseMetricsToHostMessage(s);
    assert.ok(parsed.ok, `the host accepts it: ${parsed.ok ? '' : parsed.error}`);
  }
  assert.deepEqual(saves.map((s) => s.requestId), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const [csv, png, svg] = saves as unknown as { format: string; fileName: string; data: string }[];
  assert.equal(csv.fileName, `metaLoss-${run.summary.runId}.csv`);
  const lines = csv.data.trim().split('\n');
  assert.equal(lines[0], 'series,meta-step,metaLoss');
  assert.deepEqual(lines.slice(1), metricSeries(store, 'metaLoss').map((q) => `${run.summary.runId} metaLoss,${q.x},${q.y}`));
  const bytes = Buffer.from(png.data, 'base64');
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.ok(bytes.length > 2000);
  assert.match(svg.data, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // Kept to look at beside the canvas screenshot (and the PNG export itself).
  writeFileSync(join(RESULTS, 'metrics-export-meta-training.svg'), svg.data);
  writeFileSync(join(RESULTS, 'metrics-export-meta-training.png'), bytes);
  writeFileSync(join(RESULTS, 'metrics-export-inner-curve.svg'), (saves[8] as unknown as { data: string }).data);
  assert.ok((svg.data.match(/<path /g) ?? []).length >= 1);
  assert.ok(svg.data.includes(`${run.summary.runId} metaLoss`), 'the legend names the series');
  const evalCsv = (saves[3] as unknown as { data: string }).data.trim().split('\n');
  assert.equal(evalCsv[0], 'series,meta-step,meanAccuracy');
  assert.ok(evalCsv.length > 2);
  // Zoomed in, the CSV holds the points on screen only.
  const box = (await p.page.locator('#chart-loss').boundingBox())!;
  await p.page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3);
  await p.page.mouse.down();
  await p.page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.9, { steps: 6 });
  await p.page.mouse.up();
  const x = (await scale(p)).x;
  await p.page.locator('#export-meta-training-csv').click();
  const zoomedCsv = ((await p.posts()).filter((m) => m.type === 'export/save').at(-1) as unknown as { data: string }).data.trim().split('\n').slice(1);
  const inRange = metricSeries(store, 'metaLoss').filter((q) => q.x >= x.min && q.x <= x.max);
  assert.ok(inRange.length > 0 && inRange.length < metricSeries(store, 'metaLoss').length, `${inRange.length} points in ${JSON.stringify(x)}`);
  assert.deepEqual(zoomedCsv, inRange.map((q) => `${run.summary.runId} metaLoss,${q.x},${q.y}`));
  await p.send({ type: 'export/done', requestId: 1, outcome: 'saved', path: '/tmp/metaLoss.csv' });
  assert.equal(await p.page.locator('#export-status').textContent(), 'Saved /tmp/metaLoss.csv');
  await p.send({ type: 'export/done', requestId: 2, outcome: 'failed', error: 'EACCES' });
  assert.equal(await p.page.locator('#export-status').textContent(), 'Could not save: EACCES');
  await closeClean(p);
});
