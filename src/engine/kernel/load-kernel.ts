import { EngineError } from '../errors';
import { KernelBackend } from './kernel-abi';
import { loadNativeKernel } from './native-kernel';
import { WasmKernel } from './wasm-kernel';

export type KernelPreference = 'auto' | 'native' | 'wasm';

/**
 * Loads the fused kernel: 'auto' tries the native addon, then the wasm build; 'native' and
 * 'wasm' insist on one. Throws an EngineError naming both reasons when nothing loads.
 */
export function loadKernel(prefer: KernelPreference = 'auto'): { kernel: KernelBackend; kind: 'native' | 'wasm' } {
  const reasons: string[] = [];
  if (prefer !== 'wasm') {
    const native = loadNativeKernel();
    if (native.kernel) return { kernel: native.kernel, kind: 'native' };
    reasons.push(`native: ${native.reason}`);
    if (prefer === 'native') throw new EngineError('engine.path', `the fused native kernel is not available (${native.reason})`, 'run `npm run build:native` with a C compiler installed, or let the fused path fall back to wasm');
  }
  const wasm = WasmKernel.load();
  if (wasm.kernel) return { kernel: wasm.kernel, kind: 'wasm' };
  reasons.push(`wasm: ${wasm.reason}`);
  throw new EngineError('engine.path', `no fused kernel could be loaded (${reasons.join('; ')})`, 'reinstall the package (the .wasm ships with it) or use engine.path "tfjs"');
}
