/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: at most a third
 * of the longer word's letters differ (so `popsize` does not match `iterations`), or one is a
 * prefix-free substring of the other (`population` -> `population_size`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  if (bestD <= Math.max(1, Math.floor(Math.max(w.length, best.length) / 3))) return best;
  const sub = candidates.filter((c) => w.length >= 4 && (c.toLowerCase().includes(w) || w.includes(c.toLowerCase())));
  return sub.length === 1 ? sub[0] : undefined;
}
