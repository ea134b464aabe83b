import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadEpisodeFixture } from '../../../src/engine/fixtures/fixture';
import { finishJob, prepareJob, runJob } from '../../../src/engine/kernel/fused-episode';
import { loadNativeKernel, nativeAddonCandidates } from '../../../src/engine/kernel/native-kernel';
import { SHARED_FIXTURES } from '../../helpers/paths';
import { relErr } from './kernel-test-helpers';

const native = loadNativeKernel();

test('the SSE2 fallback of the native addon (for CPUs without AVX2) also reproduces g_deep_high_gain', { skip: native.kernel ? false : `native addon unavailable: ${native.reason}` }, () => {
  const fx = loadEpisodeFixture(join(SHARED_FIXTURES, 'g_deep_high_gain.json'));
  const rollout = { theta: fx.theta, episode: fx.episode, initialState: fx.initialState };
  // The addon reads this switch on every call, so one process can exercise both builds.
  process.env.VSML_KERNEL_NO_AVX2 = '1';
  let sse2;
  try {
    sse2 = finishJob(fx.cfg, fx.episode.labels, runJob(native.kernel!, fx.cfg, prepareJob(fx.cfg, rollout), true));
  } finally {
    delete process.env.VSML_KERNEL_NO_AVX2;
  }
  const rel = relErr(sse2.logits, fx.expected.logits);
  assert.ok(rel < 1e-5, `SSE2 logits rel ${rel}`);
  assert.ok(relErr(sse2.finalState![0].c, fx.expected.finalState[0].c) < 1e-5);
});

test('the native addon refuses buffers smaller than its config says (no out-of-bounds writes)', { skip: native.kernel ? false : `native addon unavailable: ${native.reason}` }, () => {
  const fx = loadEpisodeFixture(join(SHARED_FIXTURES, 'a_single_dense.json'));
  const job = prepareJob(fx.cfg, { theta: fx.theta, episode: fx.episode, initialState: fx.initialState });
  assert.throws(() => runJob(native.kernel!, fx.cfg, { ...job, length: job.length + 1 }, false), /smaller than the config needs/);
});

test('the addon is looked for next to a bundle and in native/build from source', () => {
  const c = nativeAddonCandidates('/x/dist');
  assert.equal(c[0], '/x/dist/vsml_kernel.node');
  assert.ok(c.includes('/x/native/build/Release/vsml_kernel.node'));
  assert.match(loadNativeKernel('/nonexistent').reason ?? '', /there is no native addon here \(the universal \.vsix ships none/);
});
