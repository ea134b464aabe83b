import { fork } from 'node:child_process';
import type { ForkFn } from './trainer-process';

/** The real fork: the trainer is a plain Node script; no inherited debug flags, IPC for the protocol. */
export const nodeFork: ForkFn = (modulePath, args, options) =>
  fork(modulePath, [...args], { cwd: options.cwd, env: options.env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
