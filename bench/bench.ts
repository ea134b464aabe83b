/**
 * `npm run bench` (issue 2, item 6): cell-ticks/s of the fused kernel and of the best
 * TensorFlow.js path on the workloads W1-W3, measured in the same run; and (issue 9) the rate of
 * the gradient path, `backprop` meta-training's truncated BPTT through one rollout at a time,
 * counting a cell-tick once for forward and backward: `grad` (TensorFlow.js autodiff in this
 * thread) and `grad-native` (the fused kernel's reverse pass, native/vsml-grad.c), on one thread and
 * (issue 9) on --threads worker threads with the meta-batch spread over them, in the same run.
 *
 *   node dist/bench.js [--json] [--workloads W1,W2] [--threads N] [--seconds S] [--steps T]
 *                      [--fused native|wasm-relaxed|wasm-simd128] [--no-fused] [--tfjs-backend auto|wasm|cpu|tensorflow] [--no-tfjs]
 *                      [--no-grad] [--grad-truncation K] [--no-learners]
 *
 * A cell-tick is one update of one sub-RNN cell: A x B x rollouts x micro ticks x steps per
 * episode. Nominal FLOPs per cell-tick: 2·N·4N (h @ W_h) + 10·N (gates and state update);
 * the message parts of the gate product are computed once per row/column and not counted.
 * Peak RSS is the process's maximum resident set so far (worker threads included); the fused
 * path runs first for every workload, so its figures do not include TensorFlow.js's memory,
 * and W1 runs first, so its figure is W1's own. "CPU used" is the process's CPU time over the
 * wall time: below the thread count, other processes were sharing the cores.
 * (Issue 12) Every fused build that loads runs in the same run, native first, then the wasm
 * builds (relaxed SIMD, plain simd128), each with its ratio to native (wall and per CPU-second).
 * Then (issue 14) the meta-learners' inner steps/s beside W1's (bench/learners.ts).
 * --no-tfjs leaves out TensorFlow.js altogether (its forward rows and the `grad` autodiff rows), so
 * `--no-fused --no-tfjs --no-learners` measures only the kernel reverse pass (1 and N threads).
 */
import { availableParallelism, loadavg } from 'node:os';
import { FusedRunner } from '../src/engine/kernel/fused-runner';
import { stateFloats } from '../src/engine/kernel/kernel-abi';
import { VsmlModelConfig } from '../src/engine/model/config';
import { initParams, initialState } from '../src/engine/model/init';
import { Rollout, RolloutRunner } from '../src/engine/model/rollout-runner';
import { Rng } from '../src/engine/random';
import { selectTfjsBackend } from '../src/engine/tfjs/backend';
import { TfjsRunner } from '../src/engine/tfjs/tfjs-runner';
import { truncatedEpisodeGradient } from '../src/engine/tfjs/truncated-gradient';
import { BENCH_LEARNERS, LearnerMeasurement, measureLearner, measureTfjsMetaRnnCore } from './learners';
import { loadGradientKernel, nativeEpisodeGradient } from '../src/engine/kernel/native-gradient';
import { GradientWorkerPool } from '../src/engine/kernel/gradient-worker-pool';
import { metaBatchGradient, SlotGradient } from '../src/engine/meta/meta-batch-gradient';

const FUSED_BUILDS = ['native', 'wasm-relaxed', 'wasm-simd128'] as const;
type FusedBuild = (typeof FUSED_BUILDS)[number];

interface Workload {
  name: string;
  A: number;
  B: number;
  rollouts: number;
}

const WORKLOADS: Workload[] = [
  { name: 'W1', A: 784, B: 10, rollouts: 16 },
  { name: 'W2', A: 32, B: 10, rollouts: 128 },
  { name: 'W3', A: 64, B: 10, rollouts: 64 },
];
const N = 16;
const M = 8;
const MICRO = 2;
const FLOPS_PER_CELL_TICK = 2 * N * 4 * N + 10 * N;

interface Args {
  json: boolean;
  workloads: string[];
  threads: number;
  seconds: number;
  steps: number;
  /** One fused build only; default: every build that loads. */
  fused?: FusedBuild | 'none';
  tfjsBackend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
  tfjs: boolean;
  grad: boolean;
  /** BPTT slice of the gradient path (0 = whole episode); the tape, hence memory, grows with it. */
  gradTruncation: number;
  /** The meta-learner rows (last, so W1's figures are W1's own). */
  learners: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, workloads: WORKLOADS.map((w) => w.name), threads: availableParallelism(), seconds: 2, steps: 24, tfjsBackend: 'auto', tfjs: true, grad: true, gradTruncation: 8, learners: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--json') a.json = true;
    else if (k === '--no-tfjs') a.tfjs = false;
    else if (k === '--no-fused') a.fused = 'none';
    else if (k === '--no-grad') a.grad = false;
    else if (k === '--no-learners') a.learners = false;
    else if (k === '--grad-truncation') a.gradTruncation = Number(v());
    else if (k === '--workloads') a.workloads = v().split(',');
    else if (k === '--threads') a.threads = Number(v());
    else if (k === '--seconds') a.seconds = Number(v());
    else if (k === '--steps') a.steps = Number(v());
    else if (k === '--fused') {
      const b = v();
      if (!(FUSED_BUILDS as readonly string[]).includes(b)) throw new Error(`--fused ${b}: use one of ${FUSED_BUILDS.join(', ')}`);
      a.fused = b as FusedBuild;
    }
    else if (k === '--tfjs-backend') a.tfjsBackend = v() as Args['tfjsBackend'];
    else throw new Error(`unknown option ${k} (see the header of bench/bench.ts)`);
  }
  for (const w of a.workloads) if (!WORKLOADS.some((x) => x.name === w)) throw new Error(`unknown workload ${w}; use W1, W2 or W3`);
  return a;
}

function modelConfig(w: Workload): VsmlModelConfig {
  return {
    layerSizes: [w.A, w.B], slowSize: N, msgSize: M, numMicroTicks: MICRO, tanhBound: 0, outputIdx: 0, feedLabel: true,
    layerNorm: false, backwardPass: false, initRandProportion: 0.2, layerParamIndex: [0], backwardLayerParamIndex: [0], batchSize: 1,
  };
}

/** ES-like rollouts: each its own θ (reference meta-init), initial state and random inputs. */
function makeRollouts(cfg: VsmlModelConfig, w: Workload, steps: number, seed: number): Rollout[] {
  return Array.from({ length: w.rollouts }, (_, i) => {
    const rng = new Rng(seed, i);
    return {
      theta: initParams(cfg, rng),
      initialState: initialState(cfg, rng),
      episode: {
        length: steps,
        inputs: Float64Array.from({ length: steps * w.A }, () => rng.normal()),
        labels: Int32Array.from({ length: steps }, () => rng.int(w.B)),
      },
    };
  });
}

interface Measurement {
  workload: string;
  path: 'fused' | 'tfjs' | 'grad' | 'grad-native';
  backend: string;
  threads: number;
  cellTicksPerSec: number;
  gflops: number;
  peakRssMB: number;
  seconds: number;
  repeats: number;
  /** CPU time of the whole process (all threads) during the measurement. */
  cpuSeconds: number;
  /** Cell-ticks per CPU-second: a figure that moves less than the wall-clock rate when other processes share the cores. */
  perCpuSecond: number;
  /** Gradient paths: the largest tape of a slice (MB: autodiff tensors, or the reverse pass's float64 tape). */
  tapeMB?: number;
}

/** One warm-up run on a short episode, then whole episodes until `seconds` have passed. */
async function measure(runner: RolloutRunner, path: 'fused' | 'tfjs', w: Workload, args: Args): Promise<Measurement> {
  const cfg = modelConfig(w);
  process.stderr.write(`  measuring ${w.name} ${path} (${runner.backend}, ${runner.threads} threads)...\n`);
  await runner.run(cfg, makeRollouts(cfg, w, 2, 99));
  const rollouts = makeRollouts(cfg, w, args.steps, 1);
  let repeats = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  do {
    await runner.run(cfg, rollouts);
    repeats++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < args.seconds);
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const cellTicks = w.A * w.B * w.rollouts * MICRO * args.steps * repeats;
  const rate = cellTicks / elapsed;
  return {
    workload: w.name, path, backend: runner.backend, threads: runner.threads, cellTicksPerSec: rate,
    gflops: (rate * FLOPS_PER_CELL_TICK) / 1e9, peakRssMB: process.resourceUsage().maxRSS / 1024, seconds: elapsed, repeats,
    cpuSeconds, perCpuSecond: cellTicks / cpuSeconds,
  };
}

/**
 * The gradient path: dLoss/dθ of the workload's rollouts' episodes, as backprop meta-training
 * runs a meta-batch (metaBatchGradient: episodes dealt to `threads` slots, summed in episode
 * order), meta-batches of 2 x threads episodes again and again until `seconds` have passed.
 * tfjs autodiff runs in this thread only; the kernel reverse pass in this thread on 1 thread,
 * else on a GradientWorkerPool of `threads` workers (started before the clock).
 */
async function measureGradient(w: Workload, args: Args, where: 'tfjs' | 'native', threads: number): Promise<Measurement | undefined> {
  const cfg = modelConfig(w);
  let grad: SlotGradient<Rollout>;
  let backend: string;
  let pool: GradientWorkerPool | undefined;
  if (where === 'native') {
    const { kernel, reason } = loadGradientKernel();
    if (!kernel) {
      process.stderr.write(`  skipping ${w.name} grad-native: ${reason}\n`);
      return undefined;
    }
    backend = 'native float64';
    if (threads > 1) {
      const p = await GradientWorkerPool.create(threads);
      pool = p;
      grad = (slot, r) => p.gradient(slot, cfg, r.theta, r.episode, r.initialState, 'mean', args.gradTruncation);
    } else {
      grad = (_slot, r) => nativeEpisodeGradient(kernel, cfg, r.theta, r.episode, r.initialState, 'mean', args.gradTruncation);
    }
  } else {
    backend = (await selectTfjsBackend(args.tfjsBackend)).backend;
    grad = (_slot, r) => truncatedEpisodeGradient(cfg, r.theta, r.episode, r.initialState, 'mean', args.gradTruncation);
  }
  try {
    process.stderr.write(`  measuring ${w.name} gradient (${where === 'native' ? 'kernel reverse pass' : `tfjs ${backend}`}, ${threads} thread${threads === 1 ? '' : 's'}, truncation ${args.gradTruncation})...\n`);
    const D = makeRollouts(cfg, { ...w, rollouts: 1 }, 2, 99)[0].theta.length;
    const warmUp = makeRollouts(cfg, { ...w, rollouts: threads }, 2, 99);
    await metaBatchGradient(threads, threads, D, (k) => warmUp[k], grad); // every worker loads the addon and grows its tape once
    const rollouts = makeRollouts(cfg, w, args.steps, 1);
    const batch = 2 * threads;
    let episodes = 0;
    let tape = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let elapsed = 0;
    do {
      const r = await metaBatchGradient(batch, threads, D, (k) => rollouts[(episodes + k) % rollouts.length], grad);
      tape = Math.max(tape, r.peakTapeBytes);
      episodes += batch;
      elapsed = (performance.now() - t0) / 1000;
    } while (elapsed < args.seconds);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const cellTicks = w.A * w.B * MICRO * args.steps * episodes;
    const rate = cellTicks / elapsed;
    return {
      workload: w.name, path: where === 'native' ? 'grad-native' : 'grad', backend, threads, cellTicksPerSec: rate,
      gflops: (rate * FLOPS_PER_CELL_TICK) / 1e9, peakRssMB: process.resourceUsage().maxRSS / 1024, seconds: elapsed, repeats: episodes,
      cpuSeconds, perCpuSecond: cellTicks / cpuSeconds, tapeMB: (tape * threads) / 1e6,
    };
  } finally {
    await pool?.close();
  }
}

const fmtM = (x: number): string => (x >= 1e5 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string): void => {
    if (!args.json) console.log(s);
  };
  const workloads = WORKLOADS.filter((w) => args.workloads.includes(w.name));
  log(`VSML benchmark: N=${N}, M=${M}, ${MICRO} micro ticks, ${args.steps} steps per episode, >= ${args.seconds} s per measurement`);
  log(`nominal FLOPs per cell-tick: 2·N·4N + 10·N = ${FLOPS_PER_CELL_TICK}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);

  const results: Measurement[] = [];
  if (args.fused !== 'none') {
    for (const build of args.fused ? [args.fused] : FUSED_BUILDS) {
      let fused: FusedRunner;
      try {
        fused = await FusedRunner.create({ threads: args.threads, prefer: build });
      } catch (e) {
        log(`fused ${build}: not measured (${(e as Error).message})`);
        continue;
      }
      for (const w of workloads) results.push(await measure(fused, 'fused', w, args));
      await fused.dispose();
    }
  }

  if (args.tfjs) {
    const tfjs = await TfjsRunner.create({ backend: args.tfjsBackend, threads: args.threads });
    for (const w of workloads) results.push(await measure(tfjs, 'tfjs', w, args));
    await tfjs.dispose();
  }

  if (args.grad) {
    for (const w of workloads) {
      if (args.tfjs) {
        const m = await measureGradient(w, args, 'tfjs', 1);
        if (m) results.push(m);
      }
      // The kernel reverse pass on 1 thread, then on args.threads (the meta-batch spread over worker threads), in the same run.
      for (const threads of args.threads > 1 ? [1, args.threads] : [1]) {
        const m = await measureGradient(w, args, 'native', threads);
        if (!m) break;
        results.push(m);
      }
    }
  }

  for (const w of workloads) {
    const fusedRows = results.filter((r) => r.workload === w.name && r.path === 'fused');
    const f = fusedRows[0]; // the fastest build that loaded (native when it did)
    const t = results.find((r) => r.workload === w.name && r.path === 'tfjs');
    const g = results.find((r) => r.workload === w.name && r.path === 'grad');
    const gn = results.find((r) => r.workload === w.name && r.path === 'grad-native' && r.threads === 1);
    const gnThreads = results.find((r) => r.workload === w.name && r.path === 'grad-native' && r.threads > 1);
    // State the kernel holds for the workload (float32 h and c), and the float64 initial state the caller passes.
    const stateMB = (w.rollouts * stateFloats(modelConfig(w)) * 4) / 2 ** 20;
    if (args.json) {
      for (const r of [...fusedRows, t, g, gn, gnThreads]) {
        if (!r) continue;
        console.log(JSON.stringify({
          workload: r.workload, path: r.path, backend: r.backend, threads: r.threads, cellTicksPerSec: Math.round(r.cellTicksPerSec),
          gflops: Number(r.gflops.toFixed(3)), peakRssMB: Number(r.peakRssMB.toFixed(1)), stateMB: Number(stateMB.toFixed(2)),
          seconds: Number(r.seconds.toFixed(2)), repeats: r.repeats, cellTicksPerCpuSec: Math.round(r.perCpuSecond),
          cpuUtilization: Number((r.cpuSeconds / r.seconds).toFixed(2)), loadavg1: Number(loadavg()[0].toFixed(2)),
          ...(r.tapeMB !== undefined ? { tapeMB: Number(r.tapeMB.toFixed(1)), truncation: args.gradTruncation } : {}),
        }));
      }
      continue;
    }
    log('');
    log(`${w.name}: A=${w.A}, B=${w.B}, ${w.rollouts} rollouts; state ${stateMB.toFixed(1)} MB float32 (${(2 * stateMB).toFixed(1)} MB as the float64 input), RSS target <= ${(2 * stateMB + 200).toFixed(0)} MB`);
    log('  path        backend            threads  cell-ticks/s   GFLOP/s  peak RSS (process)  cell-ticks/CPU-s  CPU used');
    for (const r of [...fusedRows, t, g, gn, gnThreads]) {
      if (!r) continue;
      log(`  ${r.path.padEnd(11)} ${r.backend.padEnd(18)} ${String(r.threads).padStart(7)}  ${fmtM(r.cellTicksPerSec).padStart(12)}  ${r.gflops.toFixed(2).padStart(8)}  ${r.peakRssMB.toFixed(0).padStart(8)} MB          ${fmtM(r.perCpuSecond).padStart(9)}  ${(r.cpuSeconds / r.seconds).toFixed(2)} cores`);
    }
    const nat = fusedRows.find((r) => r.backend.startsWith('native'));
    for (const r of fusedRows.filter((x) => nat && x !== nat))
      log(`  ${r.backend} / ${nat!.backend} = ${(100 * r.cellTicksPerSec / nat!.cellTicksPerSec).toFixed(0)}% (per CPU-second ${(100 * r.perCpuSecond / nat!.perCpuSecond).toFixed(0)}%)`);
    if (f && t) log(`  fused / tfjs = ${(f.cellTicksPerSec / t.cellTicksPerSec).toFixed(1)}x`);
    const ratio = (a: Measurement | undefined, b: Measurement): string =>
      a ? `${(a.cellTicksPerSec / b.cellTicksPerSec).toFixed(1)}x (per CPU-second ${(a.perCpuSecond / b.perCpuSecond).toFixed(1)}x)` : '-';
    for (const r of [g, gn, gnThreads]) {
      if (!r) continue;
      const how = r.threads === 1 ? 'one episode at a time' : `${r.threads} episodes at a time on worker threads`;
      log(`  ${r.path} (${r.threads} thread${r.threads === 1 ? '' : 's'}): forward+backward, ${how}, BPTT slices of ${args.gradTruncation || args.steps} steps, tape ${r.tapeMB!.toFixed(0)} MB; fused forward / ${r.path} = ${ratio(f, r)}, tfjs forward / ${r.path} = ${ratio(t, r)}`);
    }
    if (g && gn) log(`  grad-native / grad = ${ratio(gn, g)}`);
    if (gn && gnThreads) log(`  grad-native ${gnThreads.threads} threads / 1 thread = ${ratio(gnThreads, gn)}`);
  }
  const w1 = results.find((r) => r.workload === 'W1' && r.path === 'fused');
  if (w1 && !args.json) {
    for (const r of results.filter((x) => x.path === 'fused' && x.workload !== 'W1' && x.backend === w1.backend))
      log(`${r.workload} fused rate / W1 fused rate = ${(r.cellTicksPerSec / w1.cellTicksPerSec).toFixed(2)}`);
  }
  if (args.learners) {
    const rows: LearnerMeasurement[] = [];
    for (const cfg of BENCH_LEARNERS) {
      process.stderr.write(`  measuring ${cfg.type}...\n`);
      rows.push(measureLearner(cfg, args.steps, args.seconds));
    }
    if (args.tfjs) rows.push(await measureTfjsMetaRnnCore(args.tfjsBackend, args.steps, args.seconds));
    const vsmlSteps = (r: Measurement): number => r.cellTicksPerSec / (784 * 10 * MICRO);
    for (const r of results.filter((x) => x.workload === 'W1' && x.path !== 'grad'))
      rows.unshift({ learner: `vsml (W1, ${r.threads} threads)`, params: 0, backend: r.backend, stepsPerSec: vsmlSteps(r), perCpuSecond: r.perCpuSecond / (784 * 10 * MICRO) });
    const macsPerCpuSec = (r: LearnerMeasurement): number | undefined => (r.multiplyAdds ? r.multiplyAdds * r.perCpuSecond : undefined);
    if (args.json) for (const r of rows) console.log(JSON.stringify({ learner: r.learner, backend: r.backend, params: r.params, stepsPerSec: Math.round(r.stepsPerSec), stepsPerCpuSec: Math.round(r.perCpuSecond), multiplyAddsPerCpuSec: macsPerCpuSec(r) && Math.round(macsPerCpuSec(r)!) }));
    log('');
    log('Meta-learners: inner steps/s of batch-1 online episodes, 784 inputs, 10 classes (reference sizes), one thread unless said;');
    log('  multiply-adds/CPU-s: the float64 learners\' rate in the unit `vsml check` prices them in (config/speed.ts assumes one per learner)');
    log('  learner                          backend         params   steps/s  steps/CPU-s  multiply-adds/CPU-s');
    for (const r of rows) log(`  ${r.learner.padEnd(32)} ${r.backend.padEnd(14)} ${(r.params ? String(r.params) : '-').padStart(7)}  ${r.stepsPerSec.toFixed(0).padStart(8)}  ${r.perCpuSecond.toFixed(0).padStart(11)}  ${(macsPerCpuSec(r) ? fmtM(macsPerCpuSec(r)!) : '-').padStart(19)}`);
  }
  log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
