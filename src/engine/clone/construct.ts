import { check } from '../errors';
import { VsmlModelConfig } from '../model/config';
import { paramLayout } from '../model/param-layout';
import { CellRule } from './teacher';

/**
 * A hand-built V_M that approximately implements the teacher's cell rule (teacher.ts), the
 * starting point of cloning (`clone.init: "construct"`); gradient descent on the cloning loss then
 * removes what the approximations leave. It uses 7 of the N channels, both param sets and the
 * two micro ticks; the other channels start inert (c = 0, so h = 0).
 *
 * An LSTM multiplies only through its gates, so every product is a difference of two gated
 * channels: σ(αx) tanh(c) − σ(−αx) tanh(c) = tanh(αx/2) tanh(c). With α = 2 that is exactly
 * tanh(x)·tanh(c) (the deep teacher's tanh); with a small α it is ≈ (α/2)·x·tanh(c), scaled back
 * by the output weights. The remaining error: tanh of the stored weight (small weights read
 * almost linearly), the small-α and first-order-in-e approximations, which grow with |x| and |e|.
 *
 * Channels: W = the weight channel (c = u); D, E, D2, E2 = copies of u read out by x-gated
 * output gates (forward tick) or (e, x)-gated ones (reverse tick: the backward message
 * G·u·f'(x)·e); A, B = the products f(x)·e, written in the reverse tick's first micro tick and
 * added to W in its second.
 */
export function constructCloneTheta(cfg: VsmlModelConfig, rule: CellRule, weightChannel: number): Float64Array {
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  check(N >= 7, 'model.sub_rnn.slow_size', `is ${N}; the constructed clone needs 7 state channels`, 'use slow_size >= 7, or clone.init "meta_init"');
  check(cfg.numMicroTicks >= 2, 'model.vsml_rnn.num_micro_ticks', `is ${cfg.numMicroTicks}; the constructed clone writes the product in one micro tick and adds it in the next`, 'use 2 or more, or clone.init "meta_init"');
  check(cfg.backwardPass && cfg.layerParamIndex[0] !== cfg.backwardLayerParamIndex[0], 'model.vsml_rnn.separate_backward_rnn', 'must be true (with backward_pass) for the constructed clone', 'set both to true');
  check(rule.activation === 'identity' || rule.activation === 'tanh', 'clone.activation', `is "${rule.activation}"; the constructed clone implements tanh`, 'use "tanh", or clone.init "meta_init"');
  const layout = paramLayout(cfg);
  const theta = new Float64Array(layout.size);
  const others = Array.from({ length: N }, (_, n) => n).filter((n) => n !== weightChannel);
  const [W, D, E, D2, E2, A, B] = [weightChannel, ...others.slice(0, 6)];
  const copies = [D, E, D2, E2];
  const S = 30; // saturates a gate: σ(±S) = 1 or 0
  const tanhAct = rule.activation === 'tanh';
  const G = rule.gain;
  // Readout of the weight: h_W = σ(0) tanh(u) = tanh(u)/2; copies c = tanh(ω h_W) ≈ (ω/2) u.
  const omega = 0.5;
  const copy = Math.tanh(omega * 0.5); // slope of the copy in u, averaged over small u (≈ 0.245)
  // Forward: σ(αx) − σ(−αx) = tanh(αx/2); α = 2 gives tanh(x) itself, a small α stays linear in x.
  const alpha = tanhAct ? 2 : 0.3;
  const xGain = tanhAct ? 1 : alpha / 2; // tanh(αx/2) ≈ xGain · f(x)
  // Reverse, backward message: Σ over the four copies of ±σ(±ηe ± ρx) ≈ 4η σ'(ρx) e, and
  // 4σ'(2x) = 1 − tanh²(x) = tanh'(x), 4σ'(0) = 1: so ρ = 2 for tanh, 0 for the linear teacher.
  const eta = 0.2;
  const rho = tanhAct ? 2 : 0;
  // Reverse, weight update: c_A − c_B = (σ(αx) − σ(−αx)) tanh(γe) ≈ xGain f(x) γ e.
  const gamma = 0.1;
  for (const [set, reverse] of [[cfg.layerParamIndex[0], false], [cfg.backwardLayerParamIndex[0], true]] as const) {
    const w0 = layout.offset(set, 'lstm_w');
    const b0 = layout.offset(set, 'lstm_b');
    const gate = { i: 0, g: 1, f: 2, o: 3 };
    // gate k ∈ {i, g, f, o}; the cell adds −5 to i and +5 to f, taken out here.
    const bias = (k: number, n: number, v: number): void => void (theta[b0 + k * N + n] = v - (k === gate.i ? -5 : k === gate.f ? 5 : 0));
    const wFwd = (k: number, n: number, v: number): void => void (theta[w0 + 0 * 4 * N + k * N + n] = v); // from x (fwd ch 0)
    const wBwd = (k: number, n: number, v: number): void => void (theta[w0 + M * 4 * N + k * N + n] = v); // from e (bwd ch 0)
    const wH = (k: number, n: number, from: number, v: number): void => void (theta[w0 + (2 * M + from) * 4 * N + k * N + n] = v);
    // Inert channels: forget and input gates closed, c stays 0.
    for (let n = 0; n < N; n++) {
      bias(gate.i, n, -S);
      bias(gate.f, n, -S);
    }
    // W keeps c (f = 1) and is written only in the reverse tick: g = tanh(ψ (h_A − h_B)).
    bias(gate.f, W, S);
    bias(gate.o, W, 0);
    if (!reverse) {
      // Fresh copies of u every micro tick (f = 0, i = 1, g = tanh(ω h_W)); D, E read out through σ(±αx).
      for (const n of copies) {
        bias(gate.i, n, S);
        wH(gate.g, n, W, omega);
      }
      wFwd(gate.o, D, alpha);
      wFwd(gate.o, E, -alpha);
      // A, B stay 0 in the forward tick, so the reverse tick's first micro tick adds nothing to W.
    } else {
      bias(gate.i, W, S);
      const psi = -rule.lr / (xGain * gamma); // Δu = ψ (h_A − h_B) ≈ ψ xGain f(x) γ e = −λ f(x) e
      wH(gate.g, W, A, psi);
      wH(gate.g, W, B, -psi);
      // The copies keep the forward tick's value (the weight BEFORE its step) and are read out through σ(±ηe ± ρx).
      for (const [n, se, sx] of [[D, 1, 1], [E, -1, 1], [D2, 1, -1], [E2, -1, -1]] as const) {
        bias(gate.f, n, S);
        wBwd(gate.o, n, se * eta);
        wFwd(gate.o, n, sx * rho);
      }
      // A, B: c = σ(±αx) tanh(γe), rewritten each micro tick (f = 0), read out with o = 1.
      for (const [n, sign] of [[A, 1], [B, -1]] as const) {
        bias(gate.i, n, 0);
        wFwd(gate.i, n, sign * alpha);
        wBwd(gate.g, n, gamma);
        bias(gate.o, n, S);
      }
    }
    // Output projections, channel 0 only (the other channels reach the next layer and stay 0).
    const fw = layout.offset(set, 'fwd_w');
    const bw = layout.offset(set, 'bwd_w');
    // forward: k (h_D − h_E) = k tanh(c_D) tanh(αx/2) ≈ k copy u xGain f(x) = G u f(x)
    const kF = G / (copy * xGain);
    theta[fw + D * M] = kF;
    theta[fw + E * M] = -kF;
    if (reverse) {
      // backward: k (h_D − h_E + h_D2 − h_E2) ≈ k copy u η f'(x) e = G u f'(x) e
      const kB = G / (copy * eta);
      for (const [n, sign] of [[D, 1], [E, -1], [D2, 1], [E2, -1]] as const) theta[bw + n * M] = sign * kB;
    }
  }
  return theta;
}
