import seedrandom from 'seedrandom';

/**
 * A seeded random source. Engine code never calls Math.random: every random draw comes
 * from an Rng passed in, so a run is reproducible from its seed and a rollout can be
 * replayed on another thread or machine from (seed, stream) alone.
 */
export class Rng {
  private readonly next: () => number;
  private spare: number | undefined;

  /** `stream` derives independent generators from one seed (e.g. one per rollout). */
  constructor(seed: number | string, stream?: number | string) {
    this.next = seedrandom.alea(stream === undefined ? `${seed}` : `${seed}/${stream}`);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Normal with std `std`, redrawn until inside ±2 std (Haiku TruncatedNormal, no variance correction). */
  truncatedNormal(std: number): number {
    for (;;) {
      const z = this.normal();
      if (z > -2 && z < 2) return z * std;
    }
  }

  /** Fills `out` with standard normals. */
  fillNormal(out: Float64Array | Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
  }

  /** A uniformly random permutation of [0, n) (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
