import { EngineError } from '../engine/errors';
import { formatIssue } from '../engine/config/issues';
import { ConfigErrors } from './load-experiment';

/**
 * Prints an error the way every CLI command does: engine errors as "file: field: message"
 * plus the fix; anything else as a crash with its stack (that is a bug, not bad input).
 */
export function printError(e: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): void {
  if (e instanceof EngineError) {
    const where = [e.file, e.path].filter(Boolean).join(': ');
    write(`error: ${where ? `${where}: ` : ''}${e.rawMessage()}\n`);
    if (e.fix) write(`  fix: ${e.fix}\n`);
    return;
  }
  if (e instanceof ConfigErrors) {
    for (const issue of e.issues) write(`error: ${formatIssue(issue)}\n`);
    return;
  }
  write(`vsml crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
}
