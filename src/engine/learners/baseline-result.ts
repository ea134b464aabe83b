/** What a baseline's episode returns, as the runners' results: arrays are [T, batch, ...]. */
export interface BaselineEpisodeResult {
  logits: Float64Array; // [T, batch, C]
  ce: Float64Array; // [T, batch]
  correct: Uint8Array; // [T, batch]
}
