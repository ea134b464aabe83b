import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import { EngineError } from '../errors';

/**
 * Downloads with a pinned checksum. A file is streamed to `<name>.part`, hashed on the way, and
 * renamed into place only when the hash matches, so a failed or tampered download never leaves a
 * file that a later run would mistake for the dataset.
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

class ChecksumMismatch extends Error {}

/** Streams `url` into `dest` while hashing; resolves with the hex digest. Follows redirects. */
function fetchToFile(url: string, dest: string, algorithm: Checksum['algorithm'], timeoutMs: number, redirects = 0): Promise<string> {
  return new Promise((resolve, reject) => {
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
      const hash = createHash(algorithm);
      const out = createWriteStream(dest);
      res.on('data', (chunk: Buffer) => hash.update(chunk));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('connection closed mid-download')));
      out.on('error', reject);
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
  const part = `${dest}.part`;
  const problems: string[] = [];
  let mismatch = false;
  for (const url of file.urls) {
    opts.log?.(`downloading ${url}`);
    try {
      const digest = await fetchToFile(url, part, file.checksum.algorithm, opts.timeoutMs ?? 30_000);
      if (digest !== file.checksum.hex.toLowerCase()) {
        throw new ChecksumMismatch(`${file.checksum.algorithm} ${digest}, expected ${file.checksum.hex}`);
      }
      renameSync(part, dest);
      return dest;
    } catch (e) {
      if (existsSync(part)) rmSync(part, { force: true });
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
