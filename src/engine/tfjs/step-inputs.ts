/**
 * Host-side construction of the two per-step message inputs. Both are tiny and built from data
 * (and, in the runner, from the error computed on the host), so they are uploaded as one tensor
 * each rather than assembled from a chain of small tfjs ops.
 */

/** in_fwd_0 [batch, A_0, M]: x_t of batch member b on channel 0, zeros elsewhere. */
export function firstLayerFwdIn(inputs: ArrayLike<number>, offset: number, batch: number, nIn: number, msgSize: number): Float32Array {
  const out = new Float32Array(batch * nIn * msgSize);
  for (let i = 0; i < batch * nIn; i++) out[i * msgSize] = inputs[offset + i];
  return out;
}

/** in_bwd_{L-1} [batch, A_L, M]: the error E [batch, A_L, 2] on channels 0 and 1, zeros elsewhere. */
export function lastLayerBwdIn(errors: ArrayLike<number>, batch: number, nClasses: number, msgSize: number): Float32Array {
  const out = new Float32Array(batch * nClasses * msgSize);
  for (let i = 0; i < batch * nClasses; i++) {
    out[i * msgSize] = errors[i * 2];
    out[i * msgSize + 1] = errors[i * 2 + 1];
  }
  return out;
}
