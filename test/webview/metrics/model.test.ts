import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendEvals, appendMetrics, datasetsOf, downsampleNote, evalSeries, evalSteps, innerCurve, metricSeries, smooth, storeFrom } from '../../../webview/metrics/model';
import { configDiff } from '../../../webview/metrics/config-diff';
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
