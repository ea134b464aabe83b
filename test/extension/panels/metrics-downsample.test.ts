import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHARTED_KEYS, MetricsDownsampler } from '../../../src/extension/panels/metrics-downsample';
import type { MetricsRow } from '../../../src/protocol/run-records';
import { Rng } from '../../../src/engine/random';

function rowAt(step: number, rng: Rng): MetricsRow {
  const noise = (): number => rng.uniform() - 0.5;
  return {
    step, time: step * 0.01,
    metaLoss: 2.3 - Math.log1p(step) / 10 + noise(),
    lossPos: step % 7 === 0 ? null : 2 + noise(),
    lossNeg: 2 + noise(),
    trainAccuracy: Math.min(1, step / 1e5) + noise() / 10,
    gradNorm: Math.abs(noise()) * 10,
    thetaNorm: 8 + step / 1e4,
    stepSeconds: 0.5 + noise() / 100,
  };
}

test('downsampler: keeps the first and last row and every charted value\'s extremes, in file order, within the bound', () => {
  const rng = new Rng(3);
  const down = new MetricsDownsampler(64);
  const all: MetricsRow[] = [];
  const n = 100_003;
  for (let s = 1; s <= n; s++) {
    let r = rowAt(s, rng);
    // One-step spikes the chart must not lose.
    if (s === 41_234) r = { ...r, metaLoss: 1e6 };
    if (s === 77_777) r = { ...r, gradNorm: -5 };
    all.push(r);
    down.add(r);
  }
  const kept = down.rows();
  assert.equal(down.rowCount, n);
  assert.ok(kept.length <= MetricsDownsampler.maxRows(64), `${kept.length} rows`);
  assert.ok(kept.length >= 2 * 64, 'at least first and last of each bucket');
  assert.equal(kept[0], all[0]);
  assert.equal(kept[kept.length - 1], all[n - 1]);
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i].step > kept[i - 1].step, 'file order, each row once');
  for (const r of kept) assert.equal(r, all[r.step - 1], 'kept rows are the rows themselves');
  for (const key of CHARTED_KEYS) {
    const vals = all.map((r) => r[key]).filter((v): v is number => v !== null);
    const keptVals = kept.map((r) => r[key]).filter((v): v is number => v !== null);
    assert.equal(Math.min(...keptVals), Math.min(...vals), `min of ${key}`);
    assert.equal(Math.max(...keptVals), Math.max(...vals), `max of ${key}`);
  }
  assert.ok(kept.some((r) => r.metaLoss === 1e6) && kept.some((r) => r.gradNorm === -5));
});

test('downsampler: local extremes survive in every part of the run (per bucket, not only globally)', () => {
  const rng = new Rng(9);
  const target = 32;
  const down = new MetricsDownsampler(target);
  const n = 50_000;
  const spikes = new Set<number>();
  for (let s = 1; s <= n; s++) {
    const r = rowAt(s, rng);
    // A spike every 2000 steps, smaller than the global maximum: bucket width stays below 2000.
    const spike = s % 2000 === 1000;
    if (spike) spikes.add(s);
    down.add(spike ? { ...r, metaLoss: 10 + s / n } : r);
  }
  const keptSteps = new Set(down.rows().map((r) => r.step));
  for (const s of spikes) assert.ok(keptSteps.has(s), `spike at ${s} kept`);
});

test('downsampler: short runs come through whole; all-null values are fine', () => {
  const rng = new Rng(1);
  const down = new MetricsDownsampler(16);
  const rows = Array.from({ length: 20 }, (_, i) => ({ ...rowAt(i + 1, rng), gradNorm: null }));
  for (const r of rows) down.add(r);
  assert.deepEqual(down.rows(), rows);
  assert.deepEqual(new MetricsDownsampler(4).rows(), []);
  assert.throws(() => new MetricsDownsampler(0), /targetBuckets/);
});
