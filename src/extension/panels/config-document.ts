/**
 * What the config editor shows for a document's text: the parsed value (comments allowed, as in
 * VS Code's JSON), the parse error with its line and column, and the engine's own validation
 * (schema + semantic checks, the same words as the CLI and the Problems panel).
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { validateConfigText } from '../../engine/config/load-config';
import type { ConfigDocumentState } from '../../protocol/config-panel';

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

export function configDocumentState(text: string, fileName: string, version: number): ConfigDocumentState {
  // A byte-order mark is accepted (as by the CLI); nesting past the engine's limit would overflow the recursive parser.
  text = text.replace(/^\uFEFF/, '');
  const result = validateConfigText(text.trim() === '' ? '{}' : text, fileName);
  const deep = result.issues.find((i) => i.code === 'nesting');
  if (deep) return { value: null, parseError: deep.message, problems: [], version };
  const errors: ParseError[] = [];
  const value: unknown = text.trim() === '' ? {} : parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0];
    return { value: null, parseError: `${printParseErrorCode(e.error)} at ${lineColumn(text, e.offset)}`, problems: [], version };
  }
  const problems = result.issues
    .filter((i) => i.code !== 'parse')
    .map((i) => ({ path: i.path, message: i.message, ...(i.fix ? { fix: i.fix } : {}) }));
  // JSON.parse(JSON.stringify(...)) keeps only plain JSON for the trip to the webview.
  return { value: JSON.parse(JSON.stringify(value ?? null)) as unknown, problems, version };
}
