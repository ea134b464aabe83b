/**
 * Turns the config editor's "set this value" / "remove this value" into minimal text edits of the
 * document (jsonc-parser's `modify`), so comments, key order and formatting survive and the change
 * shows in undo, redo and git diff as the one line it is. No vscode import; the editor provider
 * maps these to a WorkspaceEdit.
 */
import { applyEdits, modify, parseTree, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import type { JsonPath } from '../../protocol/config-panel';

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** Indentation of the document: the first indented line decides, else two spaces. */
export function formattingOf(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m ? m[1] : '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 4 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/**
 * The edits that set `path` to `value` (or remove it when `value` is undefined). An empty or
 * blank document becomes `{}` first. Throws when the text is not a JSON object, since a form
 * edit could not be placed sensibly then (the panel shows the parse error instead).
 */
export function configEdits(text: string, path: JsonPath, value: unknown): TextEdit[] {
  const base = text.trim() === '' ? '{}\n' : text;
  const errors: ParseError[] = [];
  const root = parseTree(base, errors, { allowTrailingComma: true });
  if (errors.length > 0) throw new Error(`the document has a JSON error (${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}); fix the text before editing in the form`);
  if (!root || root.type !== 'object') throw new Error('the document is not a JSON object; fix the text before editing in the form');
  const edits = modify(base, [...path], value, { formattingOptions: formattingOf(base) });
  if (base === text) return edits;
  // Replace the whole blank document with the edited `{}`.
  return [{ offset: 0, length: text.length, content: applyEdits(base, edits) }];
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  return applyEdits(text, [...edits]);
}
