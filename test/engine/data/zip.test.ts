import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { EngineError } from '../../../src/engine/errors';
import { listZip, readZipEntry } from '../../../src/engine/data/zip';
import { extractMembers } from '../../../src/engine/data/registry';

/** Writes a minimal zip (no data descriptors), one member stored and the others deflated. */
function writeZip(path: string, members: { name: string; data: Buffer; deflate: boolean; declaredSize?: number }[]): void {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const body = m.deflate ? deflateRawSync(m.data) : m.data;
    const name = Buffer.from(m.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(m.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(m.declaredSize ?? m.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(m.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(m.declaredSize ?? m.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...locals, cd, eocd]));
}

test('lists and extracts stored and deflated members, as in the EMNIST gzip.zip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-zip-'));
  const zip = join(dir, 'gzip.zip');
  const a = Buffer.from('hello idx '.repeat(50));
  const b = Buffer.from([1, 2, 3, 4, 5]);
  writeZip(zip, [
    { name: 'gzip/emnist-digits-train-images-idx3-ubyte.gz', data: a, deflate: true },
    { name: 'gzip/emnist-digits-train-labels-idx1-ubyte.gz', data: b, deflate: false },
  ]);
  const entries = listZip(zip);
  assert.deepEqual(entries.map((e) => e.name), ['gzip/emnist-digits-train-images-idx3-ubyte.gz', 'gzip/emnist-digits-train-labels-idx1-ubyte.gz']);
  assert.deepEqual(readZipEntry(zip, entries[0]), a);
  assert.deepEqual(readZipEntry(zip, entries[1]), b);
  const out = mkdtempSync(join(tmpdir(), 'vsml-zip-out-'));
  extractMembers(zip, ['emnist-digits-train-labels-idx1-ubyte.gz', 'emnist-digits-train-images-idx3-ubyte.gz'], out);
  assert.deepEqual(readFileSync(join(out, 'emnist-digits-train-images-idx3-ubyte.gz')), a);
  assert.throws(() => extractMembers(zip, ['emnist-letters-train-images-idx3-ubyte.gz'], out), /no member emnist-letters/);
});

test('a truncated archive is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-zip-'));
  const zip = join(dir, 'cut.zip');
  writeFileSync(zip, Buffer.from('PK\u0003\u0004 not really a zip'));
  assert.throws(() => listZip(zip), /end-of-central-directory record not found/);
});

test('a member that inflates past its declared size, or declares more than we unpack, is refused without inflating it all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-zip-'));
  const zip = join(dir, 'bomb.zip');
  const zeros = Buffer.alloc(8 * 1024 * 1024); // deflates to ~8 KB
  writeZip(zip, [
    { name: 'gzip/emnist-digits-train-images-idx3-ubyte.gz', data: zeros, deflate: true, declaredSize: 1000 },
    { name: 'gzip/emnist-digits-train-labels-idx1-ubyte.gz', data: Buffer.from([1]), deflate: true, declaredSize: 3_000_000_000 },
  ]);
  const [bomb, huge] = listZip(zip);
  assert.throws(() => readZipEntry(zip, bomb), (e: unknown) => e instanceof EngineError && e.file === zip && /emnist-digits-train-images-idx3-ubyte\.gz inflates to more than 1,000 bytes/.test(e.message));
  assert.throws(() => readZipEntry(zip, huge), (e: unknown) => e instanceof EngineError && /declares 3,000,000,000 bytes, more than the 1,073,741,824 we unpack/.test(e.message));
  const out = mkdtempSync(join(tmpdir(), 'vsml-zip-out-'));
  assert.throws(() => extractMembers(zip, ['emnist-digits-train-images-idx3-ubyte.gz'], out), /inflates to more than/);
  assert.deepEqual(readdirSync(out), [], 'no part file is left behind');
});
