import { check } from '../errors';
import { Episode } from '../model/episode';
import { DEFAULT_ADAM, adamInit } from '../optim/adam';
import { Rng } from '../random';
import { MlpShape, checkMlpShape, initMlp, mlpForwardBackward, mlpParamCount, mlpWorkspace } from './mlp';

/**
 * Online SGD/Adam comparators on the same episode stream the VSML network sees: at step t the
 * learner predicts example t (logits, loss, correct are recorded), then takes one gradient step on
 * that example's cross-entropy (mean over the batch when batch > 1), exactly the protocol of the
 * learned algorithm. Adam is optax.adam (b1 0.9, b2 0.999, eps 1e-8), as in the reference.
 */

export type BaselineOptimizer = 'sgd' | 'adam';

export interface BaselineSpec {
  /** 0 = linear model; e.g. 160 as in the reference's configs/sgd.yaml. */
  readonly hiddenSize: number;
  readonly optimizer: BaselineOptimizer;
  readonly lr: number;
  /** tanh bound on the logits; the reference's sgd config uses 100. 0 = off. */
  readonly tanhBound: number;
}

/** Per-step outputs, shaped like the VSML episode result. */
export interface BaselineResult {
  readonly logits: Float64Array; // [T, batch, C]
  readonly ce: Float64Array; // [T, batch]
  readonly correct: Uint8Array; // [T, batch]
}

/**
 * Runs one episode from a fresh network drawn with `rng`. Inputs are [T, batch, inputSize],
 * labels [T, batch] in [0, numClasses).
 */
export function runOnlineBaseline(spec: BaselineSpec, episode: Episode, inputSize: number, numClasses: number, batchSize: number, rng: Rng): BaselineResult {
  const shape: MlpShape = { inputSize, hiddenSize: spec.hiddenSize, numClasses, tanhBound: spec.tanhBound };
  checkMlpShape(shape);
  check(spec.optimizer === 'sgd' || spec.optimizer === 'adam', 'baselines.optimizer', `must be sgd or adam, got ${JSON.stringify(spec.optimizer)}`, 'use sgd or adam');
  check(Number.isFinite(spec.lr) && spec.lr > 0, 'baselines.lr', `must be a positive number, got ${spec.lr}`, 'use e.g. 0.01');
  const T = episode.length;
  check(episode.inputs.length === T * batchSize * inputSize, 'episode.inputs',
    `must be [T=${T}, batch=${batchSize}, D=${inputSize}] (${T * batchSize * inputSize} numbers), got ${episode.inputs.length}`, 'sample episodes with the same input size');
  check(episode.labels.length === T * batchSize, 'episode.labels', `must be [T=${T}, batch=${batchSize}], got ${episode.labels.length}`, 'give one label per example');
  for (let i = 0; i < episode.labels.length; i++) {
    const y = episode.labels[i];
    check(Number.isInteger(y) && y >= 0 && y < numClasses, `episode.labels[${i}]`, `is ${y}, outside [0, ${numClasses})`, `use labels below ${numClasses}`);
  }

  const params = initMlp(shape, rng);
  const grad = new Float64Array(mlpParamCount(shape));
  const ws = mlpWorkspace(shape, batchSize);
  const adam = spec.optimizer === 'adam' ? adamInit(params.length) : null;
  const C = numClasses;
  const logits = new Float64Array(T * batchSize * C);
  const ce = new Float64Array(T * batchSize);
  const correct = new Uint8Array(T * batchSize);
  const stepLogits = new Float64Array(batchSize * C); // [batch, C]
  const stepCe = new Float64Array(batchSize);
  for (let t = 0; t < T; t++) {
    // Predict first (recorded), then learn from the label: one forward serves both.
    mlpForwardBackward(shape, params, episode.inputs, t * batchSize * inputSize, episode.labels, t * batchSize, batchSize, stepLogits, stepCe, grad, ws);
    logits.set(stepLogits, t * batchSize * C);
    for (let b = 0; b < batchSize; b++) {
      const o = b * C;
      let arg = 0;
      for (let c = 1; c < C; c++) if (stepLogits[o + c] > stepLogits[o + arg]) arg = c;
      ce[t * batchSize + b] = stepCe[b];
      correct[t * batchSize + b] = arg === episode.labels[t * batchSize + b] ? 1 : 0;
    }
    if (adam) adamUpdate(params, grad, adam.mu, adam.nu, ++adam.count, spec.lr);
    else sgdUpdate(params, grad, spec.lr);
  }
  return { logits, ce, correct };
}

function sgdUpdate(params: Float64Array, grad: Float64Array, lr: number): void {
  for (let i = 0; i < params.length; i++) params[i] -= lr * grad[i];
}

/**
 * optax.adam (the same math as optim/adam.ts `adamStep` without clipping), with every constant in
 * a local: the MLP has ~10^5 parameters and this runs once per inner step, where the shared
 * version's per-element property loads made it several times slower. Tested equal to adamStep.
 */
export function adamUpdate(theta: Float64Array, grad: Float64Array, mu: Float64Array, nu: Float64Array, count: number, lr: number): void {
  const { b1, b2, eps } = DEFAULT_ADAM;
  const c1 = 1 - b1 ** count;
  const c2 = 1 - b2 ** count;
  for (let i = 0; i < theta.length; i++) {
    const g = grad[i];
    const m = b1 * mu[i] + (1 - b1) * g;
    const v = b2 * nu[i] + (1 - b2) * g * g;
    mu[i] = m;
    nu[i] = v;
    theta[i] -= (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
  }
}
