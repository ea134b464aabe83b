import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { EngineError } from '../errors';
import { MAX_INFLATED_BYTES, inflateCapped } from './inflate';

/**
 * Just enough of the zip format to pull a few named members out of a large archive without
 * reading all of it: the EMNIST release (gzip.zip, ~560 MB) holds every split as gzip IDX files,
 * and we need four of them. Stored (0) and deflated (8) members, no zip64, no encryption.
 */

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

const bad = (file: string, message: string): never => {
  throw new EngineError('', `not a usable zip archive: ${message}`, 'download the archive again', file);
};

/** Lists the members of a zip file from its central directory. */
export function listZip(file: string): ZipEntry[] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLen = Math.min(size, 65_557); // EOCD (22) + max comment (65535)
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) bad(file, 'end-of-central-directory record not found (truncated download?)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) bad(file, 'zip64 archives are not supported');
    const cd = readAt(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CD_SIG) bad(file, `central directory entry ${k} is corrupt`);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      entries.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/**
 * Returns the uncompressed bytes of one member. Inflation stops at the size the central directory
 * declares (and at MAX_INFLATED_BYTES): a member that inflates to more is refused, not unpacked.
 */
export function readZipEntry(file: string, entry: ZipEntry, maxBytes = MAX_INFLATED_BYTES): Buffer {
  if (entry.size > maxBytes) bad(file, `${entry.name} declares ${entry.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} we unpack`);
  const fd = openSync(file, 'r');
  try {
    const local = readAt(fd, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIG) bad(file, `local header of ${entry.name} is corrupt`);
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = readAt(fd, dataStart, entry.compressedSize);
    if (raw.length !== entry.compressedSize) bad(file, `${entry.name} is truncated`);
    if (entry.method === 0) return raw;
    if (entry.method === 8) {
      const out = inflateCapped('deflate-raw', raw, file, entry.name, Math.max(1, entry.size));
      if (out.length !== entry.size) bad(file, `${entry.name} inflates to ${out.length} bytes, the archive says ${entry.size}`);
      return out;
    }
    return bad(file, `${entry.name} uses compression method ${entry.method}; only stored and deflate are supported`);
  } finally {
    closeSync(fd);
  }
}
