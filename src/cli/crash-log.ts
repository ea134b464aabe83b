import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `--debug` on the command line or VSML_DEBUG=1 in the environment: print stacks instead of filing them. */
export const debugEnabled = (argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean =>
  argv.includes('--debug') || (env.VSML_DEBUG !== undefined && env.VSML_DEBUG !== '' && env.VSML_DEBUG !== '0');

/**
 * Writes an unexpected error's stack (a bug, not bad input) to a log file in the temp folder and
 * returns its path, so the CLI and the trainer can print one readable line instead of a minified
 * stack. Undefined when the file cannot be written (then there is only the message).
 */
export function writeCrashLog(e: unknown, context: string, dir: string = tmpdir()): string | undefined {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `vsml-crash-${stamp}-${process.pid}.log`);
  const body = [
    `vsml ${context} crashed at ${new Date().toISOString()} (node ${process.version}, ${process.platform}-${process.arch})`,
    `command: ${process.argv.slice(1).join(' ')}`,
    '',
    e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e),
    '',
  ].join('\n');
  try {
    writeFileSync(file, body, { flag: 'wx', mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}

/** The one line shown for a crash: the error's name and message, and where its stack went. */
export function crashLine(e: unknown, logFile: string | undefined): string {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const where = logFile ? `; the stack is in ${logFile}` : '';
  return `${what.split('\n')[0]}${where} (run with --debug or VSML_DEBUG=1 to print it)`;
}
