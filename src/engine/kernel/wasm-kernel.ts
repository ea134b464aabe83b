import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelBackend } from './kernel-abi';
import { relaxedSimdSupport } from './relaxed-simd';

/** The two committed wasm builds (native/build-wasm.sh), fastest first. */
export type WasmVariant = 'relaxed-simd' | 'simd128';
export const WASM_BUILDS: Readonly<Record<WasmVariant, string>> = {
  'relaxed-simd': 'vsml-kernel-relaxed.wasm',
  simd128: 'vsml-kernel.wasm',
};

/** Names the loader needs from native/vsml-kernel.wasm (a test checks the committed file has them). */
export const WASM_EXPORTS = ['memory', 'vsml_episode', 'vsml_work_floats', 'vsml_io_sizes', '__heap_base'] as const;

interface KernelExports {
  memory: WebAssembly.Memory;
  vsml_episode(ci: number, cf: number, theta: number, inputs: number, labels: number, stateIn: number, logits: number, stateOut: number, work: number): number;
  vsml_work_floats(ci: number): number;
  vsml_io_sizes(ci: number, out: number): number;
  __heap_base: WebAssembly.Global;
}

/** A committed .wasm next to a dist/ bundle, or in native/ when run from source (tsx). */
export function wasmKernelCandidates(dir: string = __dirname, file: string = WASM_BUILDS.simd128): string[] {
  return [join(dir, file), join(dir, '..', 'native', file), join(dir, '..', '..', '..', 'native', file)];
}

/**
 * The kernel built for wasm32 + simd128, or + relaxed SIMD (native/build-wasm.sh). No emscripten: the module
 * imports nothing; this glue copies the arrays into its linear memory after __heap_base,
 * growing the memory as needed, and copies the results out.
 */
export class WasmKernel implements KernelBackend {
  private readonly ex: KernelExports;
  private readonly heapBase: number;

  constructor(bytes: Uint8Array<ArrayBuffer>, readonly variant: WasmVariant = 'simd128') {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    this.ex = instance.exports as unknown as KernelExports;
    for (const name of WASM_EXPORTS) if (!(name in this.ex)) throw new Error(`vsml-kernel.wasm lacks the export ${name}; rebuild it with npm run build:kernel`);
    this.heapBase = Number(this.ex.__heap_base.value);
  }

  /**
   * Loads one build: 'auto' takes the relaxed-SIMD build when this runtime has relaxed SIMD
   * (probed, see relaxed-simd.ts) and it loads, else the simd128 build. `skipped` says why the
   * relaxed build was passed over, for the run log.
   */
  static load(dir?: string, prefer: WasmVariant | 'auto' = 'auto'): { kernel?: WasmKernel; reason?: string; skipped?: string } {
    let skipped: string | undefined;
    if (prefer !== 'simd128') {
      const support = relaxedSimdSupport();
      const relaxed = support.ok ? WasmKernel.loadFile(dir, 'relaxed-simd') : { reason: support.reason };
      if (relaxed.kernel || prefer === 'relaxed-simd') return relaxed;
      skipped = `wasm relaxed-simd: ${relaxed.reason}`;
    }
    return { ...WasmKernel.loadFile(dir, 'simd128'), ...(skipped ? { skipped } : {}) };
  }

  private static loadFile(dir: string | undefined, variant: WasmVariant): { kernel?: WasmKernel; reason?: string } {
    const file = WASM_BUILDS[variant];
    const found = wasmKernelCandidates(dir, file).find((p) => existsSync(p));
    if (!found) return { reason: `${file} is missing (it is committed in native/; run \`npm run build\` to copy it to dist/)` };
    try {
      return { kernel: new WasmKernel(new Uint8Array(readFileSync(found)), variant) };
    } catch (e) {
      return { reason: `${found} failed to instantiate: ${(e as Error).message}` };
    }
  }

  episode(ci: Int32Array, cf: Float32Array, theta: Float32Array, inputs: Float32Array, labels: Int32Array,
    stateIn: Float32Array, logitsOut: Float32Array, stateOut: Float32Array | null): number {
    const ex = this.ex;
    // Phase 1: the config and the size query.
    let top = align(this.heapBase, 64);
    const ciPtr = top;
    top += align(ci.byteLength, 64);
    const sizesPtr = top;
    top += 64;
    this.ensure(top);
    new Int32Array(ex.memory.buffer, ciPtr, ci.length).set(ci);
    const err = ex.vsml_io_sizes(ciPtr, sizesPtr);
    if (err !== 0) return err;
    const [nTheta, nInputs, nLabels, nState, nLogits] = new Int32Array(ex.memory.buffer, sizesPtr, 5);
    if (theta.length < nTheta || inputs.length < nInputs || labels.length < nLabels || stateIn.length < nState || logitsOut.length < nLogits || (stateOut && stateOut.length < nState))
      throw new RangeError('vsml-kernel: a buffer is smaller than the config needs');
    const workFloats = ex.vsml_work_floats(ciPtr);
    // Phase 2: lay out every buffer, 64-byte aligned.
    const place = (bytes: number): number => {
      const p = top;
      top += align(bytes, 64);
      return p;
    };
    const cfPtr = place(cf.byteLength);
    const thetaPtr = place(nTheta * 4);
    const inputsPtr = place(nInputs * 4);
    const labelsPtr = place(nLabels * 4);
    const stateInPtr = place(nState * 4);
    const logitsPtr = place(nLogits * 4);
    const stateOutPtr = stateOut ? place(nState * 4) : 0;
    const workPtr = place(workFloats * 4);
    this.ensure(top);
    const buf = ex.memory.buffer;
    new Float32Array(buf, cfPtr, cf.length).set(cf);
    new Float32Array(buf, thetaPtr, nTheta).set(theta.subarray(0, nTheta));
    new Float32Array(buf, inputsPtr, nInputs).set(inputs.subarray(0, nInputs));
    new Int32Array(buf, labelsPtr, nLabels).set(labels.subarray(0, nLabels));
    new Float32Array(buf, stateInPtr, nState).set(stateIn.subarray(0, nState));
    const code = ex.vsml_episode(ciPtr, cfPtr, thetaPtr, inputsPtr, labelsPtr, stateInPtr, logitsPtr, stateOutPtr, workPtr);
    if (code !== 0) return code;
    logitsOut.set(new Float32Array(ex.memory.buffer, logitsPtr, nLogits));
    if (stateOut) stateOut.set(new Float32Array(ex.memory.buffer, stateOutPtr, nState));
    return 0;
  }

  /** Grows the linear memory to hold `bytes` (pages of 64 KiB). */
  private ensure(bytes: number): void {
    const have = this.ex.memory.buffer.byteLength;
    if (bytes > have) this.ex.memory.grow(Math.ceil((bytes - have) / 65536));
  }
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;
