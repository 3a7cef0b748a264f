/** How hard delivery tries before it hands records back to Lambda. */
export interface RetryPolicy {
  /** Sends of one entry (or one overflow object) before giving up on it. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Time kept free before the invocation's deadline, to return the batch item failure. */
  readonly safetyMarginMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  safetyMarginMs: 1_000,
};

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(retry-1))). */
export function fullJitterDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

const THROTTLING = new Set([
  "ServiceUnavailableException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "ProvisionedThroughputExceededException",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "InternalFailure",
  "InternalError",
  "InternalServerError",
]);
const TRANSIENT_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

/** Throttling, 5xx, timeouts and dropped connections are worth another try; a 4xx (bad stream name, no permission) is not. */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && (status >= 500 || status === 429)) return true;
  if (typeof e.name === "string" && (THROTTLING.has(e.name) || e.name === "TimeoutError" || e.name === "AbortError")) return true;
  if (typeof e.code === "string" && TRANSIENT_NETWORK.has(e.code)) return true;
  return e.$retryable !== undefined && e.$retryable !== null;
}

/**
 * The safety margin, shrunk to a fifth of the invocation's time when that is
 * short, so a function with a 1-2 s timeout still sends instead of giving up at once.
 */
export function fitPolicyToInvocation(policy: RetryPolicy, remainingMsAtStart: number): RetryPolicy {
  const margin = Math.min(policy.safetyMarginMs, Math.floor(Math.max(0, remainingMsAtStart) / 5));
  return margin === policy.safetyMarginMs ? policy : { ...policy, safetyMarginMs: margin };
}
