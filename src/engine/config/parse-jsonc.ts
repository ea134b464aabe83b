import { createScanner, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigIssue } from './issues';

/**
 * Deepest nesting of objects and lists a config may have. The schema's deepest path is 5 levels;
 * the limit only keeps a hostile file (100,000 nested brackets) from overflowing the recursive
 * parser and validator.
 */
export const MAX_CONFIG_NESTING = 32;

/**
 * `*.vsml.json` files are JSON with comments (JSONC, as VS Code's own settings.json): `//` and
 * block comments and trailing commas are allowed. The extension associates the pattern with
 * the `jsonc` language so the editor agrees. Returns the value or exactly one issue: the first
 * syntax error, with its line and column (later errors are usually echoes of the first).
 */
export function parseConfigText(text: string, file: string): { value: unknown } | { issue: ConfigIssue } {
  // A byte-order mark is how some editors (Notepad, PowerShell) start UTF-8 files; JSON parsers reject it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const deep = tooDeep(text);
  if (deep !== undefined) {
    const { line, column } = lineColumn(text, deep);
    return {
      issue: {
        file, path: '', pointer: [], code: 'nesting', severity: 'error',
        message: `objects and lists are nested more than ${MAX_CONFIG_NESTING} levels deep at line ${line}, column ${column}`,
        fix: 'a config nests at most 5 levels (e.g. data.preprocess.pad.input); remove the extra brackets',
        location: { offset: deep, length: 1, line, column },
      },
    };
  }
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length === 0) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return {
        issue: {
          file, path: '', pointer: [], code: 'type', severity: 'error',
          message: `the file must hold one JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
          fix: 'write { "name": "...", "training": { ... }, ... } (see examples/default.vsml.json)',
        },
      };
    }
    return { value };
  }
  const first = errors[0];
  const { line, column } = lineColumn(text, first.offset);
  const what = describe(printParseErrorCode(first.error), text, first.offset);
  return {
    issue: {
      file, path: '', pointer: [], code: 'parse', severity: 'error',
      message: `invalid JSON at line ${line}, column ${column}: ${what}`,
      fix: fixFor(printParseErrorCode(first.error)),
      location: { offset: first.offset, length: Math.max(1, first.length), line, column },
    },
  };
}

/**
 * Offset of the first bracket nested deeper than MAX_CONFIG_NESTING, or undefined. Uses
 * jsonc-parser's scanner (iterative: strings and comments are skipped as tokens), so it cannot
 * overflow the stack itself.
 */
function tooDeep(text: string): number | undefined {
  // jsonc-parser's SyntaxKind is an ambient const enum, which isolatedModules cannot read: its values.
  const OPEN_BRACE = 1, CLOSE_BRACE = 2, OPEN_BRACKET = 3, CLOSE_BRACKET = 4, EOF = 17;
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      if (++depth > MAX_CONFIG_NESTING) return scanner.getTokenOffset();
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

/** 1-based line and column of a 0-based offset (a column counts UTF-16 units, as editors do). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function describe(code: string, text: string, offset: number): string {
  const found = offset < text.length ? `found ${JSON.stringify(text.slice(offset, offset + 12).split('\n')[0])}` : 'found the end of the file';
  switch (code) {
    case 'CommaExpected': return `expected a comma between entries, ${found}`;
    case 'ColonExpected': return `expected ':' after the key, ${found}`;
    case 'PropertyNameExpected': return `expected a key in double quotes, ${found}`;
    case 'ValueExpected': return `expected a value, ${found}`;
    case 'CloseBraceExpected': return `expected '}' to close the object, ${found}`;
    case 'CloseBracketExpected': return `expected ']' to close the list, ${found}`;
    case 'EndOfFileExpected': return `unexpected content after the top-level object, ${found}`;
    case 'InvalidSymbol': return `unexpected symbol, ${found}`;
    case 'UnexpectedEndOfString': return 'a string is not closed';
    case 'UnexpectedEndOfComment': return 'a /* comment is not closed';
    case 'UnexpectedEndOfNumber': return 'a number is cut off';
    case 'InvalidNumberFormat': return `malformed number, ${found}`;
    case 'InvalidEscapeCharacter': return 'invalid escape in a string';
    case 'InvalidUnicode': return 'invalid \\u escape in a string';
    case 'InvalidCharacter': return 'invalid character in a string (control characters must be escaped)';
    default: return `${code}, ${found}`;
  }
}

function fixFor(code: string): string {
  switch (code) {
    case 'CommaExpected': return 'add a comma after the previous entry';
    case 'ColonExpected': return 'write "key": value';
    case 'PropertyNameExpected': return 'put keys in double quotes, e.g. "seed": 42';
    case 'ValueExpected': return 'give a value (number, string in double quotes, true/false, null, [..] or {..})';
    case 'CloseBraceExpected': return "add the missing '}'";
    case 'CloseBracketExpected': return "add the missing ']'";
    case 'EndOfFileExpected': return 'keep one top-level { ... } object; remove what follows it';
    case 'UnexpectedEndOfString': return 'close the string with a double quote';
    case 'UnexpectedEndOfComment': return 'close the comment with */';
    default: return 'correct the JSON syntax at this position';
  }
}
