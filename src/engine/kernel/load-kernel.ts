import { EngineError } from '../errors';
import { KernelBackend } from './kernel-abi';
import { loadNativeKernel } from './native-kernel';
import { WasmKernel } from './wasm-kernel';

/** 'wasm' takes the best wasm build; 'wasm-relaxed' / 'wasm-simd128' insist on one. */
export type KernelPreference = 'auto' | 'native' | 'wasm' | 'wasm-relaxed' | 'wasm-simd128';

export interface LoadedKernel {
  kernel: KernelBackend;
  kind: 'native' | 'wasm';
  /** Why faster builds were passed over (the native addon, the relaxed-SIMD wasm), for the run log. */
  skipped: string[];
}

/**
 * Loads the fused kernel: 'auto' tries the native addon, then the wasm builds (relaxed SIMD,
 * then simd128); the others insist on one. Throws an EngineError naming every reason when
 * nothing loads.
 */
export function loadKernel(prefer: KernelPreference = 'auto'): LoadedKernel {
  const skipped: string[] = [];
  if (prefer === 'auto' || prefer === 'native') {
    const native = loadNativeKernel();
    if (native.kernel) return { kernel: native.kernel, kind: 'native', skipped };
    skipped.push(`native: ${native.reason}`);
    if (prefer === 'native') throw new EngineError('engine.path', `the fused native kernel is not available (${native.reason})`, 'run `npm run build:native` with a C compiler installed, or let the fused path fall back to wasm');
  }
  const variant = prefer === 'wasm-relaxed' ? 'relaxed-simd' : prefer === 'wasm-simd128' ? 'simd128' : 'auto';
  const wasm = WasmKernel.load(undefined, variant);
  if (wasm.skipped) skipped.push(wasm.skipped);
  if (wasm.kernel) return { kernel: wasm.kernel, kind: 'wasm', skipped };
  skipped.push(`wasm: ${wasm.reason}`);
  throw new EngineError('engine.path', `no fused kernel could be loaded (${skipped.join('; ')})`, variant === 'relaxed-simd'
    ? 'use a runtime with relaxed SIMD (VS Code, Node >= 20) or let the fused path choose the simd128 build'
    : 'reinstall the package (the .wasm ships with it) or use engine.path "tfjs"');
}
