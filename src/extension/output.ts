import * as vscode from 'vscode';
import { showError } from './notify';

/** Lines for the one "VS-ML Lab" output channel, each prefixed by the component that wrote it. */
export interface Log {
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string): void;
  show(): void;
}

export const OUTPUT_CHANNEL_NAME = 'VS-ML Lab';

export function createLog(context: vscode.ExtensionContext): Log {
  // A log channel adds time and level; it is never revealed by a log line (only by "Open Output").
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(channel);
  return {
    info: (c, m) => channel.info(`[${c}] ${m}`),
    warn: (c, m) => channel.warn(`[${c}] ${m}`),
    error: (c, m) => channel.error(`[${c}] ${m}`),
    show: () => channel.show(true),
  };
}

/** Shows an error with an "Open Output" button that reveals the channel. */
export async function showErrorWithOutput(log: Log, message: string): Promise<void> {
  const choice = await showError(message, 'Open Output');
  if (choice === 'Open Output') log.show();
}
