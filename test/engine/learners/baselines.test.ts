import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import { FwmConfig, HebbianConfig, MetaRnnConfig } from '../../../src/engine/learners/learner-config';
import { learnerInitParams, learnerLayout } from '../../../src/engine/learners/learner-layout';
import { metaRnnEpisode } from '../../../src/engine/learners/meta-rnn';
import { hebbianEpisode } from '../../../src/engine/learners/hebbian';
import { fwmEpisode } from '../../../src/engine/learners/fwm';
import { baselineEpisode } from '../../../src/engine/learners/baseline-episode';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);
const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const ep = (inputs: number[], labels: number[]) => ({ length: labels.length, inputs: Float64Array.from(inputs), labels: Int32Array.from(labels) });

test('Meta RNN, worked by hand: input drives the cell gate; the next step reads the error and the previous label', () => {
  // A = 1, C = 2, H = 1, one micro tick, no bound. LSTM rows: x, err0, err1, lab0, lab1, h; columns i, g, f, o.
  const cfg: MetaRnnConfig = { type: 'metarnn', inputSize: 1, numClasses: 2, slowSize: 1, numMicroTicks: 1, tanhBound: 0, batchSize: 1 };
  const L = learnerLayout(cfg);
  const th = new Float64Array(L.size);
  const W = (row: number, gate: number, v: number) => (th[L.slot('lstm_w').offset + row * 4 + gate] = v);
  W(0, 1, 1); // x -> g
  W(1, 1, 1); // err0 -> g
  W(4, 1, 3); // previous label 1 -> g
  th[L.slot('out_w').offset] = 1; // out_w [1, 2] = [1, -1]
  th[L.slot('out_w').offset + 1] = -1;
  const r = metaRnnEpisode(cfg, th, ep([2, 0], [1, 0]));
  // Step 1: z = [0, 2, 0, 0]; c = σ(0+1)·0 + σ(0)·tanh 2; h = σ(0)·tanh c; logits [h, -h].
  const c1 = 0.5 * Math.tanh(2);
  const h1 = 0.5 * Math.tanh(c1);
  close(r.logits[0], h1, 'step 1 logit 0');
  close(r.logits[1], -h1, 'step 1 logit 1');
  const p1 = softmax([h1, -h1]);
  close(r.ce[0], -Math.log(p1[1]), 'step 1 CE (label 1)');
  assert.equal(r.correct[0], 0);
  // Step 2: x = 0; g = err0 + 3·[previous label = 1] = p1[0] + 3; c = σ(1)·c1 + σ(0)·tanh g.
  const g2 = p1[0] - 0 + 3;
  const c2 = sig(1) * c1 + 0.5 * Math.tanh(g2);
  const h2 = 0.5 * Math.tanh(c2);
  close(r.logits[2], h2, 'step 2 logit 0');
  assert.equal(r.correct[1], 1);
});

test('Meta RNN micro ticks repeat the LSTM update with the same input', () => {
  const one: MetaRnnConfig = { type: 'metarnn', inputSize: 1, numClasses: 2, slowSize: 1, numMicroTicks: 1, tanhBound: 0, batchSize: 1 };
  const L = learnerLayout(one);
  const th = new Float64Array(L.size);
  th[L.slot('lstm_w').offset + 1] = 1; // x -> g
  th[L.slot('out_w').offset] = 1;
  const r = metaRnnEpisode({ ...one, numMicroTicks: 2 }, th, ep([2], [0]));
  const c1 = 0.5 * Math.tanh(2);
  const c2 = sig(1) * c1 + 0.5 * Math.tanh(2);
  close(r.logits[0], 0.5 * Math.tanh(c2), 'two ticks');
});

/** A = 1, C = 2: the layer input is [x, err0, err1, lab0, lab1]; w row 0 = [1, -1], the rest 0; coeff = 1; η = σ(0) = 0.5. */
function handHebbian(useOja: boolean, episode: ReturnType<typeof ep>) {
  const cfg: HebbianConfig = { type: 'hebbian', inputSize: 1, numClasses: 2, useOja, tanhBound: 0, batchSize: 1 };
  const L = learnerLayout(cfg);
  const th = new Float64Array(L.size);
  th[L.slot('w').offset] = 1;
  th[L.slot('w').offset + 1] = -1;
  th.fill(1, L.slot('coeff').offset, L.slot('coeff').offset + L.slot('coeff').size);
  th[L.slot('fw_lr').offset] = 0;
  return hebbianEpisode(cfg, th, episode);
}

test('Hebbian fast weights with Oja\'s rule, worked by hand over two steps', () => {
  const r = handHebbian(true, ep([2, 1, 1], [1, 0, 0]));
  close(r.logits[0], 2, 'step 1 logit 0');
  close(r.logits[1], -2, 'step 1 logit 1');
  const p = softmax([2, -2]);
  // The update pass sees [2, p0, p1 - 1, 0, 1]; only row 0 of w is non-zero, so y = softmax([2, -2]) = p.
  // Oja from F = 0: F[i][j] = 0.5·y_j·x_i, so F[0] = [p0, p1] and the error rows [0.5·y_j·err].
  close(r.logits[2], 1 + p[0], 'step 2 logit 0');
  close(r.logits[3], -1 + p[1], 'step 2 logit 1');
  // Step 2's update: x = [1, e0, e1, 1, 0], y = softmax(x·(w + F)); F[0][j] += 0.5·y_j·(1 − y_j·F[0][j]).
  const s2 = softmax([1 + p[0], -1 + p[1]]);
  const e = [s2[0] - 1, s2[1]];
  const F = [[p[0], p[1]], [0.5 * p[0] * p[0], 0.5 * p[1] * p[0]], [0.5 * p[0] * (p[1] - 1), 0.5 * p[1] * (p[1] - 1)], [0, 0], [0.5 * p[0], 0.5 * p[1]]];
  const x = [1, e[0], e[1], 1, 0];
  const w = [[1, -1], [0, 0], [0, 0], [0, 0], [0, 0]];
  const out = [0, 1].map((j) => x.reduce((s, xi, i) => s + xi * (w[i][j] + F[i][j]), 0));
  const y = softmax(out);
  const F0 = [0, 1].map((j) => F[0][j] + 0.5 * y[j] * (1 - y[j] * F[0][j]));
  close(r.logits[4], 1 + F0[0], 'step 3 logit 0');
  close(r.logits[5], -1 + F0[1], 'step 3 logit 1');
});

test('plain Hebb decays the fast weights: F = (1 − η)F + η·x·y', () => {
  const r = handHebbian(false, ep([2, 1], [1, 0]));
  const p = softmax([2, -2]);
  close(r.logits[2], 1 + p[0], 'step 2 logit 0 (same as Oja from F = 0)');
});

/** A textbook FWM step on nested arrays, written apart from src/ to check it. */
function fwmByHand(cfg: FwmConfig, th: Float64Array, inputs: number[][], labels: number[]): number[][] {
  const L = learnerLayout(cfg);
  const { inputSize: A, numClasses: C, slowSize: H, memorySize: m } = cfg;
  const mat = (name: string, rows: number, cols: number) => Array.from({ length: rows }, (_, r) => Array.from(th.subarray(L.slot(name).offset + r * cols, L.slot(name).offset + (r + 1) * cols)));
  const vec = (name: string) => Array.from(th.subarray(L.slot(name).offset, L.slot(name).offset + L.slot(name).size));
  const lin = (x: number[], w: number[][], b: number[]) => b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * w[i][j], 0));
  const lstmW = mat('lstm_w', A + 2 * C + H, 4 * H);
  let h = new Array(H).fill(0);
  let c = new Array(H).fill(0);
  let M = Array.from({ length: m }, () => new Array(m * m).fill(0));
  let err = new Array(C).fill(0);
  let prev = new Array(C).fill(0);
  const logits: number[][] = [];
  inputs.forEach((x, t) => {
    const z = lin([...x, ...err, ...prev, ...h], lstmW, vec('lstm_b'));
    c = c.map((cn, n) => sig(z[2 * H + n] + 1) * cn + sig(z[n]) * Math.tanh(z[H + n]));
    h = c.map((cn, n) => sig(z[3 * H + n]) * Math.tanh(cn));
    const wr = lin(h, mat('write_w', H, 3 * m + 1), vec('write_b'));
    const beta = sig(wr[3 * m]);
    const t3 = wr.slice(0, 3 * m).map(Math.tanh);
    const key = t3.slice(0, m).flatMap((a) => t3.slice(m, 2 * m).map((b) => a * b));
    const v = t3.slice(2 * m);
    const vOld = M.map((row) => row.reduce((s, mk, k) => s + mk * key[k], 0));
    M = M.map((row, r) => row.map((mk, k) => mk + beta * (v[r] - vOld[r]) * key[k]));
    const norm = Math.sqrt(M.flat().reduce((s, q) => s + q * q, 0));
    M = M.map((row) => row.map((q) => q / Math.max(1, norm)));
    const rd = lin(h, mat('read_w', H, 2 * m), vec('read_b')).map(Math.tanh);
    const q = rd.slice(0, m).flatMap((a) => rd.slice(m).map((b) => a * b));
    const read = M.map((row) => row.reduce((s, mk, k) => s + mk * q[k], 0));
    const mean = read.reduce((s, a) => s + a, 0) / m;
    const vr = read.reduce((s, a) => s + (a - mean) ** 2, 0) / m;
    const normed = read.map((a) => (a - mean) / Math.sqrt(vr + 1e-5));
    const proj = lin(normed, mat('read_proj_w', m, H), vec('read_proj_b'));
    let out = lin(h.map((hk, k) => hk + proj[k]), mat('out_w', H, C), vec('out_b'));
    if (cfg.tanhBound) out = out.map((o) => Math.tanh(o / cfg.tanhBound) * cfg.tanhBound);
    logits.push(out);
    const p = softmax(out);
    err = p.map((pk, k) => pk - (k === labels[t] ? 1 : 0));
    prev = prev.map((_, k) => (k === labels[t] ? 1 : 0));
  });
  return logits;
}

test('Fast Weight Memory matches a textbook transcription over an episode (delta-rule write, norm cap, layer-normed read)', () => {
  const cfg: FwmConfig = { type: 'fwm', inputSize: 3, numClasses: 2, slowSize: 4, memorySize: 2, tanhBound: 5, batchSize: 1 };
  const rng = new Rng(7, 'fwm');
  const th = learnerInitParams(cfg, rng);
  for (let i = 0; i < th.length; i++) th[i] = th[i] * 4 + 0.5 * rng.normal(); // loud, so the memory saturates its norm
  const T = 8;
  const inputs = Array.from({ length: T }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const labels = Array.from({ length: T }, () => rng.int(2));
  const want = fwmByHand(cfg, th, inputs, labels);
  const got = fwmEpisode(cfg, th, ep(inputs.flat(), labels));
  want.forEach((row, t) => row.forEach((v, k) => close(got.logits[t * 2 + k], v, `step ${t} logit ${k}`, 1e-10)));
});

test('identical batch members get identical outputs (Meta RNN and FWM members run apart; Hebbian members share averaged fast weights)', () => {
  const rng = new Rng(3, 'batch');
  const inputs = Array.from({ length: 6 }, () => rng.normal());
  const labels = [0, 1, 1];
  for (const cfg of [
    { type: 'metarnn', inputSize: 2, numClasses: 2, slowSize: 3, numMicroTicks: 2, tanhBound: 0, batchSize: 2 } as MetaRnnConfig,
    { type: 'fwm', inputSize: 2, numClasses: 2, slowSize: 3, memorySize: 2, tanhBound: 0, batchSize: 2 } as FwmConfig,
    { type: 'hebbian', inputSize: 2, numClasses: 2, useOja: true, tanhBound: 0, batchSize: 2 } as HebbianConfig,
  ]) {
    const th = learnerInitParams(cfg, new Rng(1, cfg.type));
    // Two identical members: same outputs each step.
    const x = [0, 1, 2].flatMap((t) => [inputs[2 * t], inputs[2 * t + 1], inputs[2 * t], inputs[2 * t + 1]]); // [T=3, batch=2, A=2]
    const twin = { length: 3, inputs: Float64Array.from(x), labels: Int32Array.from(labels.flatMap((y) => [y, y])) };
    const r = baselineEpisode(cfg, th, twin);
    for (let t = 0; t < 3; t++) for (let k = 0; k < 2; k++) assert.equal(r.logits[(t * 2) * 2 + k], r.logits[(t * 2 + 1) * 2 + k], `${cfg.type} step ${t}`);
  }
});

test('baselineEpisode names the fix when the data does not fit the learner', () => {
  const cfg: MetaRnnConfig = { type: 'metarnn', inputSize: 4, numClasses: 2, slowSize: 2, numMicroTicks: 1, tanhBound: 0, batchSize: 1 };
  const th = learnerInitParams(cfg, new Rng(1, 'x'));
  assert.throws(() => baselineEpisode(cfg, th, ep([1, 2, 3], [0])), /episode\.inputs.*pad\.input/);
  assert.throws(() => baselineEpisode(cfg, th, ep([1, 2, 3, 4], [5])), /episode\.labels\[0\].*pad\.output/);
  assert.throws(() => baselineEpisode(cfg, th.subarray(1), ep([1, 2, 3, 4], [0])), /theta: must hold/);
});
