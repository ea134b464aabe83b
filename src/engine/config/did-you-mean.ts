/**
 * Edit distance counting an insertion, deletion, substitution or swap of two neighbouring
 * letters as 1 (optimal string alignment), so `mnsit` is 1 from `mnist`.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
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
