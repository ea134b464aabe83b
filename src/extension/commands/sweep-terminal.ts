/**
 * The parts of `vsml.sweep` that do not need VS Code: checking what the user types as a grid
 * axis, and the terminal that runs `vsml sweep` (the bundled CLI under the editor's own Node, so
 * Ctrl-C in the terminal stops the sweep at a checkpoint, as on the command line).
 */
import { EngineError } from '../../engine/errors';
import { applyOverrides } from '../../engine/config/overrides';
import { type GridAxis, parseGrid, parseGridAxis } from '../../engine/sweep/grid';

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

export interface SweepTerminalRequest {
  /** The editor's Node (process.execPath; Electron run as Node in desktop VS Code). */
  readonly nodePath: string;
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

/** The options of the terminal running the sweep (vscode.TerminalOptions): no shell, so nothing is quoted. */
export function sweepTerminalOptions(r: SweepTerminalRequest): { name: string; shellPath: string; shellArgs: string[]; cwd: string; env: Record<string, string> } {
  const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1' };
  if (r.env.VSML_DATA_DIR !== undefined) env.VSML_DATA_DIR = r.env.VSML_DATA_DIR;
  return {
    name: `VS-ML sweep ${r.name}`,
    shellPath: r.nodePath,
    shellArgs: [
      r.cliPath, 'sweep', r.configFile,
      ...r.axes.flatMap((a) => ['--grid', `${a.key}=${a.values.join(',')}`]),
      '--parallel', String(r.parallel), '--name', r.name, '--runs-dir', r.runsDir,
    ],
    cwd: r.cwd,
    env,
  };
}
