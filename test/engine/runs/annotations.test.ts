import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANNOTATIONS_FILE, readRunAnnotations, writeRunAnnotations } from '../../../src/engine/runs/annotations';
import { EngineError } from '../../../src/engine/errors';
import { parseAnnotations, splitTags } from '../../../src/protocol/run-annotations';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-annot-'));

test('annotations round-trip: tags trimmed and deduplicated, written atomically as JSON', async () => {
  const dir = tmp();
  const written = writeRunAnnotations(dir, { notes: 'lr too high?\nsecond line', tags: [' sweep', 'baseline', 'sweep '] });
  assert.deepEqual(written, { notes: 'lr too high?\nsecond line', tags: ['sweep', 'baseline'] });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, ANNOTATIONS_FILE), 'utf8')), written);
  assert.deepEqual(await readRunAnnotations(dir), { annotations: written });
});

test('a run without annotations.json has empty notes and no tags, and no problem', async () => {
  assert.deepEqual(await readRunAnnotations(tmp()), { annotations: { notes: '', tags: [] } });
});

test('bad values are refused with an error naming the file and the field; the old file stays', () => {
  const dir = tmp();
  writeRunAnnotations(dir, { notes: 'keep', tags: ['a'] });
  const file = join(dir, ANNOTATIONS_FILE);
  const cases: [unknown, RegExp][] = [
    [{ notes: 3, tags: [] }, /annotations\.json: notes: expected a string, got 3/],
    [{ notes: '', tags: ['a,b'] }, /annotations\.json: tags\[0\]: expected a tag without commas/],
    [{ notes: '', tags: [''] }, /tags\[0\]: expected a tag of 1 to 40 characters/],
    [{ notes: '', tags: 'a' }, /tags: expected an array/],
    [{ notes: 'x'.repeat(4001) }, /notes: expected at most 4000 characters/],
    [{ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, /tags: expected at most 32 entries/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => writeRunAnnotations(dir, value), (e: unknown) => e instanceof EngineError && message.test(e.message) && e.file === file && /fix:/.test(e.message));
  }
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { notes: 'keep', tags: ['a'] });
});

test('a damaged annotations.json is reported (file named) and read as empty, never thrown', async () => {
  const dir = tmp();
  writeFileSync(join(dir, ANNOTATIONS_FILE), '{"notes": "x", "tags": [1]}');
  const r = await readRunAnnotations(dir);
  assert.deepEqual(r.annotations, { notes: '', tags: [] });
  assert.match(r.problem!, /annotations\.json: annotations\.tags\[0\]: expected a string, got 1/);
  writeFileSync(join(dir, ANNOTATIONS_FILE), 'not json');
  assert.match((await readRunAnnotations(dir)).problem!, /annotations\.json is not JSON/);
});

test('a symlink at annotations.json is neither read nor written through', async () => {
  const dir = tmp();
  const target = join(tmp(), 'secret.json');
  writeFileSync(target, '{"notes": "secret"}');
  symlinkSync(target, join(dir, ANNOTATIONS_FILE));
  assert.match((await readRunAnnotations(dir)).problem!, /symbolic link/);
  assert.throws(() => writeRunAnnotations(dir, { notes: 'x', tags: [] }), /symbolic link/);
  assert.equal(readFileSync(target, 'utf8'), '{"notes": "secret"}');
  assert.throws(() => writeRunAnnotations(join(dir, 'nope'), { notes: '' }), /does not exist/);
  assert.equal(existsSync(join(dir, 'nope')), false);
});

test('splitTags reads a typed line; parseAnnotations accepts missing fields', () => {
  assert.deepEqual(splitTags(' a, b c ,, '), ['a', 'b c']);
  assert.deepEqual(parseAnnotations({}), { ok: true, message: { notes: '', tags: [] } });
});
