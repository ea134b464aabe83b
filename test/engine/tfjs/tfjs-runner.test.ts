import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../../src/engine/errors';
import { loadEpisodeFixture, compareWithFixture } from '../../../src/engine/fixtures/fixture';
import { VsmlModelConfig, numClasses, paramIndices } from '../../../src/engine/model/config';
import { broadcastState } from '../../../src/engine/model/episode';
import { initParams, initialState } from '../../../src/engine/model/init';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { Rollout } from '../../../src/engine/model/rollout-runner';
import { Rng } from '../../../src/engine/random';
import { TfjsRunner } from '../../../src/engine/tfjs/tfjs-runner';
import { SHARED_FIXTURES } from '../../helpers/paths';

const episodeFixtures = readdirSync(SHARED_FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('e_'));
const REL_TOL = 1e-4;

const maxRelErr = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m / scale;
};

for (const backend of ['wasm', 'cpu'] as const) {
  test(`every episode fixture through TfjsRunner on ${backend} within ${REL_TOL} relative, no leaked tensors`, async () => {
    assert.ok(episodeFixtures.length >= 7, `found ${episodeFixtures.length} fixtures in ${SHARED_FIXTURES}`);
    const runner = await TfjsRunner.create({ backend, threads: 1 });
    assert.equal(runner.backend, backend);
    const report: Record<string, number> = {};
    for (const f of episodeFixtures) {
      const fx = loadEpisodeFixture(join(SHARED_FIXTURES, f));
      const before = tf.memory().numTensors;
      const [res] = await runner.run(fx.cfg, [{ theta: fx.theta, episode: fx.episode, initialState: fx.initialState }], { wantFinalState: true });
      assert.equal(tf.memory().numTensors, before, `${f}: tensors leaked`);
      const cmp = compareWithFixture(fx, { ...res, finalState: res.finalState! }, REL_TOL);
      assert.ok(cmp.ok, `${f} on ${backend}: ${JSON.stringify(cmp)}`);
      report[f] = Math.max(cmp.maxAbsErr.logits, cmp.maxAbsErr.ce);
    }
    // Measured: every fixture's logits and CE within ~1.1e-7 absolute (g_deep_high_gain ~1e-7),
    // final states within ~1.5e-6; well inside the README's 1e-5 for float32 ports.
    for (const [f, err] of Object.entries(report)) assert.ok(err < 1e-5, `${f}: ${err}`);
  });
}

/** A small random config exercising one option mix; every rollout gets its own θ. */
function randomCase(seed: number): { cfg: VsmlModelConfig; rollouts: Rollout[] } {
  const rng = new Rng(seed);
  const deep = rng.uniform() < 0.6;
  const layerSizes = deep ? [2 + rng.int(3), 2 + rng.int(3), 2 + rng.int(2)] : [2 + rng.int(4), 2 + rng.int(3)];
  const L = layerSizes.length - 1;
  const backwardPass = rng.uniform() < 0.5;
  const { layerParamIndex, backwardLayerParamIndex } = paramIndices(L, rng.uniform() < 0.5, backwardPass && rng.uniform() < 0.5);
  const cfg: VsmlModelConfig = {
    layerSizes,
    slowSize: 3 + rng.int(4),
    msgSize: 2 + rng.int(3),
    numMicroTicks: 1 + rng.int(3),
    tanhBound: rng.uniform() < 0.5 ? 0 : 1 + rng.uniform(),
    outputIdx: 0,
    feedLabel: rng.uniform() < 0.5,
    layerNorm: rng.uniform() < 0.4,
    backwardPass,
    initRandProportion: 0.5,
    layerParamIndex,
    backwardLayerParamIndex,
    batchSize: 2 + rng.int(2),
  };
  const withIdx = { ...cfg, outputIdx: rng.int(cfg.msgSize) };
  const T = 3 + rng.int(3);
  const C = numClasses(withIdx);
  const rollouts: Rollout[] = Array.from({ length: 3 }, () => {
    const theta = initParams(withIdx, rng);
    for (let i = 0; i < theta.length; i++) theta[i] += 0.7 * rng.normal(); // larger weights: gates away from saturation
    const inputs = new Float64Array(T * withIdx.batchSize * layerSizes[0]);
    rng.fillNormal(inputs);
    return {
      theta,
      episode: { length: T, inputs, labels: Int32Array.from({ length: T * withIdx.batchSize }, () => rng.int(C)) },
      initialState: broadcastState(initialState(withIdx, rng), withIdx.batchSize),
    };
  });
  return { cfg: withIdx, rollouts };
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`random configs with batch_size 2-3 and per-rollout θ match the float64 reference on ${backend}`, async () => {
    const runner = await TfjsRunner.create({ backend, threads: 1 });
    let worst = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { cfg, rollouts } = randomCase(seed);
      const got = await runner.run(cfg, rollouts, { wantFinalState: true });
      assert.equal(got.length, rollouts.length);
      rollouts.forEach((r, k) => {
        const want = referenceEpisode(cfg, Float64Array.from(r.theta), r.episode, r.initialState);
        const where = `seed ${seed} rollout ${k} ${JSON.stringify(cfg)}`;
        const errLogits = maxRelErr(got[k].logits, want.logits);
        const errCe = maxRelErr(got[k].ce, want.ce);
        const errState = Math.max(...want.finalState.map((s, l) => Math.max(maxRelErr(got[k].finalState![l].h, s.h), maxRelErr(got[k].finalState![l].c, s.c))));
        assert.ok(errLogits < REL_TOL && errCe < REL_TOL && errState < REL_TOL, `${where}: logits ${errLogits} ce ${errCe} state ${errState}`);
        worst = Math.max(worst, errLogits, errCe, errState);
      });
      // Rollouts differ in θ, so their logits must differ: a runner reusing one θ would fail here.
      assert.notDeepEqual(Array.from(got[0].logits), Array.from(got[1].logits));
    }
    assert.ok(worst < REL_TOL);
  });
}

test('bad input is rejected with an EngineError naming the rollout and field', async () => {
  const runner = await TfjsRunner.create({ backend: 'cpu', threads: 1 });
  const { cfg, rollouts } = randomCase(5);
  const r = rollouts[0];
  const nan = Float64Array.from(r.theta);
  nan[7] = NaN;
  await assert.rejects(runner.run(cfg, [r, { ...r, theta: nan }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[1].theta[7]');
  await assert.rejects(runner.run(cfg, [{ ...r, theta: r.theta.subarray(1) }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].theta');
  await assert.rejects(runner.run(cfg, [{ ...r, episode: { ...r.episode, inputs: r.episode.inputs.subarray(1) } }]),
    (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].episode.inputs');
  await assert.rejects(runner.run(cfg, [{ ...r, initialState: r.initialState.slice(1) }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].state');
  const badState = r.initialState.map((s) => ({ h: s.h.subarray(1), c: s.c }));
  await assert.rejects(runner.run(cfg, [{ ...r, initialState: badState }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[0].state[0]');
  await assert.rejects(runner.run({ ...cfg, msgSize: 1 }, [r]), (e: unknown) => e instanceof EngineError && e.path === 'model.sub_rnn.msg_size');
  assert.equal(tf.memory().numTensors, 0, 'rejected runs must not allocate tensors');
});

test('worker threads give the same numbers as one thread, in rollout order', async () => {
  const inline = await TfjsRunner.create({ backend: 'wasm', threads: 1 });
  const pooled = await TfjsRunner.create({ backend: 'wasm', threads: 2 });
  try {
    assert.equal(pooled.threads, 2, JSON.stringify(pooled.notes));
    for (const seed of [2, 7]) {
      const { cfg, rollouts } = randomCase(seed);
      const five = [...rollouts, ...rollouts.slice(0, 2)]; // an odd count: unequal shares
      const a = await inline.run(cfg, five, { wantFinalState: true });
      const b = await pooled.run(cfg, five, { wantFinalState: true });
      assert.equal(b.length, five.length);
      b.forEach((r, k) => {
        assert.deepEqual(Array.from(r.logits), Array.from(a[k].logits), `seed ${seed} rollout ${k}`);
        assert.deepEqual(Array.from(r.correct), Array.from(a[k].correct));
        r.finalState!.forEach((s, l) => assert.deepEqual(Array.from(s.c), Array.from(a[k].finalState![l].c)));
      });
    }
    const { cfg, rollouts } = randomCase(3);
    const nan = Float64Array.from(rollouts[1].theta);
    nan[0] = Infinity;
    await assert.rejects(pooled.run(cfg, [rollouts[0], { ...rollouts[1], theta: nan }]), (e: unknown) => e instanceof EngineError && e.path === 'rollouts[1].theta[0]');
  } finally {
    await pooled.dispose();
  }
});
