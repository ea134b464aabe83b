/**
 * What the editor says when a config has errors, instead of training it: the lens shown in
 * place of "Train VS-ML" and the notification when Train is refused. Pure (no vscode import).
 * The words are the engine's (the CLI's).
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

/** Why Train did not start, for the notification (shown through notify.ts, which makes it plain text). */
export function trainRefusal(file: string, errors: readonly ConfigIssue[]): string {
  const first = errors[0];
  // messages that already name their field in backticks don't repeat it (as formatIssue)
  const where = first.path && !first.message.includes(`\`${first.path}\``) ? `${first.path}: ` : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `VS-ML: training not started: ${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}. ${where}${first.message}${more}. See the Problems panel.`;
}

