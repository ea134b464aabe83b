/**
 * `npm run bench:cluster` (issue 10): meta-steps per second of the default experiment
 * (examples/default.vsml.json: 49→10 cells, T=50, 64 antithetic pairs) evaluated
 *   - in this process on the fused kernel with 1 thread (the reference point),
 *   - on a loopback redis-server by 1 and by 2 `vsml worker` processes of 1 thread each,
 * the same ES chain from the same θ in every mode (the final θ must agree). It prints the scaling
 * efficiency, the coordinator's overhead per step from its timestamps (publishing: config, θ encode
 * and job payloads plus the addBulk round trip; waiting beyond the busiest worker's compute; reading
 * results; the update, which regenerates every ε_k) and a model of 128 workers built from them.
 *
 *   node --import tsx bench/cluster.ts [--steps N] [--config FILE] [--json]
 *
 * Needs `npm run build` (the workers run dist/cli.js) and redis-server on the PATH.
 */
import { isVsml } from '../src/engine/learners/learner-config';
import { spawn, ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadExperiment } from '../src/cli/load-experiment';
import { EsCoordinator, StepTimings } from '../src/engine/cluster/es-coordinator';
import { FusedRunner } from '../src/engine/kernel/fused-runner';
import { esUpdate, evaluatePairs, EsOptions, PairEvaluator, stepEpisodeLength } from '../src/engine/meta/es-step';
import { episodeSampler } from '../src/engine/data/episodes';
import { initParams } from '../src/engine/model/init';
import { adamInit } from '../src/engine/optim/adam';
import { Rng } from '../src/engine/random';
import { planTraining } from '../src/engine/runs/plan-experiment';
import { TestRedis } from '../test/helpers/redis-server';

const ROOT = resolve(__dirname, '..');
const { values } = parseArgs({ options: { steps: { type: 'string', default: '6' }, config: { type: 'string', default: join(ROOT, 'examples/default.vsml.json') }, json: { type: 'boolean', default: false } } });
const STEPS = Number(values.steps);

interface ModeResult {
  mode: string;
  workers: number;
  stepsPerSecond: number;
  stepSeconds: number;
  /** Coordinator figures, per step (ms): cluster modes only. */
  publishMs?: number;
  waitBeyondComputeMs?: number;
  collectMs?: number;
  updateMs: number;
  jobs?: number;
  thetaChecksum: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const cfg = await loadExperiment(values.config!, [], () => {});
  const plan = planTraining(cfg);
  if (!isVsml(plan.model)) throw new Error('bench:cluster measures a VSML config');
  const vsml = plan.model;
  if (plan.optimizer.type !== 'es') throw new Error('bench:cluster needs an ES config');
  const es: EsOptions = plan.optimizer.es;
  const train = episodeSampler(plan.train, 'train');
  const theta0 = initParams(vsml, new Rng(cfg.seed, 'bench-cluster-init'));
  const cellTicks = 2 * es.pairs * es.episodeLength * vsml.numMicroTicks * vsml.layerSizes.slice(0, -1).reduce((s, a, l) => s + a * vsml.layerSizes[l + 1], 0);
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  log(`config ${cfg.name}: ${vsml.layerSizes.join('→')} cells, T=${es.episodeLength}, ${es.pairs} pairs, θ of ${theta0.length} parameters, ${(cellTicks / 1e6).toFixed(1)} M cell-ticks a step; ${STEPS} measured steps after 1 warm-up; load average ${loadavg()[0].toFixed(1)}`);

  /** Runs warm-up + STEPS meta-steps through `pairs`, timing each; returns the figures. */
  async function chain(mode: string, workers: number, pairs: PairEvaluator, timings?: () => StepTimings | undefined): Promise<ModeResult> {
    const theta = Float64Array.from(theta0);
    const adam = adamInit(theta.length);
    const walls: number[] = [];
    const updates: number[] = [];
    const pub: number[] = [];
    const beyond: number[] = [];
    const coll: number[] = [];
    let jobs = 0;
    for (let step = 1; step <= STEPS + 1; step++) {
      const t0 = performance.now();
      const T = stepEpisodeLength(cfg.seed, step, es);
      const outcomes = await pairs.evaluate(theta, { seed: cfg.seed, step, k0: 0, k1: es.pairs, T });
      const t1 = performance.now();
      esUpdate(theta, adam, outcomes, cfg.seed, step, es);
      const t2 = performance.now();
      if (step === 1) continue; // warm-up: workers load the dataset on their first job
      walls.push((t2 - t0) / 1000);
      updates.push(t2 - t1);
      const t = timings?.();
      if (t) {
        const busiest = new Map<string, number>();
        for (const c of t.compute) busiest.set(c.worker, (busiest.get(c.worker) ?? 0) + c.seconds);
        const critical = Math.max(...busiest.values()) * 1000;
        pub.push(t.publishMs);
        beyond.push(Math.max(0, t.waitMs - critical));
        coll.push(t.collectMs);
        jobs = t.jobs;
      }
    }
    const stepSeconds = walls.reduce((a, b) => a + b, 0) / walls.length;
    const r: ModeResult = { mode, workers, stepsPerSecond: 1 / stepSeconds, stepSeconds, updateMs: median(updates), thetaChecksum: theta.reduce((a, b) => a + b, 0) };
    if (timings) Object.assign(r, { publishMs: median(pub), waitBeyondComputeMs: median(beyond), collectMs: median(coll), jobs });
    log(`${mode}: ${r.stepsPerSecond.toFixed(2)} steps/s (${(stepSeconds * 1000).toFixed(0)} ms a step)${timings ? `, ${jobs} jobs; coordinator per step (median): publish ${r.publishMs!.toFixed(1)} ms, waiting beyond the busiest worker ${r.waitBeyondComputeMs!.toFixed(1)} ms, collect ${r.collectMs!.toFixed(1)} ms` : ''}, update ${r.updateMs.toFixed(1)} ms`);
    return r;
  }

  const results: ModeResult[] = [];
  const runner = await FusedRunner.create({ threads: 1 });
  try {
    results.push(await chain('in-process, 1 thread', 0, { evaluate: (theta, range) => evaluatePairs(runner, plan.model, theta, train, range, es) }));
  } finally {
    await runner.dispose();
  }

  const redis = await TestRedis.start();
  const procs: ChildProcess[] = [];
  const startWorker = async (): Promise<void> => {
    const p = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'worker', '--cluster', redis.url, '--threads', '1', '--path', 'fused'], { stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(p);
    await new Promise<void>((ok, fail) => {
      let err = '';
      p.stderr!.on('data', (d) => {
        err += d;
        if (/worker \S+ on /.test(err)) ok();
      });
      p.once('exit', (c) => fail(new Error(`worker exited with ${c}: ${err}`)));
    });
  };
  try {
    for (const n of [1, 2]) {
      while (procs.length < n) await startWorker();
      // A config of its own per mode: mode 2 would otherwise find mode 1's finished jobs (same θ chain) and skip the work.
      const c = await EsCoordinator.connect({ url: redis.url, config: { ...cfg, name: `${cfg.name}-bench-${n}-${Date.now()}` }, runId: `bench-${n}`, log: () => {} });
      try {
        results.push(await chain(`cluster, ${n} worker${n > 1 ? 's' : ''} × 1 thread`, n, c, () => c.lastTimings));
      } finally {
        await c.close();
      }
    }
  } finally {
    for (const p of procs) p.kill('SIGINT');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    await redis.stop();
  }

  const [local, one, two] = results;
  const same = results.every((r) => Math.abs(r.thetaChecksum - local.thetaChecksum) <= 1e-9 * Math.abs(local.thetaChecksum));
  const speedup = two.stepsPerSecond / one.stepsPerSecond;
  const overheadMs = (r: ModeResult): number => r.publishMs! + r.waitBeyondComputeMs! + r.collectMs!;
  const perJobMs = overheadMs(two) / two.jobs!;
  // 128 workers: 256 jobs; the coordinator's queue work grows with the jobs, the compute shrinks with the workers.
  const compute1 = local.stepSeconds * 1000 - local.updateMs;
  const model = (workers: number, pairs: number, computeMs: number): { stepMs: number; efficiency: number; jobs: number } => {
    const jobs = Math.min(pairs, 2 * workers);
    const busy = Math.min(workers, jobs);
    const ideal = computeMs / busy;
    const stepMs = ideal + jobs * perJobMs + two.updateMs * (pairs / es.pairs);
    return { stepMs, efficiency: computeMs / workers / stepMs, jobs };
  };
  const m128 = model(128, es.pairs, compute1);
  const paperCompute = compute1 * (1.6e10 / cellTicks); // 784→10, T=500, 1024 pairs
  const mPaper = model(128, 1024, paperCompute);
  const summary = {
    sameTheta: same,
    speedup2vs1: speedup,
    scalingEfficiency: speedup / 2,
    clusterVsInProcess1: one.stepsPerSecond / local.stepsPerSecond,
    coordinatorOverheadMs: overheadMs(two),
    overheadFractionOfLocalStep: overheadMs(two) / (local.stepSeconds * 1000),
    perJobOverheadMs: perJobMs,
    model128Default: m128,
    model128Paper: { ...mPaper, computeOneThreadMinutes: paperCompute / 60000 },
  };
  log(`final θ the same in every mode: ${same ? 'yes' : 'NO'}`);
  log(`2 workers vs 1: ${speedup.toFixed(2)}x (scaling efficiency ${(100 * summary.scalingEfficiency).toFixed(0)}%); 1 worker vs in-process: ${summary.clusterVsInProcess1.toFixed(2)}x`);
  log(`coordinator overhead per step (2 workers, ${two.jobs} jobs): ${summary.coordinatorOverheadMs.toFixed(1)} ms = ${(100 * summary.overheadFractionOfLocalStep).toFixed(1)}% of an in-process step; ${perJobMs.toFixed(2)} ms per job; the update (ε regeneration, gradient, Adam) ${two.updateMs.toFixed(1)} ms also runs locally`);
  log(`model, 128 workers × 1 thread, this config (${m128.jobs} jobs: at most one pair each): ${m128.stepMs.toFixed(1)} ms a step, efficiency ${(100 * m128.efficiency).toFixed(0)}%`);
  log(`model, 128 workers × 1 thread, the paper's config (784→10, T=500, 1024 pairs; ${(paperCompute / 60000).toFixed(1)} min a step on one thread here): ${(mPaper.stepMs / 1000).toFixed(1)} s a step, efficiency ${(100 * mPaper.efficiency).toFixed(1)}%`);
  if (values.json) process.stdout.write(`${JSON.stringify({ results, summary })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
