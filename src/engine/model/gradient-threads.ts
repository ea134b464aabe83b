import { availableParallelism } from 'node:os';

/**
 * How many episodes of a meta-batch run at once on the kernel reverse pass: engine.threads (0 = one
 * per core) but no more than the meta-batch has episodes. Used by the optimizer and by the memory
 * estimate (each running episode holds its own tape).
 */
export function gradientThreads(threads: number, metaBatchSize: number): { threads: number; slots: number } {
  const t = threads || availableParallelism();
  return { threads: t, slots: Math.min(t, metaBatchSize) };
}
