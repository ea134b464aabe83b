import { setFlagsFromString } from 'node:v8';

/**
 * The smallest module using a relaxed-SIMD op: (func (param v128 v128 v128) (result v128)
 * f32x4.relaxed_madd). WebAssembly.validate on it says whether this runtime compiles relaxed SIMD.
 */
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128, v128, v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // local.get 0-2, f32x4.relaxed_madd (0xfd 0x105)
]);

/** The V8 flag that turns relaxed SIMD on in Node 20 (Electron, hence VS Code, and Node >= 22 have it on). */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

export interface RelaxedSimdSupport {
  ok: boolean;
  /** Why not, when !ok. */
  reason?: string;
  /** True when it took the V8 flag (Node 20). */
  viaFlag?: boolean;
}

/**
 * Whether a runtime runs relaxed SIMD. When the probe fails, sets the V8 flag (process-wide:
 * worker threads started later see it too) and probes again.
 */
export function probeRelaxedSimd(validate: (bytes: Uint8Array<ArrayBuffer>) => boolean, setFlags: (flags: string) => void): RelaxedSimdSupport {
  if (validate(PROBE)) return { ok: true };
  try {
    setFlags(RELAXED_SIMD_FLAG);
  } catch {
    // An embedder may refuse V8 flags; the second probe then fails and says so.
  }
  if (validate(PROBE)) return { ok: true, viaFlag: true };
  return { ok: false, reason: `this runtime (V8 ${process.versions.v8}) has no relaxed SIMD, even with ${RELAXED_SIMD_FLAG}` };
}

let cached: RelaxedSimdSupport | undefined;

/** probeRelaxedSimd for this process, once. */
export function relaxedSimdSupport(): RelaxedSimdSupport {
  cached ??= probeRelaxedSimd((b) => WebAssembly.validate(b), setFlagsFromString);
  return cached;
}
