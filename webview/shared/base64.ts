/** Decodes base64 of little-endian float32 (the snapshot's state arrays) into a Float32Array. */
export function decodeFloat32(b64: string, expected: number): Float32Array {
  const bin = atob(b64);
  if (bin.length !== expected * 4) throw new Error(`expected ${expected} float32 (${expected * 4} bytes), got ${bin.length} bytes`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  // Little-endian on every platform VS Code runs on; DataView would be slower for 10^5 values.
  return new Float32Array(bytes.buffer);
}
