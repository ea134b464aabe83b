/**
 * Streams the complete lines of a jsonl file that the engine is appending to, without holding the
 * file in memory: `lstat` first (a symlink, FIFO or device is refused: a committed run folder with
 * `metrics.jsonl -> /dev/zero` must not hang the extension host), then a read stream up to the size
 * seen at that moment, split on newlines by byte. Each parsed row goes to `onRow` as it is read, so
 * the caller decides what to keep (the metrics panel downsamples). A torn last line is left for the
 * next read, and `nextOffset` says where to continue.
 *
 * Why not node:readline: it reports lines as strings and folds `\r\n`, so the byte offset to resume
 * from cannot be recovered exactly; splitting the Buffer ourselves keeps offsets exact for any
 * UTF-8 text. No vscode import.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { ParseResult } from '../../protocol/fields';

const NEWLINE = 0x0a;
/** A line longer than this is no row the engine wrote (a few hundred bytes; eval rows hold curves of up to ~10^5 numbers). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Problems reported per read; the rest are counted. */
const MAX_PROBLEMS = 20;

export interface JsonlStreamResult {
  /** Byte offset just after the last complete line read. */
  readonly nextOffset: number;
  /** Complete lines that parsed to a row. */
  readonly rowCount: number;
  /** `file: line N after byte B: why` for lines that did not parse (at most MAX_PROBLEMS, then a count). */
  readonly problems: string[];
}

/** Thrown when the path is not a regular file; the message names it. */
export class NotARegularFile extends Error {}

/**
 * Reads the complete lines of `file` from byte `offset` on and hands each parsed row to `onRow`.
 * A missing file reads as empty; a file shorter than `offset` (replaced, e.g. truncated on resume)
 * is read from the start.
 */
export async function streamJsonl<T>(
  file: string,
  offset: number,
  parse: (v: unknown) => ParseResult<T>,
  onRow: (row: T) => void,
  maxLineBytes = MAX_LINE_BYTES,
): Promise<JsonlStreamResult> {
  let size: number;
  try {
    const st = await lstat(file);
    if (!st.isFile()) throw new NotARegularFile(`${file} is not a regular file (a symlink, folder or device); the panels read only plain run files`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { nextOffset: 0, rowCount: 0, problems: [] };
    throw e;
  }
  if (size < offset) offset = 0;
  if (size === offset) return { nextOffset: offset, rowCount: 0, problems: [] };

  const problems: string[] = [];
  let problemCount = 0;
  const problem = (text: string): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  let rowCount = 0;
  let lineNo = 0;
  /** Byte offset (in the file) where the current partial line starts. */
  let lineStart = offset;
  /** Pieces of the current partial line; dropped once it is known to be too long. */
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;

  const takeLine = (line: Buffer): void => {
    lineNo++;
    if (skipping) {
      problem(`${file}: line ${lineNo} after byte ${offset} is longer than ${maxLineBytes} bytes; skipped`);
      return;
    }
    const text = line.toString('utf8');
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      problem(`${file}: line ${lineNo} after byte ${offset} is not JSON (${(e as Error).message})`);
      return;
    }
    const parsed = parse(json);
    if (parsed.ok) {
      rowCount++;
      onRow(parsed.message);
    } else problem(`${file}: line ${lineNo} after byte ${offset}: ${parsed.error}`);
  };

  // `end` is inclusive: read only what existed at lstat time, so a concurrent append is left for the next read.
  // O_NOFOLLOW: the name may have been swapped for a link since the lstat.
  const fh = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  const stream = fh.createReadStream({ start: offset, end: size - 1 });
  let pos = offset;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl < 0) break;
      const piece = chunk.subarray(from, nl);
      if (pendingBytes + piece.length > maxLineBytes) skipping = true;
      const line = skipping ? piece : pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      takeLine(line);
      pending = [];
      pendingBytes = 0;
      skipping = false;
      lineStart = pos + nl + 1;
      from = nl + 1;
    }
    const rest = chunk.subarray(from);
    if (rest.length > 0) {
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) {
        skipping = true;
        pending = [];
      } else if (!skipping) pending.push(Buffer.from(rest)); // copy: the stream may reuse its chunk
    }
    pos += chunk.length;
  }
  if (problemCount > problems.length) problems.push(`${file}: ${problemCount - problems.length} more lines did not parse`);
  return { nextOffset: lineStart, rowCount, problems };
}

/** Reads the complete lines from `offset` into an array, stopping to collect after `maxRows` (the rest are counted). */
export async function readJsonlRows<T>(
  file: string,
  offset: number,
  parse: (v: unknown) => ParseResult<T>,
  maxRows: number,
): Promise<JsonlStreamResult & { rows: T[]; truncated: boolean }> {
  const rows: T[] = [];
  const r = await streamJsonl(file, offset, parse, (row) => {
    if (rows.length < maxRows) rows.push(row);
  });
  return { ...r, rows, truncated: r.rowCount > rows.length };
}
