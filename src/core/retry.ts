import type { Clock } from './time.js';

/**
 * Retry policy: bounded attempts, exponential backoff with full jitter, and a server's
 * `Retry-After` honoured (capped). Hand-written on purpose: none of the retry libraries lets
 * the sleep be injected *and* honours Retry-After per attempt, and both are requirements here.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  retries: number;
  /** Base of the exponential backoff. */
  baseDelayMs: number;
  /** Upper bound of one computed backoff. */
  maxDelayMs: number;
  /** Upper bound of a server-asked `Retry-After` wait. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 15_000, maxRetryAfterMs: 60_000 };

/**
 * The wait before retry number `attempt` (1-based): `Retry-After` when the server sent one,
 * otherwise a random time in [0, min(max, base * 2^(attempt-1))] ("full jitter").
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * random());
}

/** Parses `Retry-After`: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, clock: Pick<Clock, 'now'>): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - clock.now());
}
