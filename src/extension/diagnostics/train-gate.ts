/**
 * What the editor says when a config has errors, instead of training it: the lens shown in
 * place of "Train VS-ML" and the notification when Train is refused. Pure (no vscode import).
 * The words are the engine's (the CLI's); the notification is plain text (file names and field
 * paths come from the workspace, so nothing in it may render as a link).
 */
import type { ConfigIssue } from '../../engine/config/issues';

/** The lens shown instead of Train above a config with errors. */
export function invalidConfigLens(issues: readonly ConfigIssue[]): { title: string; tooltip: string } {
  const errors = issues.filter((i) => i.severity === 'error');
  return {
    title: `$(error) ${errors.length} error${errors.length === 1 ? '' : 's'} in this config: fix ${errors.length === 1 ? 'it' : 'them'} to train (Problems panel)`,
    tooltip: errors.slice(0, 5).map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'),
  };
}

/**
 * Workspace text made safe for a notification, which renders `[text](target)` as a link:
 * control characters dropped, the link syntax broken, length capped.
 */
export function plainText(s: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\]\s*\(/g, '] (');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Why Train did not start, for the notification. */
export function trainRefusal(file: string, errors: readonly ConfigIssue[]): string {
  const first = errors[0];
  const where = first.path ? `${first.path}: ` : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `VS-ML: training not started: ${plainText(file, 80)} has ${errors.length} error${errors.length === 1 ? '' : 's'}. ${plainText(`${where}${first.message}`)}${more}. See the Problems panel.`;
}

