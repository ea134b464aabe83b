import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../../src/engine/errors';
import { Rng } from '../../../src/engine/random';
import { encodeIdx } from '../../../src/engine/data/idx';
import { DEFAULT_PREPROCESS } from '../../../src/engine/data/preprocess';
import { SHARED_DATA } from '../../helpers/paths';
import { episodeSampler, mixDatasets, openDataset, sampleEpisode } from '../../../src/engine/data/episodes';

const pre7 = { ...DEFAULT_PREPROCESS, resize: [7, 7] };

/** A folder where each image's pixels encode its index, so examples can be traced back. */
function tracedFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-ep-'));
  for (const [split, n, base] of [['train', 30, 0], ['t10k', 20, 100]] as const) {
    const img = new Uint8Array(n * 4);
    const lab = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      img.fill(base + i, i * 4, i * 4 + 4);
      lab[i] = i % 5;
    }
    writeFileSync(join(dir, `${split}-images-idx3-ubyte`), encodeIdx([n, 2, 2], img));
    writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), encodeIdx([n], lab));
  }
  return dir;
}

test('episodes are [T, batch, A_0] / [T, batch], deterministic for a seed', () => {
  const ds = openDataset('mnist', { preprocess: pre7 });
  assert.equal(ds.inputSize, 49);
  assert.equal(ds.numClasses, 10);
  const a = sampleEpisode(ds, 'train', 20, 3, new Rng(7, 'e'));
  const b = sampleEpisode(ds, 'train', 20, 3, new Rng(7, 'e'));
  const c = sampleEpisode(ds, 'train', 20, 3, new Rng(8, 'e'));
  assert.equal(a.length, 20);
  assert.equal(a.inputs.length, 20 * 3 * 49);
  assert.equal(a.labels.length, 60);
  assert.deepEqual(a.inputs, b.inputs);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.labels, c.labels);
  const viaSampler = episodeSampler(ds, 'train')(new Rng(7, 'e'), 20, 3);
  assert.deepEqual(viaSampler.labels, a.labels);
});

test('train and test episodes never share an example; labels stay with their images', () => {
  const ds = openDataset(`idx:${tracedFolder()}`, { preprocess: { ...DEFAULT_PREPROCESS, normalizationMode: 'identity' } });
  const ids = (split: 'train' | 'test') => {
    const ep = sampleEpisode(ds, split, 200, 1, new Rng(1, split));
    const seen = new Set<number>();
    for (let t = 0; t < 200; t++) {
      const id = Math.round(ep.inputs[t * 4] * 255);
      assert.equal(ep.labels[t], (id % 100) % 5);
      seen.add(id);
    }
    return seen;
  };
  const tr = ids('train');
  const te = ids('test');
  for (const id of tr) assert.ok(id < 30);
  for (const id of te) assert.ok(id >= 100 && id < 120);
  // uniform draws with replacement cover most of a small split
  assert.ok(tr.size >= 25 && te.size >= 18);
});

test('filter_classes keeps and relabels classes in the given order', () => {
  const ds = openDataset(`idx:${tracedFolder()}`, { preprocess: { ...DEFAULT_PREPROCESS, normalizationMode: 'identity' }, filterClasses: [3, 1] });
  assert.equal(ds.numClasses, 2);
  assert.equal(ds.size('train'), 12);
  const ep = sampleEpisode(ds, 'train', 100, 1, new Rng(2));
  for (let t = 0; t < 100; t++) {
    const orig = Math.round(ep.inputs[t * 4] * 255) % 5;
    assert.equal(ep.labels[t], orig === 3 ? 0 : 1);
  }
  assert.throws(() => openDataset(`idx:${tracedFolder()}`, { filterClasses: [7] }), (e: unknown) => e instanceof EngineError && e.path === 'data.filter_classes[0]');
});

test('more classes than model outputs is an error with a fix', () => {
  assert.throws(() => openDataset('mnist', { numOutputs: 5 }), /10 classes but the model has 5 outputs/);
  assert.equal(openDataset('mnist', { numOutputs: 5, filterClasses: [0, 1, 2, 3, 4] }).numClasses, 5);
});

test('random: a fresh memorization table per episode; same input, same label', () => {
  const ds = openDataset('random', { preprocess: pre7, randomDataset: { size: 5, targetCount: 4, imgSize: [28, 28, 1] } });
  assert.equal(ds.numClasses, 4);
  assert.equal(ds.inputSize, 49);
  const ep = sampleEpisode(ds, 'train', 60, 1, new Rng(3));
  const table = new Map<string, number>();
  for (let t = 0; t < 60; t++) {
    const key = Array.from(ep.inputs.subarray(t * 49, t * 49 + 3)).join(',');
    if (table.has(key)) assert.equal(table.get(key), ep.labels[t]);
    table.set(key, ep.labels[t]);
  }
  assert.ok(table.size <= 5 && table.size >= 3);
  const other = sampleEpisode(ds, 'train', 60, 1, new Rng(4));
  assert.notEqual(other.inputs[0], ep.inputs[0]);
});

test('random with table fixed (the reference\'s task): every episode of a split draws from one table, seeded; the splits differ', () => {
  const opts = { preprocess: { ...pre7, seed: 11 }, randomDataset: { size: 5, targetCount: 4, imgSize: [28, 28, 1], table: 'fixed' as const } };
  const rows = (ep: { inputs: Float32Array | Float64Array }, T: number) => new Set(Array.from({ length: T }, (_, t) => Array.from(ep.inputs.subarray(t * 49, t * 49 + 3)).join(',')));
  const ds = openDataset('random', opts);
  const a = rows(sampleEpisode(ds, 'train', 80, 1, new Rng(3)), 80);
  const b = rows(sampleEpisode(ds, 'train', 80, 1, new Rng(4)), 80);
  assert.ok(a.size <= 5);
  assert.deepEqual([...b].filter((r) => !a.has(r)), [], 'another episode draws from the same table');
  const again = rows(sampleEpisode(openDataset('random', opts), 'train', 80, 1, new Rng(5)), 80);
  assert.deepEqual([...again].filter((r) => !a.has(r)), [], 'the same seed gives the same table after a restart');
  const test = rows(sampleEpisode(ds, 'test', 80, 1, new Rng(3)), 80);
  assert.equal([...test].filter((r) => a.has(r)).length, 0, 'the held-out split has its own table');
  const otherSeed = rows(sampleEpisode(openDataset('random', { ...opts, preprocess: { ...pre7, seed: 12 } }), 'train', 80, 1, new Rng(3)), 80);
  assert.equal([...otherSeed].filter((r) => a.has(r)).length, 0);
});

test('sum: label is whether the image sums to >= 0', () => {
  const ds = openDataset('sum', { sumDataset: { inputSize: [4, 4] } });
  assert.equal(ds.numClasses, 2);
  const ep = sampleEpisode(ds, 'test', 200, 2, new Rng(5));
  let pos = 0;
  for (let k = 0; k < 400; k++) {
    let s = 0;
    for (let i = 0; i < 16; i++) s += ep.inputs[k * 16 + i];
    assert.equal(ep.labels[k], s >= 0 ? 1 : 0);
    pos += ep.labels[k];
  }
  assert.ok(pos > 120 && pos < 280);
});

test('a mixture draws whole episodes from each component', () => {
  const a = openDataset('mnist', { preprocess: pre7 });
  const b = openDataset('random', { preprocess: pre7, randomDataset: { size: 3, targetCount: 10, imgSize: [28, 28] } });
  const mix = mixDatasets([a, b]);
  assert.equal(mix.inputSize, 49);
  let fromRandom = 0;
  for (let i = 0; i < 20; i++) {
    const ep = sampleEpisode(mix, 'train', 30, 1, new Rng(9, i));
    const distinct = new Set<number>();
    for (let t = 0; t < 30; t++) distinct.add(ep.inputs[t * 49 + 24]);
    if (distinct.size <= 3) fromRandom++;
  }
  assert.ok(fromRandom > 3 && fromRandom < 17, `${fromRandom} of 20 episodes from random`);
  assert.equal(mix.mixedShapes, false);
  assert.equal(sampleEpisode(mix, 'train', 3, 1, new Rng(1)).shape, undefined, 'one size: no per-episode shape');
});

test('a mixture of sizes: each episode keeps its dataset\'s input size and classes, marked on the episode', () => {
  const a = openDataset('mnist', { preprocess: pre7 });
  const s = openDataset('sum', { sumDataset: { inputSize: [4, 4] } }); // 16 inputs, 2 classes
  const mix = mixDatasets([a, s], [1, 1]);
  assert.equal(mix.mixedShapes, true);
  assert.equal(mix.numClasses, 10);
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const ep = sampleEpisode(mix, 'train', 4, 2, new Rng(4, i));
    assert.ok(ep.shape);
    seen.add(`${ep.shape.inputSize}x${ep.shape.numClasses}`);
    assert.equal(ep.inputs.length, 4 * 2 * ep.shape.inputSize);
    assert.ok(Array.from(ep.labels).every((y) => y < ep.shape!.numClasses));
  }
  assert.deepEqual([...seen].sort(), ['16x2', '49x10']);
  // pad.output fixes the output size of every episode
  const padded = episodeSampler(mix, 'train', 12);
  for (let i = 0; i < 5; i++) assert.equal(padded(new Rng(4, i), 3, 1).shape!.numClasses, 12);
  // the old fill API refuses a component of another size instead of writing past its buffer
  const buf = new Float32Array(49);
  let refused = 0;
  for (let i = 0; i < 10; i++) {
    try {
      mix.fill('train', 1, new Rng(5, i), buf, 0, new Int32Array(1), 0);
    } catch (e) {
      assert.match((e as Error).message, /sum has 16 inputs, not the mixture's 49/);
      refused++;
    }
  }
  assert.ok(refused > 0 && refused < 10);
});

test('preprocessed splits are cached: the second open does not decode again', () => {
  const opts = { preprocess: { ...pre7, seed: 123 } };
  const t0 = process.hrtime.bigint();
  sampleEpisode(openDataset(`idx:${join(SHARED_DATA, 'mnist-t10k')}`, opts), 'test', 5, 1, new Rng(1));
  const first = Number(process.hrtime.bigint() - t0) / 1e6;
  const t1 = process.hrtime.bigint();
  sampleEpisode(openDataset(`idx:${join(SHARED_DATA, 'mnist-t10k')}`, opts), 'test', 5, 1, new Rng(1));
  const second = Number(process.hrtime.bigint() - t1) / 1e6;
  assert.ok(second < first / 5 && second < 50, `first ${first.toFixed(1)} ms, second ${second.toFixed(1)} ms`);
});
