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
 * Parse errors are the one kind VS Code's JSON support reports itself (it checks the syntax of
 * every JSON/JSONC document); showing ours too would double them. Schema faults are ours: the
 * schema VS Code gets (schemas/experiment.editor.schema.json) validates nothing, so they appear
 * once, in the CLI's words, whatever `$schema` a file names.
 */
const REPORTED_BY_VSCODE_JSON = new Set(['parse']);

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

/** The diagnostics the extension shows for a config's text: every issue but a syntax error (VS Code's own). */
export function configDiagnostics(text: string, issues: readonly ConfigIssue[]): DiagnosticData[] {
  return issues.filter(isEditorOwnedIssue).map((i) => toDiagnosticData(text, i));
}
