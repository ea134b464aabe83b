/**
 * The webview's side of VS Code: acquireVsCodeApi once, typed posts, and the panel's one state
 * object saved with setState (style guide §6) so a panel redraws itself when it is shown again.
 */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface PanelApi<Out, State> {
  post(message: Out): void;
  /** The saved state, or undefined when the panel starts fresh (the caller validates it). */
  savedState(): unknown;
  saveState(state: State): void;
  /** Logs a line in the host's output channel (a user sees no webview console). */
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

let api: VsCodeApi | undefined;

export function panelApi<Out, State>(): PanelApi<Out, State> {
  api ??= acquireVsCodeApi();
  const vs = api;
  return {
    post: (m) => vs.postMessage(m),
    savedState: () => vs.getState(),
    saveState: (s) => vs.setState(s),
    log: (level, message) => vs.postMessage({ type: 'log', level, message }),
  };
}

/**
 * Listens for host messages, parses each, and hands only valid ones on. Invalid ones are
 * logged (console and host) and dropped: never rendered, never executed.
 */
export function onHostMessage<T>(
  parse: (v: unknown) => { ok: true; message: T } | { ok: false; error: string },
  handle: (m: T) => void,
  log: (level: 'warn', message: string) => void,
): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parse(event.data);
    if (!parsed.ok) {
      console.warn(`[vsml] dropped a host message: ${parsed.error}`);
      log('warn', `panel dropped a host message: ${parsed.error}`);
      return;
    }
    handle(parsed.message);
  });
}
