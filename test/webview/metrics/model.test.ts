import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendEvals, appendMetrics, datasetsOf, downsampleNote, emaSmooth, evalSeries, evalSteps, innerCurve, metricSeries, recordedEvaluations, smooth, storeFrom, timeUnit } from '../../../webview/metrics/model';
import { configDiff } from '../../../webview/metrics/config-diff';
import { provenanceParts } from '../../../webview/metrics/provenance-text';
import { chartCsv, chartSvg, exportFileName } from '../../../webview/metrics/chart-export';
import { fixtureRun, metricsRunData } from '../fixture-runs';

test('series come straight from the rows; non-finite (null) values are left out', async () => {
  const s = storeFrom(metricsRunData(await fixtureRun('pooled-mnist')));
  const n = s.metrics.length;
  assert.deepEqual(metricSeries(s, 'metaLoss').map((p) => p.x), s.metrics.map((m) => m.step));
  const fresh = appendMetrics(s, [{ ...s.metrics[n - 1], step: n + 1, metaLoss: null }, s.metrics[0]]);
  assert.equal(fresh.length, 1, 'old steps are not appended again');
  assert.equal(metricSeries(s, 'metaLoss').length, n, 'a null loss is no point');
  assert.equal(appendEvals(s, [s.evals[0]]).length, 0);
  const mnist = evalSeries(s, 'mnist', 'learned', 'meanAccuracy');
  assert.deepEqual(mnist.map((p) => p.x), [0, 10, 20, 30]);
});

test('baselines for the inner curve come from the newest evaluation that has them', async () => {
  const s = storeFrom(metricsRunData(await fixtureRun('pooled-mnist')));
  const withBaselines = s.evals.find((e) => e.dataset === 'mnist' && e.step === 30)!;
  // A later evaluation without baselines (the engine computes them once per dataset and length).
  s.evals.push({ ...withBaselines, step: 40, methods: { learned: withBaselines.methods.learned, untrained: withBaselines.methods.untrained } });
  assert.deepEqual(innerCurve(s, 'mnist', 40, 'sgd').map((p) => p.y), withBaselines.methods.sgd.curve);
  assert.deepEqual(innerCurve(s, 'mnist', 40, 'learned')[0], { x: 1, y: withBaselines.methods.learned.curve[0] });
  assert.deepEqual(innerCurve(s, 'mnist', 5, 'learned'), [], 'no evaluation at that step');
});

test('config comparison: differences only, missing keys, nested objects', () => {
  const rows = configDiff([{ a: 1, m: { x: [1, 2], y: true } }, { a: 1, m: { x: [1, 3] }, z: 'k' }], true);
  assert.deepEqual(rows, [
    { key: 'm.x', values: ['[1,2]', '[1,3]'], differs: true },
    { key: 'm.y', values: ['true', ''], differs: true },
    { key: 'z', values: ['', '"k"'], differs: true },
  ]);
  assert.equal(configDiff([{ a: 1 }, { a: 1 }], false).length, 1);
});

test('smoothing is a centered moving average that shrinks at the ends', () => {
  const pts = [1, 2, 3, 10].map((y, i) => ({ x: i + 1, y }));
  assert.deepEqual(smooth(pts, 3).map((p) => p.y), [1.5, 2, 5, 6.5]);
  assert.deepEqual(smooth(pts, 1), pts);
});

test('a downsampled run says how many of its meta-steps the chart shows; appends count on', async () => {
  const run = metricsRunData(await fixtureRun('pooled-mnist'));
  const whole = storeFrom(run);
  assert.equal(downsampleNote(whole), '');
  const s = storeFrom({ ...run, metricsRowCount: 1_000_000 });
  assert.equal(downsampleNote(s), `chart shows ${s.metrics.length} of 1,000,000 meta-steps (min/max per bucket)`);
  appendMetrics(s, [{ ...s.metrics[s.metrics.length - 1], step: 1_000_001 }]);
  assert.equal(s.rowCount, 1_000_001);
});

test('a run evaluated at several lengths gets one series per dataset and length; the long inner curve keeps its baselines', async () => {
  const s = storeFrom(metricsRunData(await fixtureRun('pooled-mnist')));
  assert.deepEqual(datasetsOf(s).includes('mnist'), true);
  const short = s.evals.filter((e) => e.dataset === 'mnist');
  const long = short.map((e) => ({
    ...e, length: 4 * e.length,
    methods: Object.fromEntries(Object.entries(e.methods).map(([m, r]) => [m, { ...r, curve: [...r.curve, ...r.curve, ...r.curve, ...r.curve] }])),
  }));
  // Same steps and dataset, another length: new rows, not duplicates.
  assert.equal(appendEvals(s, long).length, long.length);
  const keys = datasetsOf(s);
  assert.ok(keys.includes(`mnist T=${short[0].length}`) && keys.includes(`mnist T=${long[0].length}`) && !keys.includes('mnist'), keys.join());
  const longKey = `mnist T=${long[0].length}`;
  assert.deepEqual(evalSeries(s, longKey, 'learned', 'meanAccuracy').map((p) => p.x), [0, 10, 20, 30]);
  assert.deepEqual(evalSteps(s, longKey), [0, 10, 20, 30]);
  const sgd = innerCurve(s, longKey, 30, 'sgd');
  assert.equal(sgd.length, long[0].length);
  assert.equal(innerCurve(s, longKey, 30, 'learned').length, long[0].length);
  assert.equal(innerCurve(s, `mnist T=${short[0].length}`, 30, 'learned').length, short[0].length);
});

test('TensorBoard smoothing: a debiased EMA (first point unchanged), 0 = raw, non-finite points passed through', () => {
  const pts = [{ x: 1, y: 4 }, { x: 2, y: 2 }, { x: 3, y: NaN }, { x: 4, y: 6 }];
  assert.deepEqual(emaSmooth(pts, 0), pts);
  const s = emaSmooth(pts, 0.5);
  assert.equal(s[0].y, 4); // (0.5 * 4) / (1 - 0.5)
  assert.ok(Math.abs(s[1].y - (0.5 * 2 + 0.25 * 4) / 0.75) < 1e-12);
  assert.ok(Number.isNaN(s[2].y));
  assert.ok(Math.abs(s[3].y - (0.5 * 6 + 0.25 * 2 + 0.125 * 4) / 0.875) < 1e-12);
  assert.deepEqual(s.map((p) => p.x), [1, 2, 3, 4]);
});

test('the wall-clock x axis: time since the start, in a unit that fits', async () => {
  const s = storeFrom(metricsRunData(await fixtureRun('pooled-mnist')));
  assert.deepEqual(metricSeries(s, 'metaLoss', 'time', 60).map((p) => p.x), s.metrics.filter((m) => m.metaLoss !== null).map((m) => m.time / 60));
  assert.deepEqual([timeUnit(30), timeUnit(600), timeUnit(3 * 3600)].map((u) => u.name), ['s', 'min', 'h']);
});

test('recorded evaluations (editor, CLI) are kept apart from the trainer\'s: not charted against meta-step, listed newest first', async () => {
  const s = storeFrom(metricsRunData(await fixtureRun('pooled-mnist')));
  const before = evalSeries(s, 'mnist', 'learned', 'meanAccuracy');
  const base = s.evals.find((e) => e.dataset === 'mnist' && e.step === 30)!;
  const rec = (at: string, length: number) => ({ ...base, length, source: 'editor' as const, recordedAt: at });
  assert.equal(appendEvals(s, [rec('2026-12-01T10:00:00Z', 7), rec('2026-12-01T11:00:00Z', 7)]).length, 2);
  assert.equal(appendEvals(s, [rec('2026-12-01T10:00:00Z', 7)]).length, 0, 'the same recorded row again');
  assert.deepEqual(evalSeries(s, 'mnist', 'learned', 'meanAccuracy'), before);
  assert.deepEqual(datasetsOf(s).includes('mnist T=7'), false);
  assert.deepEqual(recordedEvaluations([s]).map((r) => r.row.recordedAt), ['2026-12-01T11:00:00Z', '2026-12-01T10:00:00Z']);
});

test('the run header states the provenance: lab and code commits with their dirty flag, host, runner, data checksums', () => {
  const parts = provenanceParts({
    lab: { version: '0.1.0', commit: '0123456789abcdef0123456789abcdef01234567', dirty: true },
    workspace: { root: '/home/r/paper', commit: 'fedcba9876543210fedcba9876543210fedcba98', dirty: false },
    host: 'box', node: 'v20.19.0', platform: 'linux', arch: 'x64',
    runner: { path: 'fused-native', backend: 'native-avx2', threads: 2, precision: 'float32' },
    datasets: { mnist: { source: 'IDX files in /d', splits: { train: { examples: 60000, sha256: 'ab'.repeat(32) } } }, sum: { source: 'generated', splits: {} } },
    recordedAt: '2026-12-01T00:00:00.000Z',
  });
  assert.deepEqual(parts.map((p) => `${p.label}: ${p.value}`), [
    'lab: VS-ML Lab 0.1.0 @ 0123456789 (uncommitted changes)',
    'code: paper @ fedcba9876 (clean)',
    'host: box (linux x64, Node v20.19.0)',
    'runner: fused-native/native-avx2, float32, 2 threads',
    'data: mnist train 60000 ex. sha256 abababab; sum (generated)',
  ]);
  assert.match(parts[4].title ?? '', /train: (ab){32}/);
});

test('chart CSV: one row per shown point, RFC 4180 quoting; SVG: escaped text, one path per unbroken run of points; file names stay plain', () => {
  const csv = chartCsv([{ label: 'run-1 metaLoss', points: [{ x: 1, y: 2.5 }, { x: 2, y: NaN }] }, { label: 'a,"b"', points: [{ x: 3, y: 1e-9 }] }], 'meta-step', 'metaLoss');
  assert.equal(csv, 'series,meta-step,metaLoss\nrun-1 metaLoss,1,2.5\nrun-1 metaLoss,2,\n"a,""b""",3,1e-9\n');
  const svg = chartSvg({
    width: 200, height: 100, background: '#fff', foreground: '#000', grid: '#ccc', area: { left: 30, top: 20, right: 190, bottom: 80 },
    xTicks: [{ at: 30, label: '0' }, { at: 190, label: '<10>' }], yTicks: [{ at: 80, label: '0' }], xTitle: 'meta-step', yTitle: 'loss',
    series: [{ label: 'r & s', color: '#3794ff', dash: [6, 3], pixels: [[30, 80], [60, 50], [NaN, NaN], [100, 40], [190, 20]] }],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="200" height="100"/);
  assert.match(svg, /&lt;10&gt;/);
  assert.match(svg, /r &amp; s/);
  assert.deepEqual([...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]), ['M30 80L60 50', 'M100 40L190 20']);
  assert.match(svg, /stroke-dasharray="6 3"/);
  assert.equal(exportFileName('meta-loss', ['default-20261201-1/2'], 'png'), 'meta-loss-default-20261201-1-2.png');
  assert.equal(exportFileName('evaluation', ['a', 'b', 'c'], 'csv'), 'evaluation-a+2.csv');
});
