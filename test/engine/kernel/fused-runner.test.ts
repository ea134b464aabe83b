import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../../../src/engine/errors';
import { compareWithFixture, loadEpisodeFixture } from '../../../src/engine/fixtures/fixture';
import { FusedRunner } from '../../../src/engine/kernel/fused-runner';
import { loadNativeKernel } from '../../../src/engine/kernel/native-kernel';
import { EpisodeResult } from '../../../src/engine/model/episode';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { Rng } from '../../../src/engine/random';
import { TfjsRunner } from '../../../src/engine/tfjs/tfjs-runner';
import { SHARED_FIXTURES } from '../../helpers/paths';
import { randomConfig, randomRollout, relErr } from './kernel-test-helpers';

const episodeFixtures = readdirSync(SHARED_FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('e_'));
const native = loadNativeKernel();
// The native addon is built by `npm ci` (install script) when a C compiler is present; say so plainly when it is not.
// Both wasm builds: relaxed SIMD (FMA, gate-wise cell pairs) and plain simd128.
const variants = [
  { prefer: 'native' as const, name: 'fused-native', skip: native.kernel ? false : `native addon unavailable: ${native.reason}` },
  { prefer: 'wasm-relaxed' as const, name: 'fused-wasm', skip: false as const },
  { prefer: 'wasm-simd128' as const, name: 'fused-wasm', skip: false as const },
];

for (const { prefer, name, skip } of variants) {
  test(`fused-${prefer}: every episode fixture within 1e-4 relative (float32); logs the error reached`, { skip }, async () => {
    const runner = await FusedRunner.create({ prefer, threads: 0 });
    try {
      assert.equal(runner.name, name);
      assert.equal(runner.precision, 'float32');
      assert.ok(episodeFixtures.length >= 7);
      for (const f of episodeFixtures) {
        const fx = loadEpisodeFixture(join(SHARED_FIXTURES, f));
        const [res] = await runner.run(fx.cfg, [{ theta: fx.theta, episode: fx.episode, initialState: fx.initialState }], { wantFinalState: true });
        const report = compareWithFixture(fx, res as EpisodeResult, 1e-4);
        const rel = relErr(res.logits, fx.expected.logits);
        console.log(`  ${runner.backend} ${f}: logits rel ${rel.toExponential(2)}, final state abs ${report.maxAbsErr.finalState.toExponential(2)}`);
        assert.ok(report.ok, `${f}: ${JSON.stringify(report)}`);
        // Better than the README's "a good float32 port gets within 1e-5".
        assert.ok(rel < 1e-5, `${f}: logits rel ${rel}`);
      }
    } finally {
      await runner.dispose();
    }
  });

  test(`fused-${prefer}: random configs (batch 2-3, deep, layer norm, backward pass) match the float64 reference`, { skip }, async () => {
    const runner = await FusedRunner.create({ prefer, threads: 0 });
    try {
      const rng = new Rng(7, prefer);
      let worst = 0;
      for (let i = 0; i < 24; i++) {
        // Every third config uses N = 16, where the AVX2 build updates cells in pairs (wasm: gate-wise pairs).
        const cfg = randomConfig(rng, i % 3 === 0 ? { slowSize: 16 } : {});
        const r = randomRollout(cfg, rng, 6);
        const want = referenceEpisode(cfg, Float64Array.from(r.theta), r.episode, r.initialState);
        const [got] = await runner.run(cfg, [r], { wantFinalState: true });
        const e = Math.max(relErr(got.logits, want.logits), relErr(got.ce, want.ce));
        const s = Math.max(...want.finalState.map((st, l) => Math.max(relErr(got.finalState![l].h, st.h), relErr(got.finalState![l].c, st.c))));
        worst = Math.max(worst, e, s);
        assert.ok(e < 1e-4 && s < 1e-4, `config ${JSON.stringify(cfg)}: logits/ce rel ${e}, state rel ${s}`);
      }
      console.log(`  ${runner.backend}: worst relative error over 24 random configs ${worst.toExponential(2)}`);
    } finally {
      await runner.dispose();
    }
  });
}

test('fused: without a preference the native addon is used when it loads, else wasm', async () => {
  const runner = await FusedRunner.create({ threads: 0 });
  assert.equal(runner.name, native.kernel ? 'fused-native' : 'fused-wasm');
  assert.match(runner.backend, native.kernel ? /^native-(avx2|sse2)$/ : /^wasm-relaxed-simd$/);
  await runner.dispose();
});

test('fused: 2 worker threads give bit-identical results to the calling thread, in rollout order', async () => {
  const rng = new Rng(11);
  const cfg = randomConfig(rng, { layerSizes: [6, 5, 3], batchSize: 2, layerNorm: false });
  const rollouts = Array.from({ length: 5 }, () => randomRollout(cfg, rng, 5));
  const inline = await FusedRunner.create({ threads: 0 });
  const pooled = await FusedRunner.create({ threads: 2 });
  try {
    assert.equal(pooled.threads, 2);
    const a = await inline.run(cfg, rollouts, { wantFinalState: true });
    const b = await pooled.run(cfg, rollouts, { wantFinalState: true });
    assert.equal(b.length, rollouts.length);
    for (let i = 0; i < a.length; i++) {
      assert.deepEqual(b[i].logits, a[i].logits);
      assert.deepEqual(b[i].ce, a[i].ce);
      assert.deepEqual(b[i].correct, a[i].correct);
      assert.deepEqual(b[i].finalState, a[i].finalState);
    }
    // Rollouts differ from each other, so order mix-ups would show.
    assert.notDeepEqual(a[0].logits, a[1].logits);
    // The inputs are not consumed by the run: a second run gives the same.
    assert.deepEqual((await pooled.run(cfg, rollouts))[3].logits, a[3].logits);
  } finally {
    await inline.dispose();
    await pooled.dispose();
  }
});

test('fused: bad input is an EngineError naming the field (checked before any worker runs)', async () => {
  const rng = new Rng(3);
  const cfg = randomConfig(rng, { batchSize: 2 });
  const good = randomRollout(cfg, rng, 3);
  const runner = await FusedRunner.create({ threads: 1 });
  try {
    const nanTheta = Float64Array.from(good.theta);
    nanTheta[5] = NaN;
    await assert.rejects(runner.run(cfg, [{ ...good, theta: nanTheta }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].theta[5]');
    await assert.rejects(runner.run(cfg, [{ ...good, theta: good.theta.subarray(1) }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].theta');
    await assert.rejects(runner.run(cfg, [{ ...good, episode: { ...good.episode, inputs: good.episode.inputs.subarray(1) } }]),
      (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].episode.inputs');
    await assert.rejects(runner.run(cfg, [{ ...good, initialState: good.initialState.slice(1) }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].state');
    const badLabels = Int32Array.from(good.episode.labels);
    badLabels[0] = 99;
    await assert.rejects(runner.run(cfg, [{ ...good, episode: { ...good.episode, labels: badLabels } }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].episode.labels[0]');
    await assert.rejects(runner.run({ ...cfg, msgSize: 1 }, [good]), (e: unknown) => e instanceof EngineError && e.path === 'model.sub_rnn.msg_size');
    // The runner still works after refusing bad input.
    assert.equal((await runner.run(cfg, [good]))[0].logits.length, 3 * 2 * cfg.layerSizes[cfg.layerSizes.length - 1]);
  } finally {
    await runner.dispose();
  }
  await assert.rejects(FusedRunner.create({ threads: -1 }), (e: unknown) => e instanceof EngineError && e.path === 'engine.threads');
});

test('fused and TensorFlow.js (wasm backend) agree on the same rollouts (both float32)', async () => {
  const rng = new Rng(21);
  const cfg = randomConfig(rng, { layerSizes: [7, 4, 3], batchSize: 2, layerNorm: true, backwardPass: true });
  const rollouts = Array.from({ length: 3 }, () => randomRollout(cfg, rng, 5));
  const fused = await FusedRunner.create({ threads: 0 });
  const tfjs = await TfjsRunner.create({ backend: 'wasm', threads: 0 });
  try {
    const a = await fused.run(cfg, rollouts, { wantFinalState: true });
    const b = await tfjs.run(cfg, rollouts, { wantFinalState: true });
    for (let i = 0; i < rollouts.length; i++) {
      assert.ok(relErr(a[i].logits, b[i].logits) < 1e-4, `rollout ${i}: logits rel ${relErr(a[i].logits, b[i].logits)}`);
      assert.ok(relErr(a[i].finalState![1].c, b[i].finalState![1].c) < 1e-4);
    }
  } finally {
    await fused.dispose();
    await tfjs.dispose();
  }
});

test('fused: a model deeper than the kernel supports (16 layers) is an EngineError, on both builds', async () => {
  const rng = new Rng(9);
  const cfg = randomConfig(rng, { layerSizes: Array.from({ length: 18 }, () => 2), batchSize: 1 });
  const r = randomRollout(cfg, rng, 2);
  for (const { prefer, skip } of variants) {
    if (skip) continue;
    const runner = await FusedRunner.create({ prefer, threads: 0 });
    await assert.rejects(runner.run(cfg, [r]), (e: unknown) => e instanceof EngineError && e.path === 'model.layer_sizes' && /16/.test(e.message));
    await runner.dispose();
  }
});
