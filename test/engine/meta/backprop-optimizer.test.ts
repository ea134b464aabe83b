import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../../src/engine/errors';
import { kernelConfigInts } from '../../../src/engine/kernel/kernel-abi';
import { loadGradientKernel } from '../../../src/engine/kernel/native-gradient';
import { BackpropMetaOptimizer, BackpropOptions } from '../../../src/engine/meta/backprop-optimizer';
import { broadcastState } from '../../../src/engine/model/episode';
import { initParams, initialState } from '../../../src/engine/model/init';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { paramLayout } from '../../../src/engine/model/param-layout';
import { Rng } from '../../../src/engine/random';
import { stepEpisodeLength, stepRng } from '../../../src/engine/meta/es-step';
import { readJsonl } from '../../../src/engine/runs/atomic-file';
import { ExperimentPlan } from '../../../src/engine/runs/experiment-plan';
import { MetricsRow } from '../../../src/protocol/run-records';
import { toyModel, toySampler } from '../../helpers/toy-task';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { MetaStepResult } from '../../../src/engine/meta/meta-optimizer';
import { StopRequested } from '../../../src/engine/stop';

const sampler = toySampler;
const native = loadGradientKernel().kernel !== undefined;
const nativeSkip = native ? false : 'the native addon\'s reverse pass is not loadable here (`npm run build:native`); the threads spread only that path';
const model = toyModel();

const options = (o: Partial<BackpropOptions> = {}): BackpropOptions => ({
  metaBatchSize: 4, episodeLength: 12, lossType: 'mean', truncation: 0, weightDecay: 0, backend: 'cpu', threads: 1,
  adam: { lr: 0.03, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 25 }, ...o,
});

const ctx = () => ({ runner: new ReferenceRunner(), model, train: sampler, seed: 5, size: paramLayout(model).size });

/** The meta-loss of step `step`'s episodes at θ, by the float64 reference (drawn as the optimizer draws them). */
function stepLoss(theta: Float64Array, step: number, o: BackpropOptions): number {
  const rng = stepRng(5, step);
  let s = 0;
  for (let k = 0; k < o.metaBatchSize; k++) {
    const episode = sampler(rng, o.episodeLength, 1);
    const { ce } = referenceEpisode(model, theta, episode, broadcastState(initialState(model, rng), 1));
    s += ce.reduce((a, b) => a + b, 0) / ce.length / o.metaBatchSize;
  }
  return s;
}

/** θ with a high gain, so that every path of the episode carries gradient. */
function liveTheta(): Float64Array {
  const rng = new Rng(5, 'meta-init');
  const theta = initParams(model, rng);
  for (let i = 0; i < theta.length; i++) theta[i] += 0.5 * rng.normal();
  return theta;
}

test('a backprop meta-step goes downhill: the loss of its episodes falls, and the reported loss is the reference\'s before the update', async () => {
  for (const truncation of [0, 4]) {
    const o = options({ truncation, adam: { ...options().adam, lr: 0.005 } });
    const theta = liveTheta();
    const before = stepLoss(theta, 1, o);
    const r = await new BackpropMetaOptimizer(ctx(), o).step(theta, 1);
    const after = stepLoss(theta, 1, o);
    assert.ok(Math.abs(r.metaLoss - before) < 1e-5, `reported ${r.metaLoss} vs reference ${before}`);
    assert.ok(after < before - 1e-5, `truncation ${truncation}: loss ${before.toFixed(5)} -> ${after.toFixed(5)}`);
    assert.ok(Number.isFinite(r.gradNorm) && r.gradNorm > 0 && r.trainAccuracy >= 0 && r.trainAccuracy <= 1);
    assert.ok(r.peakRssMB! > 0 && r.tapeMB! > 0, 'memory figures are reported');
  }
});

test('truncation >= T is the whole-episode gradient: the same update', async () => {
  const a = initParams(model, new Rng(5, 'meta-init'));
  const b = Float64Array.from(a);
  await new BackpropMetaOptimizer(ctx(), options({ truncation: 0 })).step(a, 7);
  await new BackpropMetaOptimizer(ctx(), options({ truncation: 12 })).step(b, 7);
  assert.deepEqual(Array.from(a), Array.from(b));
  const c = initParams(model, new Rng(5, 'meta-init'));
  await new BackpropMetaOptimizer(ctx(), options({ truncation: 3 })).step(c, 7);
  assert.notDeepEqual(Array.from(c), Array.from(a), 'a shorter truncation drops cross-slice paths');
});

const plan = (iterations: number, threads = 1): ExperimentPlan => ({
  name: 'toy-bp', seed: 3, source: 'toy.vsml.json', resolvedConfig: { name: 'toy-bp' }, model, iterations,
  optimizer: { type: 'backprop', backprop: options({ truncation: 5, metaBatchSize: 2, threads }) },
  train: sampler,
  evaluation: { frequency: 0, spec: { length: 8, episodes: 2, seed: 22 }, datasets: [{ key: 'toy', sample: sampler, numClasses: 2 }] },
  checkpointFrequency: 2,
  statusInterval: 0,
});

test('a backprop run stopped and resumed (on 2 threads) equals the run that was never stopped (on 1); metrics carry the memory figures', async () => {
  const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-bp-'));
  const logs: string[] = [];
  const whole = await runExperiment({ plan: plan(5), runner: new ReferenceRunner(), runsDir: tmp(), events: { log: (_l, m) => logs.push(m) } });
  assert.ok(logs.some((m) => /backprop meta-step 1: peak RSS \d+ MB, gradient tape [\d.]+ MB \(slices of 5 steps, (tfjs cpu|kernel reverse pass)\)/.test(m)), logs.join('\n'));
  const ac = new AbortController();
  const threadLogs: string[] = [];
  const first = await runExperiment({
    plan: plan(5, 2), runner: new ReferenceRunner(), runsDir: tmp(), signal: ac.signal,
    events: { metrics: (m) => { if (m.step === 3) ac.abort(); }, log: (_l, m) => threadLogs.push(m) },
  });
  assert.equal(first.step, 3);
  if (native) assert.match(threadLogs.join('\n'), /gradient tape [\d.]+ MB \(slices of 5 steps, kernel reverse pass on 2 threads: [\d.]+ MB per thread x 2 threads\)/);
  const resumed = await runExperiment({ plan: plan(5, 2), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: first.runDir });
  assert.equal(resumed.state, 'finished');
  assert.deepEqual(Array.from(resumed.theta), Array.from(whole.theta));
  const rows = (dir: string): MetricsRow[] => readJsonl<MetricsRow>(join(dir, 'metrics.jsonl')).rows;
  assert.deepEqual(rows(resumed.runDir).map((m) => m.metaLoss), rows(whole.runDir).map((m) => m.metaLoss));
  for (const r of rows(whole.runDir)) assert.ok(r.peakRssMB! > 0 && r.tapeMB! > 0);
  // the checkpoint names the meta-optimizer, so an ES config cannot resume it
  const esPlan: ExperimentPlan = { ...plan(5), optimizer: { type: 'es', es: { pairs: 2, sigma: 0.05, episodeLength: 12, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: options().adam } } };
  await assert.rejects(runExperiment({ plan: esPlan, runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: first.runDir }), /written by "backprop"/);
});

test('engine.gradient: the kernel reverse pass and tfjs autodiff take the same meta-step; each says where it runs', { skip: nativeSkip }, async () => {
  const results: Record<string, { metaLoss: number; gradNorm: number }> = {};
  for (const gradient of ['native', 'tfjs'] as const) {
    const logs: string[] = [];
    const r = await new BackpropMetaOptimizer({ ...ctx(), log: (_l, m) => logs.push(m) }, options({ gradient, truncation: 5 })).step(liveTheta(), 2);
    assert.match(logs.join('\n'), gradient === 'native' ? /reverse pass/ : /tfjs cpu/);
    results[gradient] = r;
  }
  // Adam's first step is ~lr·sign(g), ill-conditioned where g ~ 0; the gradients themselves are compared element-wise in test/engine/kernel.
  assert.ok(results.tfjs.gradNorm > 1e-3);
  assert.ok(Math.abs(results.native.gradNorm - results.tfjs.gradNorm) < 1e-4 * results.tfjs.gradNorm, `|g| native ${results.native.gradNorm} vs tfjs ${results.tfjs.gradNorm}`);
  assert.ok(Math.abs(results.native.metaLoss - results.tfjs.metaLoss) < 1e-5, `loss native ${results.native.metaLoss} vs tfjs ${results.tfjs.metaLoss}`);
});

test('engine.gradient: "native" refuses a model the reverse pass lacks (layer norm); "auto" falls back to tfjs and says why', async () => {
  const lnCtx = (logs: string[]) => ({ ...ctx(), model: toyModel({ layerNorm: true }), size: paramLayout(toyModel({ layerNorm: true })).size, log: (_l: string, m: string) => logs.push(m) });
  const theta = initParams(toyModel({ layerNorm: true }), new Rng(1));
  await assert.rejects(new BackpropMetaOptimizer(lnCtx([]), options({ gradient: 'native', metaBatchSize: 1 })).step(theta, 1),
    (e: unknown) => e instanceof EngineError && e.path === 'engine.gradient' && /layer_norm/.test(e.message));
  const logs: string[] = [];
  const opt = new BackpropMetaOptimizer(lnCtx(logs), options({ gradient: 'auto', metaBatchSize: 1 }));
  await opt.step(theta, 1);
  await opt.step(theta, 2);
  assert.equal(logs.filter((m) => /fall back to TensorFlow.js autodiff: .*layer_norm/.test(m)).length, 1, logs.join('\n'));
});

test('training.episode_lengths: each backprop meta-step draws one length for its whole meta-batch, the same one ES draws for that step', async () => {
  const lengths = [3, 7, 11];
  const seen: number[] = [];
  const recording = (T: number[]) => (rng: Rng, length: number, bs: number) => { T.push(length); return sampler(rng, length, bs); };
  for (let step = 1; step <= 9; step++) {
    const drawn: number[] = [];
    const o = options({ metaBatchSize: 2, episodeLengths: lengths });
    await new BackpropMetaOptimizer({ ...ctx(), train: recording(drawn) }, o).step(liveTheta(), step);
    assert.equal(drawn.length, 2);
    assert.equal(new Set(drawn).size, 1, 'one length per meta-step');
    assert.equal(drawn[0], stepEpisodeLength(5, step, o), 'the step\'s own draw (resume is exact)');
    seen.push(drawn[0]);
  }
  assert.equal(new Set(seen).size, 3, `every length of the mix is drawn: ${seen}`);
});

/** Steps 1..steps of a fresh optimizer on a copy of θ; returns θ and the per-step results. */
async function train(o: BackpropOptions, steps: number, logs: string[] = []): Promise<{ theta: Float64Array; results: MetaStepResult[] }> {
  const theta = liveTheta();
  const opt = new BackpropMetaOptimizer({ ...ctx(), log: (_l, m) => logs.push(m) }, o);
  const results: MetaStepResult[] = [];
  try {
    for (let step = 1; step <= steps; step++) results.push(await opt.step(theta, step));
  } finally {
    await opt.dispose();
  }
  return { theta, results };
}

test('engine.threads: the kernel reverse pass on 1, 2 or 3 threads gives bit-identical θ and metrics after several meta-steps', { skip: nativeSkip }, async () => {
  for (const truncation of [0, 4]) {
    const o = (threads: number) => options({ metaBatchSize: 3, truncation, threads, episodeLengths: [6, 12], adam: { ...options().adam, lr: 0.01 } });
    const one = await train(o(1), 4);
    for (const threads of [2, 3]) {
      const logs: string[] = [];
      const many = await train(o(threads), 4, logs);
      assert.match(logs.join('\n'), new RegExp(`reverse pass \\(native, float64\\) on ${threads} worker threads`));
      assert.deepEqual(Array.from(many.theta), Array.from(one.theta), `truncation ${truncation}, ${threads} threads`);
      for (let i = 0; i < 4; i++) {
        const { tapeMB: tape1, peakRssMB: _a, ...a } = one.results[i];
        const { tapeMB, peakRssMB: _b, ...b } = many.results[i];
        assert.deepEqual(b, a, `step ${i + 1}`);
        // each thread holds its own tape: the reported peak is one episode's tape times the threads
        assert.ok(Math.abs(tapeMB! - threads * tape1!) < 1e-9 * tapeMB!, `tape ${tapeMB} vs ${threads} x ${tape1}`);
      }
    }
    assert.notDeepEqual(Array.from(one.theta), Array.from(liveTheta()), 'θ moved');
  }
});

test('engine.threads above optimizer.meta_batch_size: the extra threads are not started (one episode runs in the training thread) and the log says so', { skip: nativeSkip }, async () => {
  const logs: string[] = [];
  const a = await train(options({ metaBatchSize: 1, threads: 2 }), 2, logs);
  assert.match(logs.join('\n'), /reverse pass \(native, float64\) in the training thread, one episode at a time \(1 of engine.threads 2 idle: optimizer.meta_batch_size is 1\)/);
  const b = await train(options({ metaBatchSize: 1, threads: 1 }), 2);
  assert.deepEqual(Array.from(a.theta), Array.from(b.theta));
});

test('engine.threads with tfjs autodiff: gradients stay in the training thread, and the log says engine.threads does not spread them', async () => {
  const logs: string[] = [];
  const a = await train(options({ gradient: 'tfjs', metaBatchSize: 2, threads: 2, truncation: 4 }), 1, logs);
  assert.match(logs.join('\n'), /tfjs cpu in the training thread, one episode at a time \(engine.threads spreads only the kernel reverse pass\)/);
  assert.ok(a.results[0].gradNorm > 0);
});

test('a stop between episodes on 2 threads: the step throws StopRequested before θ or Adam change, the rest of the meta-batch is not started, and the next step runs as if never stopped', { skip: nativeSkip }, async () => {
  for (const threads of [1, 2]) {
    const ac = new AbortController();
    let drawn = 0;
    const stopping: typeof sampler = (rng, length, bs) => {
      if (++drawn === 3) ac.abort(); // asked to stop while the third episode is drawn
      return sampler(rng, length, bs);
    };
    const o = options({ metaBatchSize: 8, threads, truncation: 5 });
    const opt = new BackpropMetaOptimizer({ ...ctx(), train: stopping }, o);
    try {
      const theta = liveTheta();
      await opt.step(theta, 1);
      const before = Float64Array.from(theta);
      const adamBefore = structuredClone(opt.state());
      drawn = 0;
      await assert.rejects(opt.step(theta, 2, ac.signal), StopRequested);
      assert.ok(drawn < 8 && drawn <= 3 + threads, `${threads} threads: ${drawn} episodes drawn`);
      assert.deepEqual(Array.from(theta), Array.from(before), 'θ unchanged');
      assert.deepEqual(opt.state(), adamBefore, 'Adam unchanged');
      // the retried step equals an optimizer that was never stopped
      drawn = 100;
      const r = await opt.step(theta, 2);
      const { theta: ref, results } = await train(o, 2);
      assert.deepEqual(Array.from(theta), Array.from(ref));
      assert.equal(r.metaLoss, results[1].metaLoss);
    } finally {
      await opt.dispose();
    }
  }
});

/** How Linux answers one allocation larger than memory: refused unless overcommit is "always" (mode 1). */
function hugeAllocationFails(): string | false {
  try {
    const mode = readFileSync('/proc/sys/vm/overcommit_memory', 'utf8').trim();
    return mode === '0' || mode === '2' ? false : `vm.overcommit_memory is ${mode}: a tape larger than memory would be granted, not refused`;
  } catch {
    return 'not Linux: cannot tell whether an allocation larger than memory is refused';
  }
}

test('a worker whose tape cannot be allocated (error code 10) fails the step with the same EngineError naming optimizer.truncation as the training thread', { skip: nativeSkip || hugeAllocationFails() }, async () => {
  // 64x64 cells of N=128: ~34 MB of tape per step; the episode is made long enough that its whole-episode tape is 8x memory and swap.
  const big = toyModel({ layerSizes: [64, 64], slowSize: 128 });
  const swap = Number(/SwapTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
  const perStep = loadGradientKernel().kernel!.gradTapeBytes(kernelConfigInts(big, 1), 1);
  const T = Math.ceil((8 * (totalmem() + swap)) / perStep);
  const wide: typeof sampler = (rng, length, bs) => {
    const inputs = new Float64Array(length * bs * 64);
    for (let i = 0; i < inputs.length; i++) inputs[i] = rng.normal();
    return { length, inputs, labels: new Int32Array(length * bs) };
  };
  const errors: EngineError[] = [];
  for (const threads of [1, 2]) {
    const opt = new BackpropMetaOptimizer({ ...ctx(), model: big, size: paramLayout(big).size, train: wide }, options({ metaBatchSize: 2, threads, episodeLength: T, gradient: 'native' }));
    try {
      await assert.rejects(opt.step(initParams(big, new Rng(1)), 1), (e: unknown) => {
        assert.ok(e instanceof EngineError, String(e));
        errors.push(e);
        return true;
      });
    } finally {
      await opt.dispose();
    }
  }
  assert.equal(errors[0].path, 'optimizer.truncation');
  assert.match(errors[0].message, /could not allocate its tape \(\d+ MB\).*shorter truncation/);
  assert.equal(errors[1].message, errors[0].message);
  assert.equal(errors[1].fix, errors[0].fix);
});
