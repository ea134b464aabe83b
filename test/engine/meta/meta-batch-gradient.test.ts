import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../../../src/engine/errors';
import { metaBatchGradient } from '../../../src/engine/meta/meta-batch-gradient';
import { EpisodeGradient } from '../../../src/engine/model/episode-gradient';
import { Rng } from '../../../src/engine/random';
import { StopRequested } from '../../../src/engine/stop';

const D = 7;

/** Episode k's gradient: values of very different magnitudes, so a different summation order changes the float sum. */
function episodeGradient(k: number): EpisodeGradient {
  const rng = new Rng(k, 'meta-batch-test');
  const grad = Float64Array.from({ length: D }, () => rng.normal() * 10 ** Math.floor(rng.uniform() * 12 - 6));
  return { loss: 1 / (k + 3), grad, ce: new Float64Array(2), correct: Uint8Array.from([k % 2, 1]), peakTapeBytes: 100 + k };
}

/** A slot that answers after a delay drawn from the episode and the slot, so later episodes often finish first. */
const delayed = (log: string[] = []) => async (slot: number, k: number): Promise<EpisodeGradient> => {
  log.push(`start ${k} on ${slot}`);
  await sleep(((k * 7 + slot * 3) % 5) * 3);
  log.push(`end ${k}`);
  return episodeGradient(k);
};

test('metaBatchGradient: any slot count gives the bit-identical mean, summed in episode order; draws come in episode order', async () => {
  const K = 9;
  const expected = new Float64Array(D);
  let loss = 0;
  for (let k = 0; k < K; k++) {
    const g = episodeGradient(k);
    for (let i = 0; i < D; i++) expected[i] += g.grad[i] / K;
    loss += g.loss / K;
  }
  for (const slots of [1, 2, 3, 8, 20]) {
    const drawn: number[] = [];
    const log: string[] = [];
    const r = await metaBatchGradient(K, slots, D, (k) => (drawn.push(k), k), delayed(log));
    assert.deepEqual(Array.from(r.grad), Array.from(expected), `${slots} slots`);
    assert.equal(r.loss, loss);
    assert.equal(r.correct, 4 + 9);
    assert.equal(r.peakTapeBytes, 108);
    assert.deepEqual(drawn, Array.from({ length: K }, (_, k) => k));
    // never more episodes at once than slots, and every slot that exists is used
    let live = 0;
    let most = 0;
    for (const line of log) {
      live += line.startsWith('start') ? 1 : -1;
      most = Math.max(most, live);
    }
    assert.equal(most, Math.min(slots, K), `${slots} slots: at most ${most} episodes ran at once`);
  }
  // A different order of the same additions gives a different float sum: the test above can see order.
  const reversed = new Float64Array(D);
  for (let k = K - 1; k >= 0; k--) for (let i = 0; i < D; i++) reversed[i] += episodeGradient(k).grad[i] / K;
  assert.notDeepEqual(Array.from(reversed), Array.from(expected));
});

test('metaBatchGradient: a stop between episodes starts nothing more, waits for the running ones, and throws StopRequested', async () => {
  for (const slots of [1, 3]) {
    const ac = new AbortController();
    const log: string[] = [];
    const drawn: number[] = [];
    const draw = (k: number): number => {
      drawn.push(k);
      if (k === 2) ac.abort(); // asked to stop while episode 2 is being started
      return k;
    };
    await assert.rejects(metaBatchGradient(8, slots, D, draw, delayed(log), ac.signal), StopRequested);
    assert.ok(drawn.length < 8 && drawn.length <= 3 + slots, `${slots} slots: drew ${drawn}`);
    const started = log.filter((l) => l.startsWith('start')).length;
    assert.equal(log.filter((l) => l.startsWith('end')).length, started, `${slots} slots: every started episode finished before the throw`);
  }
});

test('metaBatchGradient: a failing episode rejects with its own error (the earliest when several fail) after the running ones settle', async () => {
  const log: string[] = [];
  const failing = async (slot: number, k: number): Promise<EpisodeGradient> => {
    if (k === 3 || k === 4) {
      await sleep(k === 3 ? 20 : 1); // episode 4 fails first in time; 3 is reported
      throw new EngineError('optimizer.truncation', `episode ${k} could not allocate its tape`, 'use a shorter truncation');
    }
    return delayed(log)(slot, k);
  };
  await assert.rejects(metaBatchGradient(10, 3, D, (k) => k, failing),
    (e: unknown) => e instanceof EngineError && e.path === 'optimizer.truncation' && /episode 3/.test(e.message));
  const started = log.filter((l) => l.startsWith('start')).length;
  assert.equal(log.filter((l) => l.startsWith('end')).length, started, 'no episode left running');
  // A synchronous slot that throws (this thread) and a draw that throws reject the same way.
  await assert.rejects(metaBatchGradient(3, 1, D, (k) => k, (_s, k) => {
    if (k === 1) throw new EngineError('optimizer.truncation', 'sync', 'x');
    return episodeGradient(k);
  }), /sync/);
  await assert.rejects(metaBatchGradient(3, 2, D, (k) => {
    if (k === 2) throw new EngineError('training.episode_length', 'bad draw', 'x');
    return k;
  }, delayed()), /bad draw/);
});
