import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_RETRY_POLICY, fitPolicyToInvocation, fullJitterDelayMs, isRetryableError } from "../../functions/stream-to-firehose/retry-policy";
import { serviceError } from "./fakes";

void describe("retry policy", () => {
  void it("backs off exponentially with full jitter, capped", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    const top = () => 0.999999;
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((retry) => fullJitterDelayMs(retry, policy, top)), [99, 199, 399, 799, 999, 999]);
    assert.deepEqual([1, 5].map((retry) => fullJitterDelayMs(retry, policy, () => 0)), [0, 0]);
    assert.equal(fullJitterDelayMs(3, policy, () => 0.5), 200);
  });

  void it("retries throttling, 5xx, timeouts and dropped connections, not client errors", () => {
    const retryable = [
      serviceError("ServiceUnavailableException", 503),
      serviceError("ThrottlingException", 400),
      serviceError("LimitExceededException", 400),
      serviceError("SomethingNew", 500),
      serviceError("SlowDown", 503),
      serviceError("TooManyRequests", 429),
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      Object.assign(new Error("timed out"), { name: "TimeoutError" }),
      Object.assign(new Error("x"), { $retryable: {} }),
    ];
    const final = [
      serviceError("ResourceNotFoundException", 400),
      serviceError("InvalidArgumentException", 400),
      serviceError("AccessDeniedException", 403),
      new Error("plain"),
      "a string",
      undefined,
    ];
    assert.deepEqual(retryable.map(isRetryableError), retryable.map(() => true));
    assert.deepEqual(final.map(isRetryableError), final.map(() => false));
  });

  void it("keeps the safety margin, unless the invocation is so short that it would leave no time to send", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, safetyMarginMs: 1_000 };
    assert.equal(fitPolicyToInvocation(policy, 60_000), policy);
    assert.equal(fitPolicyToInvocation(policy, 5_000), policy);
    assert.equal(fitPolicyToInvocation(policy, 1_500).safetyMarginMs, 300);
    assert.equal(fitPolicyToInvocation(policy, -5).safetyMarginMs, 0);
  });
});
