/**
 * Engine config issues -> editor diagnostics, as plain data (no vscode import, unit-tested).
 * The words are the engine's (`message` + `fix`), the same the CLI prints; the range comes
 * from the issue's JSON pointer (src/engine/config/text-range.ts).
 */
import type { ConfigIssue, IssueSeverity } from '../../engine/config/issues';
import { issueRange } from '../../engine/config/text-range';

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface DiagnosticData {
  readonly start: Position;
  readonly end: Position;
  readonly message: string;
  readonly severity: IssueSeverity;
  /** The schema keyword or semantic check code: quick fixes key on it. */
  readonly code: string;
  readonly path: string;
  /** JSON path segments of the field, for quick fixes that edit it. */
  readonly pointer: readonly string[];
  readonly fix: string;
}

/**
 * JSON Schema keywords and parse errors are what VS Code's own JSON support already reports
 * through `contributes.jsonValidation`; showing ours too would double every such mistake.
 */
const REPORTED_BY_VSCODE_JSON = new Set([
  'parse', 'type', 'required', 'additionalProperties', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'pattern', 'format',
  'multipleOf', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', 'items', 'additionalItems', 'propertyNames',
  'dependencies', 'minProperties', 'maxProperties', 'contains',
]);

export const isEditorOwnedIssue = (issue: ConfigIssue): boolean => !REPORTED_BY_VSCODE_JSON.has(issue.code);

/** 0-based line and UTF-16 character of a 0-based offset, as VS Code positions count. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(Math.max(0, offset), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: end - lineStart };
}

export function toDiagnosticData(text: string, issue: ConfigIssue): DiagnosticData {
  const { offset, length } = issueRange(text, issue);
  return {
    start: positionAt(text, offset),
    end: positionAt(text, offset + Math.max(length, 0)),
    // The engine's message names the field itself; the range points at it.
    message: `${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`,
    severity: issue.severity,
    code: issue.code,
    path: issue.path,
    pointer: issue.pointer,
    fix: issue.fix,
  };
}

/** The diagnostics the extension adds for a config's text: the issues VS Code's JSON support cannot find. */
export function configDiagnostics(text: string, issues: readonly ConfigIssue[]): DiagnosticData[] {
  return issues.filter(isEditorOwnedIssue).map((i) => toDiagnosticData(text, i));
}
