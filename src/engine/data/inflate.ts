/**
 * Decompression with an output limit: a small gzip or deflate stream can inflate to gigabytes
 * (a "zip bomb", or just a corrupt header), and a dataset file is read whole into memory. zlib
 * stops at `maxOutputLength` instead of allocating past it; we turn that into an error naming
 * the file and the limit.
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { EngineError } from '../errors';

/** The largest dataset file we inflate: EMNIST byclass train images are ~550 MB uncompressed. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

export type Compression = 'gzip' | 'deflate-raw';

/**
 * Inflates `data` (from `file`, `what` names the member inside it if any). Throws an EngineError
 * when the output would exceed `limit` bytes or the data is corrupt.
 */
export function inflateCapped(kind: Compression, data: Uint8Array, file: string, what: string, limit = MAX_INFLATED_BYTES): Buffer {
  try {
    return kind === 'gzip' ? gunzipSync(data, { maxOutputLength: limit }) : inflateRawSync(data, { maxOutputLength: limit });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new EngineError('', `${what} inflates to more than ${limit.toLocaleString('en-US')} bytes; refusing to unpack it`,
        'this is no dataset file of the expected size: download it again from the official release', file);
    }
    throw new EngineError('', `${what} is corrupt or truncated compressed data: ${err.message}`, 'download the file again', file);
  }
}
