/**
 * θ as it travels in a cluster job (src/protocol/cluster.ts): base64 of its float64 bytes,
 * little-endian as on every platform Node runs on. Exact: a worker runs the coordinator's θ bit for bit.
 */
export function encodeTheta(theta: Float64Array): string {
  return Buffer.from(theta.buffer, theta.byteOffset, theta.byteLength).toString('base64');
}

export function decodeTheta(base64: string): Float64Array {
  const buf = Buffer.from(base64, 'base64');
  const out = new Float64Array(buf.length / 8);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
