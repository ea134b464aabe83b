import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigText } from '../../../src/engine/config/load-config';
import { DEFAULT_SPEED, DEFAULT_SPEEDS, costHint, formatDuration, measuredSpeed, median, si } from '../../../src/extension/diagnostics/cost-hint';

const text = JSON.stringify({
  name: 'c', training: { dataset: 'mnist', episode_length: 100, iterations: 200, population_size: 16 },
  evaluation: { datasets: ['mnist'], episode_length: 200, frequency: 50 }, data: { preprocess: { resize: [7, 7] } },
  model: { sub_rnn: { msg_size: 8, slow_size: 16 }, vsml_rnn: { num_micro_ticks: 2 } },
});

describe('cost hint', () => {
  const r = validateConfigText(text, 'c.vsml.json');
  assert.ok(r.ok);
  const cfg = r.config;

  it('formats numbers and durations', () => {
    assert.equal(si(313600), '314 k');
    assert.equal(si(3.136e6), '3.14 M');
    assert.equal(formatDuration(0.0004), '1 ms');
    assert.equal(formatDuration(12.3), '12 s');
    assert.equal(formatDuration(600), '10 min');
    assert.equal(formatDuration(3 * 86400), '3.0 days');
    assert.equal(formatDuration(150 * 86400), '0.4 years');
    assert.equal(formatDuration(1e12), '3.2e+4 years');
    assert.equal(median([3, 1, 2, NaN]), 2);
    assert.equal(median([]), undefined);
  });

  it('counts cell-ticks per meta-step: 49x10 cells x 2 ticks x 100 steps x 32 rollouts', () => {
    const h = costHint(cfg, DEFAULT_SPEED);
    assert.ok(h);
    const perStep = 49 * 10 * 2 * 100 * 32; // 3,136,000
    assert.match(h.title, /^≈ 3\.14 M cell-ticks per meta-step/);
    assert.match(h.title, / for 200 steps \(assumed 5 M cell-ticks\/s: no run measured yet\)$/);
    assert.match(h.tooltip, /speed: 5\.00 M cell-ticks\/s, assumed 5 M cell-ticks\/s: no run measured yet/);
    assert.match(h.tooltip, /network 49 → 10/);
    // 3.136e6 / 50e6 = 63 ms per step
    assert.match(h.title, new RegExp(`~${Math.round((perStep / DEFAULT_SPEED.perSecond) * 1000)} ms/step`));
  });

  it('measures speed from a run: cost per step of its config over the median step time', () => {
    const speed = measuredSpeed({ ...JSON.parse(text), source: 'c.vsml.json' }, [9, 0.5, 0.5, 0.6], 'c-run', 'fused/native-avx2, 2 thread(s)');
    assert.ok(speed);
    assert.equal(speed.measured, true);
    assert.equal(speed.perSecond, 3_136_000 / 0.55);
    assert.equal(speed.origin, 'measured by run c-run on this machine');
    assert.match(speed.source, /^measured by run c-run on this machine \(fused\/native-avx2, 2 thread\(s\)\): 3\.14 M cell-ticks per step in a median 0\.550 s over 4 steps$/);
    const h = costHint(cfg, speed);
    assert.ok(h);
    assert.match(h.title, /~550 ms\/step, ~2 min for 200 steps \(measured by run c-run on this machine\)$/);
  });

  it('ignores runs too small to measure (overhead-dominated steps)', () => {
    const tiny = { ...JSON.parse(text), training: { ...JSON.parse(text).training, population_size: 1, episode_length: 10 } };
    assert.equal(measuredSpeed(tiny, [0.01, 0.01], 'tiny'), undefined); // 49*10*2*10*2 = 19,600 cell-ticks per step
  });

  it('has no speed without step times or with an invalid config', () => {
    assert.equal(measuredSpeed(JSON.parse(text), [], 'r'), undefined);
    assert.equal(measuredSpeed({ training: { iterations: 'x' } }, [1, 1], 'r'), undefined);
  });

  it('names the unit of each learner and meta-optimizer, with the speed of that kind of work', () => {
    const metaRnn = validateConfigText(JSON.stringify({ ...JSON.parse(text), model: { type: 'MetaRNN', meta_rnn: { slow_size: 32 } } }), 'm.vsml.json');
    assert.ok(metaRnn.ok);
    const m = costHint(metaRnn.config, DEFAULT_SPEED);
    assert.ok(m);
    // fed input 49 + 20: 69*128 + 2*32*128 + 32*10 = 17,344 multiply-adds x 100 steps x 32 rollouts
    assert.match(m.title, /^≈ 55\.5 M multiply-adds per meta-step · .* \(assumed 350 M multiply-adds\/s: no MetaRNN run measured yet\)$/);
    assert.match(m.tooltip, /network MetaRNN 49 inputs → 10 outputs \(H 32, 2 micro ticks\): 17\.3 k multiply-adds per inner step/);
    const bp = validateConfigText(JSON.stringify({ ...JSON.parse(text), optimizer: { type: 'backprop', meta_batch_size: 2 } }), 'b.vsml.json');
    assert.ok(bp.ok);
    const b = costHint(bp.config, (kind) => DEFAULT_SPEEDS[kind]);
    assert.ok(b);
    assert.match(b.title, /^≈ 196 k cell-ticks forward\+backward per meta-step · ~196 ms\/step/);
    assert.match(b.title, /\(meta-steps assumed 1 M cell-ticks\/s forward\+backward: no backprop run measured yet; evaluations assumed 5 M cell-ticks\/s: no run measured yet\)$/);
    assert.match(b.tooltip, /evaluation speed: 5\.00 M cell-ticks\/s/);
  });
});
