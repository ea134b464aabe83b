import {
  closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { EngineError } from '../errors';

/*
 * Every file a run folder holds goes through these functions. A run folder can come from a cloned
 * repository, so any name in it may be a planted symlink (to ~/.bashrc, /dev/zero, ...): nothing
 * here follows a symlink at the last path component (O_NOFOLLOW, lstat), temp files are created
 * exclusively under unpredictable names, and every write is checked to have written every byte.
 * Parent folders are checked by the run folder (run-folder.ts), which knows which ones it owns.
 */

const { O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_RDONLY } = constants;
/** 0 on platforms without it (Windows): there the lstat checks below are the only guard. */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/** Thrown when a name the engine would write or read is a symlink or not a regular file. */
export function unsafePathError(file: string, what: string): EngineError {
  return new EngineError('', `is ${what}; VS-ML never writes or reads run files through links or special files`,
    'delete it (a run folder from a cloned repository may carry planted links) or start a new run', file);
}

/** Refuses `file` when it exists and is not a regular file (symlink, FIFO, device, folder). */
export function assertRegularOrMissing(file: string): void {
  let st;
  try {
    st = lstatSync(file);
  } catch (e) {
    if (code(e) === 'ENOENT') return;
    throw e;
  }
  if (st.isSymbolicLink()) throw unsafePathError(file, 'a symbolic link');
  if (!st.isFile()) throw unsafePathError(file, 'not a regular file');
}

/** Opens without following a symlink at `file` and refuses anything but a regular file. */
function openRegular(file: string, flags: number, mode?: number): number {
  let fd: number;
  try {
    fd = openSync(file, flags | O_NOFOLLOW, mode);
  } catch (e) {
    // Linux says ELOOP for a symlink under O_NOFOLLOW; BSDs say EMLINK or EFTYPE.
    if (code(e) === 'ELOOP' || code(e) === 'EMLINK' || code(e) === 'EFTYPE') throw unsafePathError(file, 'a symbolic link');
    throw e;
  }
  try {
    if (!fstatSync(fd).isFile()) throw unsafePathError(file, 'not a regular file');
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

/** Writes all of `data` (write(2) may write less than asked, e.g. when the disk fills). */
export function writeAll(fd: number, data: Buffer, file: string): void {
  let done = 0;
  while (done < data.length) {
    const n = writeSync(fd, data, done, data.length - done);
    if (n <= 0) throw new EngineError('', `could not be written completely (${done} of ${data.length} bytes)`, 'free disk space and resume the run', file);
    done += n;
  }
}

/** Makes a rename in `dir` survive a power cut (POSIX); a no-op where folders cannot be fsynced. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, O_RDONLY);
    fsyncSync(fd);
  } catch (e) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(code(e) ?? '')) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A temp name beside `file` nobody can guess in advance (pid + random), so no link can wait there. */
export const tempNameFor = (file: string): string => `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;

/**
 * Replaces `file` with `text` so that a reader (or a crash at any moment) sees either the old
 * or the new content, never half of it: write a new temp file beside it (O_EXCL, no symlink
 * followed), check every byte went out, fsync, rename over. On any failure the temp file is
 * removed and `file` keeps its old content. A symlink or special file at `file` is refused.
 */
export function writeFileAtomic(file: string, text: string | Buffer, opts: { durable?: boolean } = {}): void {
  assertRegularOrMissing(file);
  const tmp = tempNameFor(file);
  const fd = openRegular(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644);
  try {
    try {
      writeAll(fd, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, file);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    assertRegularOrMissing(file); // again: it may have been swapped for a link while we wrote
    renameSync(tmp, file);
    if (opts.durable) fsyncDir(dirname(file));
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created: nothing to clean up
    }
    throw e;
  }
}

/**
 * Creates `file` with `text` only if no file (and no link) has that name yet: false when one
 * exists. Used for locks, where the exclusive create is what makes one owner.
 */
export function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openRegular(file, O_WRONLY | O_CREAT | O_EXCL, 0o644);
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    writeAll(fd, Buffer.from(text, 'utf8'), file);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(file);
    throw e;
  }
  closeSync(fd);
  return true;
}

/**
 * Appends JSON lines. Each line goes out in one write(2) on an O_APPEND descriptor (opened without
 * following a symlink), so a SIGKILL loses at most the line being written; readers skip a torn
 * last line. A short write (disk full) throws instead of leaving the row half written unnoticed.
 */
export class JsonlAppender {
  private fd: number | undefined;
  constructor(readonly file: string) {}

  append(row: unknown): void {
    this.appendLine(JSON.stringify(row));
  }

  /** Appends one line of text as it is (trainer.log); the caller keeps newlines out of it. */
  appendLine(line: string): void {
    if (this.fd === undefined) this.fd = openRegular(this.file, O_WRONLY | O_CREAT | O_APPEND, 0o644);
    writeAll(this.fd, Buffer.from(`${line}\n`, 'utf8'), this.file);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Run files larger than this are refused by the synchronous readers (a checkpoint of 10^7 parameters is ~330 MB). */
export const MAX_RUN_FILE_BYTES = 1 << 30;

/**
 * Reads a regular file without following a symlink at its name; undefined when it does not exist.
 * Refuses special files (a link to /dev/zero would never end) and files over `maxBytes`.
 */
export function readRegularFile(file: string, maxBytes = MAX_RUN_FILE_BYTES): Buffer | undefined {
  let fd: number;
  try {
    fd = openRegular(file, O_RDONLY);
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new EngineError('', `is ${size} bytes, more than the ${maxBytes} VS-ML reads`, 'delete or move the file', file);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break; // shrank while we read: keep what is there
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Reads a JSON-lines file, skipping a torn or corrupt line instead of failing the whole read. */
export function readJsonl<T = unknown>(file: string): { rows: T[]; skipped: number } {
  const buf = readRegularFile(file);
  if (!buf) return { rows: [], skipped: 0 };
  const rows: T[] = [];
  let skipped = 0;
  for (const line of buf.toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      skipped++;
    }
  }
  return { rows, skipped };
}
