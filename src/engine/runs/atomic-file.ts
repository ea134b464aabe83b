import { closeSync, fsyncSync, openSync, renameSync, writeSync, readFileSync, existsSync } from 'node:fs';

/**
 * Replaces `file` with `text` so that a reader (or a crash at any moment) sees either the old
 * or the new content, never half of it: write a temp file beside it, fsync, rename over.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Appends JSON lines. Each line goes out in one write(2) on an O_APPEND descriptor, so a
 * SIGKILL loses at most the line being written; readers skip a torn last line.
 */
export class JsonlAppender {
  private fd: number | undefined;
  constructor(readonly file: string) {}

  append(row: unknown): void {
    if (this.fd === undefined) this.fd = openSync(this.file, 'a');
    writeSync(this.fd, `${JSON.stringify(row)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a JSON-lines file, skipping a torn or corrupt line instead of failing the whole read. */
export function readJsonl<T = unknown>(file: string): { rows: T[]; skipped: number } {
  if (!existsSync(file)) return { rows: [], skipped: 0 };
  const rows: T[] = [];
  let skipped = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      skipped++;
    }
  }
  return { rows, skipped };
}
