/**
 * A small RFC 4180 reader: comma-separated fields, fields in double quotes may hold commas, line
 * breaks and doubled quotes (`"say ""hi"""`), lines end in LF or CRLF, a UTF-8 byte-order mark is
 * dropped, blank lines are skipped. No dependency: numeric tables with optional quoted labels are
 * all the dataset reader needs. Each row keeps the 1-based line it starts on, for error messages.
 */

export interface CsvRow {
  /** 1-based line number of the row's first character. */
  readonly line: number;
  readonly cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/** All rows at once (small files, tests). */
export function parseCsv(text: string): CsvRow[] {
  return [...csvRows(text)];
}

/** The rows one at a time, so a large file is never held as one array of cells. */
export function* csvRows(text: string): Generator<CsvRow> {
  let pending: CsvRow | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let rowLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quotedCell = false; // the current cell was quoted (so an empty one still counts)
  const endRow = (): void => {
    cells.push(cell);
    // A blank line is one empty unquoted cell: skip it.
    if (!(cells.length === 1 && cells[0] === '' && !quotedCell)) pending = { line: rowLine, cells };
    cells = [];
    cell = '';
    quotedCell = false;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && cell === '' && !quotedCell) {
      // quoted field
      const startLine = line;
      quotedCell = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(startLine, 'a quoted field is never closed (missing ")');
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        cell += c;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(next)} after a closing quote (write a quote inside a quoted field as "")`);
      }
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      quotedCell = false;
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
      if (pending) yield pending;
      pending = undefined;
    } else {
      // unquoted text up to the next separator, in one slice (fast on large numeric files)
      let j = i + 1;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break; // , \n \r
        j++;
      }
      cell += text.slice(i, j);
      i = j;
    }
  }
  if (cell !== '' || cells.length > 0 || quotedCell) endRow();
  if (pending) yield pending;
}
