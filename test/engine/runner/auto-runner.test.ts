import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { RolloutRunner } from '../../../src/engine/model/rollout-runner';
import { createAutoRunner } from '../../../src/engine/runner/auto-runner';
import { createRunner } from '../../../src/engine/runner/create-runner';
import { PathCandidate, cellTicksPerRollout, describeChoice, measurePaths } from '../../../src/engine/runner/measure-paths';
import { pathCacheKey, readCachedChoice } from '../../../src/engine/runner/path-cache';

const model: VsmlModelConfig = {
  layerSizes: [6, 4, 3], slowSize: 4, msgSize: 3, numMicroTicks: 2, tanhBound: 0, outputIdx: 0, feedLabel: true,
  layerNorm: false, backwardPass: false, initRandProportion: 0.2, layerParamIndex: [0, 0], backwardLayerParamIndex: [0, 0], batchSize: 1,
};

/**
 * A fake clock and fake runners: each run advances the clock by `msPerRollout` per rollout, so a
 * runner's measured rate is exactly cellTicksPerRollout / msPerRollout (no real timing involved).
 */
function world() {
  let t = 0;
  const now = (): number => t;
  const events: string[] = [];
  const fake = (label: string, msPerRollout: number, opts: { failCreate?: string; failRun?: string } = {}): PathCandidate => ({
    label,
    create: async () => {
      events.push(`create ${label}`);
      if (opts.failCreate) throw new Error(opts.failCreate);
      const runner: RolloutRunner = {
        name: label, backend: `${label}-backend`, precision: 'float32', threads: 1,
        run: async (_cfg, rollouts) => {
          if (opts.failRun) throw new Error(opts.failRun);
          events.push(`run ${label}`);
          t += msPerRollout * rollouts.length;
          return [];
        },
        dispose: async () => void events.push(`dispose ${label}`),
      };
      return runner;
    },
  });
  return { now, events, fake };
}

const tmpCache = (): string => join(mkdtempSync(join(tmpdir(), 'vsml-auto-')), 'sub', 'engine-paths.json');
const perSecond = (ms: number): number => cellTicksPerRollout(model, 4) / (ms / 1000);

test('measurePaths: times every candidate with the injected clock, keeps the fastest open, disposes the rest, reports failures', async () => {
  const w = world();
  const res = await measurePaths([w.fake('slow', 10), w.fake('fast', 2), w.fake('broken', 1, { failCreate: 'addon missing' }), w.fake('mid', 5)], model, { now: w.now, budgetMs: 50, rollouts: 2 });
  assert.equal(res.best?.label, 'fast');
  assert.deepEqual(res.timings.map((t) => t.label), ['slow', 'fast', 'broken', 'mid']);
  const rate = (l: string): number => (res.timings.find((t) => t.label === l) as { cellTicksPerSec: number }).cellTicksPerSec;
  assert.equal(rate('slow'), perSecond(10));
  assert.equal(rate('fast'), perSecond(2));
  assert.equal(rate('mid'), perSecond(5));
  assert.deepEqual(res.timings[2], { label: 'broken', error: 'addon missing' });
  assert.ok(w.events.includes('dispose slow') && w.events.includes('dispose mid'));
  assert.ok(!w.events.includes('dispose fast'), 'the winner stays open for the run');
  // Timed runs stop once the budget is spent: 50 ms at 2 rollouts x 10 ms = 3 timed runs + 2 warm-ups.
  assert.equal(w.events.filter((e) => e === 'run slow').length, 5);
});

test('createAutoRunner: measures on first use, remembers per shapes, and the second call takes the cached path without timing', async () => {
  const cacheFile = tmpCache();
  const logs: string[] = [];
  const w = world();
  const candidates = [w.fake('fused-native', 4), w.fake('fused-wasm-relaxed', 8), w.fake('tfjs', 80)];
  const opts = { backend: 'auto' as const, threads: 2, candidates, cacheFile, measure: { now: w.now, budgetMs: 20 }, today: () => new Date('2026-12-01T10:00:00Z') };
  const first = await createAutoRunner(model, opts, (m) => logs.push(m));
  assert.equal(first.name, 'fused-native');
  assert.match(logs[0], /^engine\.path auto chose fused-native \(fused-native-backend\): [\d.]+ k cell-ticks\/s vs fused-wasm-relaxed [\d.]+ k, tfjs [\d.]+ k \(measured 2026-12-01\)$/);
  const stored = readCachedChoice(cacheFile, pathCacheKey(model, 2));
  assert.equal(stored?.chosen, 'fused-native');

  w.events.length = 0;
  const second = await createAutoRunner(model, opts, (m) => logs.push(m));
  assert.equal(second.name, 'fused-native');
  assert.deepEqual(w.events, ['create fused-native'], 'no candidate is timed again');
  assert.match(logs[1], /\(measured 2026-12-01, cached\)$/);

  // Other shapes (or thread count) are another key: measured afresh.
  w.events.length = 0;
  await createAutoRunner({ ...model, layerSizes: [6, 5, 3] }, opts, () => {});
  assert.ok(w.events.includes('run tfjs'));
  await createAutoRunner(model, { ...opts, threads: 1 }, () => {});
  assert.equal(readCachedChoice(cacheFile, pathCacheKey(model, 1))?.chosen, 'fused-native');
});

test('createAutoRunner: a corrupt or foreign cache file means measuring again, never a failure; it is then rewritten', async () => {
  for (const junk of ['{not json', '[]', '{"entries": {"x": {"chosen": 3}}}', JSON.stringify({ entries: { [pathCacheKey(model, 0)]: { chosen: 'tfjs', measuredAt: 'yesterday', timings: [] } } })]) {
    const cacheFile = tmpCache();
    const w = world();
    await createAutoRunner(model, { backend: 'auto', candidates: [w.fake('fused-native', 4)], cacheFile: join(cacheFile, '..', '..', 'c.json'), measure: { now: w.now, budgetMs: 10 } }, () => {});
    const file = join(cacheFile, '..', '..', 'c.json');
    writeFileSync(file, junk);
    const w2 = world();
    const r = await createAutoRunner(model, { backend: 'auto', candidates: [w2.fake('slow', 9), w2.fake('fast', 3)], cacheFile: file, measure: { now: w2.now, budgetMs: 10 } }, () => {});
    assert.equal(r.name, 'fast', `cache content ${junk}`);
    assert.ok(w2.events.includes('run slow'), 'measured again');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).entries[pathCacheKey(model, 0)].chosen, 'fast');
  }
});

test('createAutoRunner: a remembered path that no longer starts is measured again (warned); an unwritable cache is a warning', async () => {
  const cacheFile = tmpCache();
  const w = world();
  await createAutoRunner(model, { backend: 'auto', candidates: [w.fake('fused-native', 2), w.fake('tfjs', 50)], cacheFile, measure: { now: w.now, budgetMs: 10 } }, () => {});
  const logs: { m: string; level?: string }[] = [];
  const w2 = world();
  const r = await createAutoRunner(model, { backend: 'auto', candidates: [w2.fake('fused-native', 2, { failCreate: 'addon gone' }), w2.fake('tfjs', 50)], cacheFile, measure: { now: w2.now, budgetMs: 10 } },
    (m, level) => logs.push({ m, level }));
  assert.equal(r.name, 'tfjs');
  assert.match(logs[0].m, /remembered fused-native no longer starts \(addon gone\); measuring again/);
  assert.equal(logs[0].level, 'warn');
  assert.match(logs[1].m, /chose tfjs .*fused-native unavailable: addon gone/);

  // The cache "folder" is a file: writing fails, the runner is still returned.
  const blocker = join(mkdtempSync(join(tmpdir(), 'vsml-auto-')), 'file');
  writeFileSync(blocker, 'x');
  const logs2: string[] = [];
  const w3 = world();
  const r2 = await createAutoRunner(model, { backend: 'auto', candidates: [w3.fake('fused-native', 2)], cacheFile: join(blocker, 'engine-paths.json'), measure: { now: w3.now, budgetMs: 10 } }, (m) => logs2.push(m));
  assert.equal(r2.name, 'fused-native');
  assert.match(logs2[0], /could not remember the choice/);
});

test('createAutoRunner: when no path runs, the float64 reference with a warning naming each reason', async () => {
  const w = world();
  const logs: string[] = [];
  const r = await createAutoRunner(model, { backend: 'auto', candidates: [w.fake('fused-native', 1, { failCreate: 'no addon' }), w.fake('tfjs', 1, { failRun: 'tfjs broke' })], cacheFile: tmpCache(), measure: { now: w.now } }, (m) => logs.push(m));
  assert.equal(r.name, 'reference');
  assert.match(logs[0], /fused-native: no addon; tfjs: tfjs broke.*float64 reference/);
});

test('createRunner: auto with a model goes through the measurement; a forced path does not', async () => {
  const w = world();
  const auto = { candidates: [w.fake('fused-native', 3), w.fake('tfjs', 30)], cacheFile: tmpCache(), measure: { now: w.now, budgetMs: 10 } };
  const r = await createRunner({ path: 'auto', backend: 'auto', threads: 0 }, () => {}, { model, auto });
  assert.equal(r.name, 'fused-native');
  w.events.length = 0;
  const forced = await createRunner({ path: 'reference', backend: 'auto', threads: 0 }, () => {}, { model, auto });
  assert.equal(forced.name, 'reference');
  assert.deepEqual(w.events, []);
});

test('describeChoice: names the chosen path, its backend and rate, the others, and the date', () => {
  const line = describeChoice('fused-native', [
    { label: 'fused-native', backend: 'native-avx2', cellTicksPerSec: 47.1e6 },
    { label: 'fused-wasm-relaxed', backend: 'wasm-relaxed-simd', cellTicksPerSec: 24.04e6 },
    { label: 'tfjs', backend: 'wasm', cellTicksPerSec: 2.1e6 },
  ], '2026-12-01T12:00:00.000Z', true);
  assert.equal(line, 'engine.path auto chose fused-native (native-avx2): 47.1 M cell-ticks/s vs fused-wasm-relaxed 24.0 M, tfjs 2.1 M (measured 2026-12-01, cached)');
});
