import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// A bare `import '@tensorflow/tfjs-backend-cpu'` is dropped by esbuild (the package's
// sideEffects list omits its node entry), leaving bundles without the cpu backend; using an
// export in reachable code keeps the module, whose loading registers the backend and kernels.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { EngineError } from '../errors';

export type TfjsBackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** What actually runs: the run log prints `backend` and `threads`. */
export interface TfjsBackendSelection {
  /** The tfjs backend name: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  threads: number;
  tf: typeof tf;
  /** Why a preferred backend was skipped, or why fewer threads run than asked for. */
  notes: string[];
}

const PREFS: readonly TfjsBackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
const WASM_SIMD = 'tfjs-backend-wasm-simd.wasm';

// Backend initialisation is global to the tfjs engine; these remember what was tried once.
let nodeLoad: { ok: true } | { ok: false; reason: string } | undefined;
let wasmInit: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;

/**
 * Where the wasm backend's .wasm binaries are: next to a bundled dist/*.js (scripts/build.mjs
 * copies them there), else in node_modules (running from source through tsx).
 */
export function wasmBinaryDir(): string {
  if (existsSync(join(__dirname, WASM_SIMD))) return __dirname + '/';
  try {
    const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
    const dir = join(dirname(pkg), 'dist');
    if (existsSync(join(dir, WASM_SIMD))) return dir + '/';
  } catch {
    // fall through to the error below
  }
  throw new EngineError('engine.backend', `cannot find ${WASM_SIMD} next to ${__dirname} or in node_modules/@tensorflow/tfjs-backend-wasm/dist`,
    'rebuild with `npm run build` (it copies the .wasm files into dist/) or reinstall dependencies with `npm ci`');
}

/**
 * `@tensorflow/tfjs-node` (or `-gpu`) is an optional native dependency. It is required
 * dynamically (esbuild leaves it external) and registers the 'tensorflow' backend on the
 * shared tfjs-core; a copy of tfjs-core of another version would register elsewhere.
 */
function loadTfjsNode(threads: number | undefined): { ok: true } | { ok: false; reason: string } {
  if (nodeLoad) return nodeLoad;
  // TensorFlow reads its intra-op thread count when the library loads.
  if (threads !== undefined && process.env.TF_NUM_INTRAOP_THREADS === undefined) process.env.TF_NUM_INTRAOP_THREADS = String(threads);
  const reasons: string[] = [];
  for (const load of [() => require('@tensorflow/tfjs-node-gpu'), () => require('@tensorflow/tfjs-node')]) {
    try {
      load();
      if (tf.findBackendFactory('tensorflow')) return (nodeLoad = { ok: true });
      reasons.push('it loaded but registered its backend on another copy of @tensorflow/tfjs-core (version mismatch)');
    } catch (e) {
      reasons.push(((e as Error).message ?? String(e)).split('\n')[0]);
    }
  }
  return (nodeLoad = { ok: false, reason: reasons.join('; ') });
}

function initWasm(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!wasmInit) {
    wasmInit = (async () => {
      try {
        tfWasm.setWasmPaths(wasmBinaryDir());
        // tfjs disables the threaded-SIMD build under Node (WASM_HAS_MULTITHREAD_SUPPORT is
        // false there, tfjs issue #3830). Forcing the flag on (tried with Node 20, tfjs 4.22)
        // makes initialisation fail: Emscripten starts its pthreads with
        // `new Worker("blob:nodedata:...")`, which worker_threads rejects (ERR_WORKER_PATH).
        // So one tfjs-wasm engine is one thread here; TfjsRunner uses worker threads instead.
        const ok = await tf.setBackend('wasm');
        return ok ? { ok: true as const } : { ok: false as const, reason: 'tf.setBackend("wasm") returned false' };
      } catch (e) {
        return { ok: false as const, reason: (e as Error).message ?? String(e) };
      }
    })();
  }
  return wasmInit;
}

function wasmThreads(): number {
  try {
    return tfWasm.getThreadsCount();
  } catch {
    return 1;
  }
}

/**
 * Picks and activates a TensorFlow.js backend. 'auto' tries tfjs-node, then wasm, then cpu;
 * an explicit choice that cannot load is an EngineError naming the setting and the fix.
 */
export async function selectTfjsBackend(pref: TfjsBackendPreference = 'auto', threads?: number): Promise<TfjsBackendSelection> {
  if (!PREFS.includes(pref)) throw new EngineError('engine.backend', `is "${pref}"`, `use one of ${PREFS.join(', ')}`);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
    throw new EngineError('engine.threads', `must be a positive integer, got ${threads}`, 'use 1 or more, or leave it out for all cores');
  const notes: string[] = [];

  if (pref === 'auto' || pref === 'tensorflow') {
    const node = loadTfjsNode(threads);
    if (node.ok && (await tf.setBackend('tensorflow'))) {
      const n = Number(process.env.TF_NUM_INTRAOP_THREADS) || cpus().length;
      return { backend: 'tensorflow', threads: n, tf, notes };
    }
    const why = node.ok ? 'its backend failed to initialise' : node.reason;
    if (pref === 'tensorflow')
      throw new EngineError('engine.backend', `is "tensorflow", but @tensorflow/tfjs-node could not be loaded (${why})`,
        'install it with `npm install @tensorflow/tfjs-node` (needs internet and a supported OS/CPU), or set engine.backend to "auto", "wasm" or "cpu"');
    notes.push(`tfjs-node unavailable (${why})`);
  }

  if (pref === 'auto' || pref === 'wasm') {
    const w = await initWasm();
    if (w.ok && (await tf.setBackend('wasm'))) {
      const n = wasmThreads();
      if (threads !== undefined && threads > n) notes.push(`the tfjs wasm backend runs ${n} thread(s) in Node (its threaded build is disabled there), not ${threads}`);
      return { backend: 'wasm', threads: n, tf, notes };
    }
    const why = w.ok ? 'tf.setBackend("wasm") failed' : w.reason;
    if (pref === 'wasm')
      throw new EngineError('engine.backend', `is "wasm", but the TensorFlow.js wasm backend did not start (${why})`,
        'run `npm run build` so dist/ holds the .wasm files, reinstall with `npm ci`, or set engine.backend to "cpu"');
    notes.push(`tfjs wasm backend unavailable (${why})`);
  }

  if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  if (!(await tf.setBackend('cpu')))
    throw new EngineError('engine.backend', 'the TensorFlow.js cpu backend did not start', 'reinstall dependencies with `npm ci`');
  if (threads !== undefined && threads > 1) notes.push(`the tfjs cpu backend is single-threaded, not ${threads} threads`);
  return { backend: 'cpu', threads: 1, tf, notes };
}
