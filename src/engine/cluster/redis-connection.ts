import { Redis } from 'ioredis';
import { EngineError } from '../errors';

/**
 * Checks a cluster URL (`--cluster`, `engine.cluster`): redis:// or rediss:// (TLS), with an optional
 * user:password and database (`redis://:secret@host:6379/0`). Passed to ioredis as it is.
 */
export function checkClusterUrl(url: string, where: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EngineError(where, `is "${redactUrl(url)}", not a URL`, 'use redis://HOST:PORT (or rediss://HOST:PORT for TLS)');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new EngineError(where, `has scheme "${u.protocol}"`, 'use redis://HOST:PORT (or rediss://HOST:PORT for TLS)');
  if (!u.hostname) throw new EngineError(where, 'names no host', 'use redis://HOST:PORT');
  return url;
}

/** The URL with its password replaced by `***`, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * An ioredis connection for BullMQ (which wants `maxRetriesPerRequest: null`: commands wait for a
 * reconnect instead of failing). It retries forever with a capped backoff; whoever owns it decides
 * how long an outage may last. Errors go to `onError` instead of being thrown at the event loop.
 */
export function redisConnection(url: string, onError: (e: Error) => void): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * times, 2000), lazyConnect: false });
  r.on('error', onError);
  return r;
}
