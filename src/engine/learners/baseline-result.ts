/** What a baseline's episode returns, as the runners' results: arrays are [T, batch, ...]. */
export interface BaselineEpisodeResult {
  logits: Float64Array; // [T, batch, C]
  ce: Float64Array; // [T, batch]
  correct: Uint8Array; // [T, batch]
}

export function emptyResult(T: number, batchSize: number, C: number): BaselineEpisodeResult {
  return { logits: new Float64Array(T * batchSize * C), ce: new Float64Array(T * batchSize), correct: new Uint8Array(T * batchSize) };
}
