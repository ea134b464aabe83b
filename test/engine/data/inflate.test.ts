import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { EngineError } from '../../../src/engine/errors';
import { MAX_INFLATED_BYTES, inflateCapped } from '../../../src/engine/data/inflate';

test('inflation stops at the limit with an error naming the file; within it, the bytes come back', () => {
  const data = Buffer.alloc(4 * 1024 * 1024, 7);
  assert.deepEqual(inflateCapped('gzip', gzipSync(data), 'f.gz', 'the gzip data'), data);
  assert.deepEqual(inflateCapped('deflate-raw', deflateRawSync(data), 'a.zip', 'member x', data.length), data);
  assert.throws(() => inflateCapped('gzip', gzipSync(data), '/data/train-images-idx3-ubyte.gz', 'the gzip data', 1024 * 1024),
    (e: unknown) => e instanceof EngineError && e.file === '/data/train-images-idx3-ubyte.gz' && /the gzip data inflates to more than 1,048,576 bytes/.test(e.message));
  assert.throws(() => inflateCapped('gzip', gzipSync(data).subarray(0, 40), 'cut.gz', 'the gzip data'), (e: unknown) => e instanceof EngineError && /corrupt or truncated/.test(e.message));
  assert.ok(MAX_INFLATED_BYTES >= 600 * 1024 * 1024, 'room for the largest EMNIST split (~550 MB)');
});
