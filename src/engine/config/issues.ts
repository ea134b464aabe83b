/**
 * One problem found in an experiment config. The CLI prints it; the extension turns it into a
 * diagnostic (range from `pointer`, see text-range.ts; `code` for quick fixes), so editor and CLI
 * say the same words.
 */
export interface ConfigIssue {
  /** The config file, or '' when the config did not come from a file. */
  readonly file: string;
  /** Dotted path with bracketed indices, e.g. `model.vsml_rnn.layer_specs[1].out_size`; '' for the whole file. */
  readonly path: string;
  /** JSON path segments of the same place, e.g. ['model', 'vsml_rnn', 'layer_specs', '1', 'out_size']. */
  readonly pointer: readonly string[];
  /** What is wrong, naming the field. */
  readonly message: string;
  /** One sentence telling the user what to change. */
  readonly fix: string;
  /** The JSON Schema keyword that failed ('type', 'additionalProperties', ...) or one of ours (SemanticCode, 'parse', 'override', 'import'). */
  readonly code: string;
  readonly severity: IssueSeverity;
  /** Text position, only for problems found while parsing (no pointer can name them): 0-based offset, 1-based line and column. */
  readonly location?: { readonly offset: number; readonly length: number; readonly line: number; readonly column: number };
}

export type IssueSeverity = 'error' | 'warning' | 'info';

/** `['model', 'layer_specs', '0', 'out_size']` -> `model.layer_specs[0].out_size`. */
export function pointerToPath(pointer: readonly string[]): string {
  let out = '';
  for (const seg of pointer) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** Builds an issue from a pointer, deriving the dotted path. */
export function makeIssue(
  file: string,
  pointer: readonly (string | number)[],
  message: string,
  fix: string,
  code: string,
  severity: IssueSeverity = 'error',
): ConfigIssue {
  const segs = pointer.map(String);
  return { file, path: pointerToPath(segs), pointer: segs, message, fix, code, severity };
}

export const hasErrors = (issues: readonly ConfigIssue[]): boolean => issues.some((i) => i.severity === 'error');

/** Control and bidi-override characters (a config's text can hold any): shown as \u escapes, so a line cannot drive the terminal. */
const escapeControls = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `file: path: message (fix: ...)`, the line the CLI prints for an issue (one line, control characters escaped). */
export function formatIssue(issue: ConfigIssue): string {
  return escapeControls(formatIssueText(issue));
}

function formatIssueText(issue: ConfigIssue): string {
  const where = issue.location ? `${issue.file}:${issue.location.line}:${issue.location.column}` : issue.file;
  // messages that already name their field in backticks don't repeat it as a prefix
  const named = issue.path !== '' && issue.message.includes(`\`${issue.path}\``);
  const head = [where, named ? '' : issue.path].filter((s) => s !== '').join(': ');
  return `${head ? `${head}: ` : ''}${issue.severity === 'error' ? '' : `${issue.severity}: `}${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`;
}
