import { createHash } from 'node:crypto';

/**
 * The key a run's config is published under and jobs name it by: sha256 (hex) of its JSON. The
 * worker recomputes it from what it read, so a job never runs on another config than its own.
 */
export function configHash(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}
