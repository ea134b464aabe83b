import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EngineError } from '../../../src/engine/errors';
import { allowedUrl, downloadFile } from '../../../src/engine/data/download';
import { encodeIdx, readIdxPair } from '../../../src/engine/data/idx';
import { DATASET_MIRRORS, fetchDataset } from '../../../src/engine/data/registry';

// A small IDX pair served from 127.0.0.1; nothing here touches the internet.
const files: Record<string, Buffer> = {
  '/train-images-idx3-ubyte.gz': gzipSync(encodeIdx([2, 2, 2], Uint8Array.from([0, 255, 0, 255, 10, 20, 30, 40]))),
  '/train-labels-idx1-ubyte.gz': gzipSync(encodeIdx([2], Uint8Array.from([3, 1]))),
  '/redirect': Buffer.alloc(0),
  '/to-http': Buffer.alloc(0),
};
let server: Server;
let base = '';
let downPort = 0;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/train-labels-idx1-ubyte.gz' });
      return res.end();
    }
    if (req.url === '/to-http') {
      res.writeHead(302, { location: 'http://example.invalid/train-labels-idx1-ubyte.gz' });
      return res.end();
    }
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was open a moment ago and is closed now: "server down".
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  downPort = (tmp.address() as AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
});
after(() => server.close());

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('downloads, checks the SHA-256 and keeps the file; follows redirects', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-dl-'));
  for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) {
    const path = await downloadFile({ fileName: name, urls: [`${base}/${name}`], checksum: { algorithm: 'sha256', hex: sha(files[`/${name}`]) } }, dir);
    assert.deepEqual(readFileSync(path), files[`/${name}`]);
  }
  const s = readIdxPair(join(dir, 'train-images-idx3-ubyte.gz'), join(dir, 'train-labels-idx1-ubyte.gz'));
  assert.deepEqual(Array.from(s.labels), [3, 1]);
  const viaRedirect = await downloadFile({ fileName: 'l.gz', urls: [`${base}/redirect`], checksum: { algorithm: 'sha256', hex: sha(files['/train-labels-idx1-ubyte.gz']) } }, dir);
  assert.deepEqual(readFileSync(viaRedirect), files['/train-labels-idx1-ubyte.gz']);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')), []);
});

test('a checksum mismatch is an error and leaves no file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-dl-'));
  // The pinned MNIST checksums cannot match our tiny files.
  await assert.rejects(fetchDataset('mnist', dir, { baseUrl: base }), (e: unknown) => e instanceof EngineError && /checksum/.test(e.message));
  assert.deepEqual(readdirSync(join(dir, 'mnist')), []);
});

test('a server that is down gives a clear offline error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-dl-'));
  await assert.rejects(fetchDataset('fashion_mnist', dir, { baseUrl: `http://127.0.0.1:${downPort}` }), (e: unknown) =>
    e instanceof EngineError && /cannot reach http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz/.test(e.message)
    && /place the IDX files in .*fashion_mnist or install dataset-fashion-mnist/.test(e.fix));
  assert.equal(existsSync(join(dir, 'fashion_mnist', 'train-images-idx3-ubyte.gz')), false);
  // HTTP errors are reported with their status
  await assert.rejects(downloadFile({ fileName: 'x', urls: [`${base}/missing`], checksum: { algorithm: 'sha256', hex: '00' } }, dir), /HTTP 404/);
});

test('names that cannot be fetched are refused', async () => {
  await assert.rejects(fetchDataset('random', tmpdir()), /cannot be downloaded/);
  await assert.rejects(fetchDataset('cifar10', tmpdir()), /cannot be downloaded/);
});

test('plain http is refused (also as a redirect target), except to this machine; every dataset mirror is https', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-dl-'));
  const labels = { algorithm: 'sha256' as const, hex: sha(files['/train-labels-idx1-ubyte.gz']) };
  await assert.rejects(downloadFile({ fileName: 'l.gz', urls: ['http://example.invalid/l.gz'], checksum: labels }, dir), /http:\/\/example\.invalid\/l\.gz: only https downloads are allowed/);
  await assert.rejects(downloadFile({ fileName: 'l.gz', urls: [`${base}/to-http`], checksum: labels }, dir), /only https downloads are allowed/);
  assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
  assert.equal(allowedUrl('https://example.org/x'), true);
  assert.equal(allowedUrl('http://127.0.0.1:8080/x'), true);
  assert.equal(allowedUrl('http://localhost/x'), true);
  assert.equal(allowedUrl('ftp://example.org/x'), false);
  assert.ok(DATASET_MIRRORS.length >= 4);
  for (const url of DATASET_MIRRORS) assert.match(url, /^https:\/\//, url);
});

test('each download has its own part file: a symlink at the old fixed name is not followed, parallel downloads do not collide', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-dl-'));
  const outside = join(mkdtempSync(join(tmpdir(), 'vsml-outside-')), 'precious');
  writeFileSync(outside, 'keep me');
  symlinkSync(outside, join(dir, 'l.gz.part'));
  const labels = { algorithm: 'sha256' as const, hex: sha(files['/train-labels-idx1-ubyte.gz']) };
  const [a, b] = await Promise.all([
    downloadFile({ fileName: 'l.gz', urls: [`${base}/train-labels-idx1-ubyte.gz`], checksum: labels }, dir),
    downloadFile({ fileName: 'l.gz', urls: [`${base}/train-labels-idx1-ubyte.gz`], checksum: labels }, dir),
  ]);
  assert.equal(a, b);
  assert.deepEqual(readFileSync(a), files['/train-labels-idx1-ubyte.gz']);
  assert.equal(readFileSync(outside, 'utf8'), 'keep me');
  assert.deepEqual(readdirSync(dir).sort(), ['l.gz', 'l.gz.part'], 'only the planted link and the file');
});
