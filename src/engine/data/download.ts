import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import { EngineError } from '../errors';

/**
 * Downloads with a pinned checksum, over https only. A file is streamed to a `.part` file of its
 * own (`<name>.<pid>.<random>.part`, created exclusively, so two downloads never share one and a
 * planted symlink is not followed), hashed on the way, and renamed into place only when the hash
 * matches; on any failure the part file is removed. A failed or tampered download never leaves a
 * file that a later run would mistake for the dataset. Plain http is refused (also as a redirect
 * target), except to the loopback interface (a local mirror, the tests).
 */

export interface Checksum {
  readonly algorithm: 'sha256' | 'md5';
  readonly hex: string;
}

export interface RemoteFile {
  /** Name in the target folder. */
  readonly fileName: string;
  /** Mirrors, tried in order. */
  readonly urls: readonly string[];
  readonly checksum: Checksum;
}

export interface DownloadOptions {
  /** Per-request inactivity timeout. */
  readonly timeoutMs?: number;
  /** Progress lines for the CLI. */
  readonly log?: (line: string) => void;
  /** Appended to "cannot reach" errors: where else the user can get the files. */
  readonly offlineHint?: string;
}

const MAX_REDIRECTS = 5;
/** The largest file we download (the EMNIST release is ~560 MB). */
export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/** https, or http to this machine only. */
export function allowedUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** A fresh part-file name next to `dest`. */
const partName = (dest: string): string => `${dest}.${process.pid}.${randomBytes(6).toString('hex')}.part`;

class ChecksumMismatch extends Error {}

/** Streams `url` into `dest` (created exclusively) while hashing; resolves with the hex digest. Follows redirects. */
function fetchToFile(url: string, dest: string, algorithm: Checksum['algorithm'], timeoutMs: number, redirects = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!allowedUrl(url)) return reject(new Error('only https downloads are allowed'));
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { timeout: timeoutMs, headers: { 'user-agent': 'vsml-lab' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new Error(`more than ${MAX_REDIRECTS} redirects`));
        const next = new URL(res.headers.location, url).toString();
        fetchToFile(next, dest, algorithm, timeoutMs, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > MAX_DOWNLOAD_BYTES) {
        res.resume();
        return reject(new Error(`the server announces ${declared} bytes, more than the ${MAX_DOWNLOAD_BYTES} we download`));
      }
      const hash = createHash(algorithm);
      const out = createWriteStream(dest, { flags: 'wx' });
      const fail = (e: Error): void => {
        out.destroy(); // close the part file; the caller removes it
        reject(e);
      };
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_DOWNLOAD_BYTES) req.destroy(new Error(`more than ${MAX_DOWNLOAD_BYTES} bytes`));
        hash.update(chunk);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('connection closed mid-download')));
      out.on('error', fail);
      out.on('finish', () => (res.complete ? resolve(hash.digest('hex')) : reject(new Error('connection closed mid-download'))));
      res.pipe(out);
    });
    req.on('timeout', () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Downloads one file into `dir`, trying each mirror, and checks its checksum. Returns the final path. */
export async function downloadFile(file: RemoteFile, dir: string, opts: DownloadOptions = {}): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, file.fileName);
  const problems: string[] = [];
  let mismatch = false;
  for (const url of file.urls) {
    opts.log?.(`downloading ${url}`);
    const part = partName(dest);
    try {
      const digest = await fetchToFile(url, part, file.checksum.algorithm, opts.timeoutMs ?? 30_000);
      if (digest !== file.checksum.hex.toLowerCase()) {
        throw new ChecksumMismatch(`${file.checksum.algorithm} ${digest}, expected ${file.checksum.hex}`);
      }
      renameSync(part, dest);
      return dest;
    } catch (e) {
      rmSync(part, { force: true });
      if (e instanceof ChecksumMismatch) {
        mismatch = true;
        problems.push(`${url}: checksum mismatch (${e.message})`);
      } else {
        problems.push(`cannot reach ${url}: ${(e as Error).message}`);
      }
    }
  }
  if (mismatch) {
    throw new EngineError('', `download of ${file.fileName} failed its checksum: ${problems.join('; ')}`,
      'the server sent different bytes than the pinned release; nothing was kept. Retry later, or place verified IDX files in the folder yourself', dest);
  }
  throw new EngineError('', `${problems.join('; ')}`,
    opts.offlineHint ?? `place the IDX files in ${dir}`, dest);
}
