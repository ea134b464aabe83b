/**
 * The parts of `vsml.sweep` that do not need VS Code: checking what the user types as a grid
 * axis, and the terminal that runs `vsml sweep` (the bundled CLI as a child of the extension host,
 * so Ctrl-C in the terminal stops the sweep at a checkpoint, as on the command line).
 */
import { EngineError } from '../../engine/errors';
import { applyOverrides } from '../../engine/config/overrides';
import { type GridAxis, parseGrid, parseGridAxis } from '../../engine/sweep/grid';
import type { ChildLike, ForkFn } from '../trainer/trainer-process';

/**
 * Why `text` is not a usable grid axis after the `earlier` ones, or undefined when it is: the
 * form `path=v1,v2`, a config path the schema knows (with its "did you mean"), no path twice.
 * The values themselves are checked by `vsml sweep` against the whole config before any run starts.
 */
export function gridAxisProblem(text: string, earlier: readonly GridAxis[]): string | undefined {
  let axis: GridAxis;
  try {
    axis = parseGridAxis(text.trim());
    parseGrid([...earlier.map((a) => `${a.key}=${a.values.join(',')}`), text.trim()]);
  } catch (e) {
    if (e instanceof EngineError) return `${e.rawMessage()}${e.fix ? ` (${e.fix})` : ''}`;
    throw e;
  }
  const issue = applyOverrides({}, [`${axis.key}=${axis.values[0]}`]).find((i) => i.code === 'override');
  return issue ? `${issue.message}${issue.fix ? ` (${issue.fix})` : ''}` : undefined;
}

/** `"2"` → 2; anything but a whole number >= 1 is a problem to show under the input box. */
export function parallelProblem(text: string): string | undefined {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 1 ? undefined : 'a whole number of runs at a time, at least 1';
}

export interface SweepRequest {
  /** The bundled CLI, dist/cli.js. */
  readonly cliPath: string;
  readonly configFile: string;
  readonly axes: readonly GridAxis[];
  readonly parallel: number;
  readonly name: string;
  readonly runsDir: string;
  readonly cwd: string;
  /** The trainers' environment (VSML_DATA_DIR from the settings). */
  readonly env: NodeJS.ProcessEnv;
}

/** The `vsml sweep` arguments for the request: each grid axis one argument, nothing for a shell to quote. */
export function sweepArgs(r: SweepRequest): string[] {
  return [
    'sweep', r.configFile,
    ...r.axes.flatMap((a) => ['--grid', `${a.key}=${a.values.join(',')}`]),
    '--parallel', String(r.parallel), '--name', r.name, '--runs-dir', r.runsDir,
  ];
}

/** What the terminal shows and how it ends (a vscode.Pseudoterminal's two events). */
export interface TerminalSink {
  write(text: string): void;
  close(): void;
}

const CTRL_C = '\x03';
/** A terminal wants CRLF; the CLI prints LF. */
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/**
 * The terminal of one `vsml sweep` (a vscode.Pseudoterminal's behaviour, without vscode): shows the
 * sweep's output, turns Ctrl-C into SIGINT for it (it then stops its runs at a checkpoint; a second
 * Ctrl-C ends them at once), and stays open after the sweep ends so its summary table can be read,
 * until a key is pressed. Closing the terminal while the sweep runs stops it the same way (SIGTERM).
 */
export class SweepTerminal {
  private child: ChildLike | undefined;
  private exited = false;

  constructor(private readonly fork: ForkFn, private readonly request: SweepRequest, private readonly sink: TerminalSink) {}

  open(): void {
    const args = sweepArgs(this.request);
    this.sink.write(crlf(`vsml ${args.join(' ')}\n\n`));
    let child: ChildLike;
    try {
      child = this.fork(this.request.cliPath, args, { cwd: this.request.cwd, env: this.request.env });
    } catch (e) {
      this.ended(`could not start vsml sweep: ${(e as Error).message}`);
      return;
    }
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.sink.write(crlf(chunk)));
    }
    child.on('error', (e) => this.ended(`vsml sweep: ${e.message}`));
    child.on('exit', (code, signal) => this.ended(`vsml sweep ended (${signal ?? `exit code ${code}`})`));
  }

  handleInput(data: string): void {
    if (this.exited) this.sink.close();
    else if (data.includes(CTRL_C)) this.child?.kill('SIGINT');
  }

  /** The user closed the terminal (or the window): a running sweep stops its runs at a checkpoint. */
  close(): void {
    if (!this.exited) this.child?.kill('SIGTERM');
  }

  private ended(message: string): void {
    if (this.exited) return;
    this.exited = true;
    this.sink.write(crlf(`\n${message}; press any key to close this terminal\n`));
  }
}
