/**
 * `npm run bench`, the meta-learner rows (issue 14): inner steps per second of each learner on
 * MNIST-sized online episodes (784 inputs, 10 classes, batch 1), beside VSML's W1 in the same unit
 * (W1's cell-ticks/s over its 784·10·2 cell-ticks per inner step). The baselines run as plain
 * float64 loops (src/engine/learners/) on the calling thread; the `tfjs` row times only the
 * Meta RNN's two LSTM matrix products per step in TensorFlow.js (no read-out, no error), a lower
 * bound on a tfjs Meta RNN's step, to show whether tfjs would pay for batch-1 online episodes.
 */
import { baselineEpisode } from '../src/engine/learners/baseline-episode';
import { BaselineLearnerConfig } from '../src/engine/learners/learner-config';
import { learnerInitParams, learnerLayout } from '../src/engine/learners/learner-layout';
import { multiplyAddsPerInnerStep } from '../src/engine/learners/learner-work';
import { Rng } from '../src/engine/random';
import { selectTfjsBackend, TfjsBackendPreference } from '../src/engine/tfjs/backend';

export interface LearnerMeasurement {
  learner: string;
  params: number;
  backend: string;
  stepsPerSec: number;
  perCpuSecond: number;
  /** Multiply-adds of one inner step (learner-work.ts), for the float64 learners: x perCpuSecond = the rate `vsml check` prices them at. */
  multiplyAdds?: number;
}

const A = 784;
const C = 10;

/** The reference's default sizes (configs/default.yaml model.meta_rnn, hebbian_fw, fw_memory). */
export const BENCH_LEARNERS: BaselineLearnerConfig[] = [
  { type: 'metarnn', inputSize: A, numClasses: C, slowSize: 128, numMicroTicks: 2, tanhBound: 100, batchSize: 1 },
  { type: 'hebbian', inputSize: A, numClasses: C, useOja: true, tanhBound: 100, batchSize: 1 },
  { type: 'fwm', inputSize: A, numClasses: C, slowSize: 32, memorySize: 16, tanhBound: 100, batchSize: 1 },
];

function timeIt(seconds: number, once: () => number): { steps: number; elapsed: number; cpuSeconds: number } {
  once();
  let steps = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  do {
    steps += once();
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < seconds);
  const cpu = process.cpuUsage(cpu0);
  return { steps, elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Inner steps/s of one learner's batch-1 episodes of `steps` steps, for at least `seconds`. */
export function measureLearner(cfg: BaselineLearnerConfig, steps: number, seconds: number): LearnerMeasurement {
  const rng = new Rng(1, cfg.type);
  const theta = learnerInitParams(cfg, rng);
  const episode = { length: steps, inputs: Float64Array.from({ length: steps * A }, () => rng.normal()), labels: Int32Array.from({ length: steps }, () => rng.int(C)) };
  const t = timeIt(seconds, () => (baselineEpisode(cfg, theta, episode), steps));
  return { learner: cfg.type, params: learnerLayout(cfg).size, backend: 'js-float64', stepsPerSec: t.steps / t.elapsed, perCpuSecond: t.steps / t.cpuSeconds, multiplyAdds: multiplyAddsPerInnerStep(cfg) };
}

/** The Meta RNN's LSTM products ([1, A + 2C + H] · [A + 2C + H, 4H], twice per step) in TensorFlow.js. */
export async function measureTfjsMetaRnnCore(pref: TfjsBackendPreference, steps: number, seconds: number): Promise<LearnerMeasurement> {
  const { tf, backend } = await selectTfjsBackend(pref, 1);
  const H = 128;
  const I = A + 2 * C + H;
  const W = tf.randomNormal([I, 4 * H], 0, 0.03);
  const once = (): number => {
    let h = tf.zeros([1, H]);
    for (let s = 0; s < steps; s++) {
      const next = tf.tidy(() => {
        let hh = h;
        const x = tf.randomNormal([1, A + 2 * C]);
        for (let k = 0; k < 2; k++) {
          const z = tf.matMul(tf.concat([x, hh], 1), W);
          hh = tf.tanh(tf.slice(z, [0, 0], [1, H]));
        }
        return hh;
      });
      h.dispose();
      h = next;
    }
    h.dataSync();
    h.dispose();
    return steps;
  };
  const t = timeIt(seconds, once);
  W.dispose();
  return { learner: 'metarnn (LSTM products only)', params: I * 4 * H, backend: `tfjs-${backend}`, stepsPerSec: t.steps / t.elapsed, perCpuSecond: t.steps / t.cpuSeconds };
}
