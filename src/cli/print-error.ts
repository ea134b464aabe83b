import { EngineError } from '../engine/errors';
import { formatIssue } from '../engine/config/issues';
import { ConfigErrors } from './load-experiment';
import { crashLine, debugEnabled, writeCrashLog } from './crash-log';

/**
 * Prints an error the way every CLI command does: engine errors as "file: field: message"
 * plus the fix; anything else is a crash (a bug, not bad input): one line with the message and
 * the path of a log holding the stack, or the stack itself with --debug / VSML_DEBUG=1.
 */
export function printError(e: unknown, write: (s: string) => void = (s) => process.stderr.write(s), debug = debugEnabled()): void {
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
  if (debug) {
    write(`vsml crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return;
  }
  write(`error: vsml crashed: ${crashLine(e, writeCrashLog(e, 'cli'))}\n`);
}
