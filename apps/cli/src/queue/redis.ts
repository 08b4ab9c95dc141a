import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';

/** Checks `--redis` and `--queue` before anything connects, so a typo gets a clear answer. */
export function checkQueueArgs(url: string | undefined, queue: string | undefined): { url: string; queue: string } {
  if (!url) throw new Error('--redis URL is required (e.g. redis://127.0.0.1:6379)');
  if (!/^rediss?:\/\//.test(url)) throw new Error(`--redis must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  if (!queue) throw new Error('--queue NAME is required');
  if (queue.includes(':')) throw new Error(`--queue must not contain ':' (BullMQ uses it in its keys), got ${JSON.stringify(queue)}`);
  return { url, queue };
}

/** BullMQ's connection options for a URL (BullMQ opens its own connections from them). */
export function connectionFor(url: string): ConnectionOptions {
  return { url };
}

/**
 * One plain connection, opened and PINGed before use. Redis clients otherwise retry for ever, so
 * a wrong URL would hang instead of saying what is wrong.
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {}); // reported through connect() below; no unhandled 'error' event
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${url}: ${(err as Error).message || String(err)}`);
  }
  return redis;
}

/** The Redis key of a queue's own key `type` under BullMQ's default prefix. */
export function queueKey(queue: string, type: string): string {
  return `bull:${queue}:${type}`;
}
