/**
 * Sends delta lines to Firehose with PutRecordBatch, in stream order, retrying
 * only the entries that failed (a 200 response can still carry failed entries),
 * with exponential backoff and full jitter, within the invocation's time.
 */
import { takeCallPrefix } from "./call-batching";
import { describeError, errorFields, type CaptureLog } from "./capture-log";
import type { Clock, RemainingTime } from "./clock";
import type { FirehoseLimits } from "./limits";
import { fullJitterDelayMs, isRetryableError, type RetryPolicy } from "./retry-policy";

/** The one Firehose call delivery makes; the SDK client is adapted to it in aws-clients.ts. */
export interface RecordBatchSender {
  putRecordBatch(
    input: { readonly DeliveryStreamName: string; readonly Records: readonly { readonly Data: Uint8Array }[] },
    options: { readonly abortSignal: AbortSignal },
  ): Promise<{ FailedPutCount?: number; RequestResponses?: readonly { RecordId?: string; ErrorCode?: string; ErrorMessage?: string }[] }>;
}

export interface DeliveryEntry {
  /** Position of the record in the Lambda batch (stream order). */
  readonly index: number;
  readonly data: Uint8Array;
}

export interface DeliveryDeps {
  readonly sender: RecordBatchSender;
  readonly deliveryStreamName: string;
  readonly limits: FirehoseLimits;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly remainingMs: RemainingTime;
  readonly log: CaptureLog;
}

export interface Undelivered {
  readonly index: number;
  readonly reason: string;
}

export interface DeliveryResult {
  /** The earliest entry that was not delivered, if any; everything before it was. */
  readonly undelivered?: Undelivered;
  readonly calls: number;
  readonly deliveredRecords: number;
  readonly deliveredBytes: number;
  /** Entry sends after the first send of that entry. */
  readonly retries: number;
  /** Entries Firehose rejected or that were in a failed call, counted per send. */
  readonly failedEntries: number;
}

interface Pending extends DeliveryEntry {
  attempts: number;
}

/** Entries must be in stream order and each within the per-record limit. */
export async function deliverEntries(entries: readonly DeliveryEntry[], deps: DeliveryDeps): Promise<DeliveryResult> {
  const { policy, clock, log } = deps;
  let pending: Pending[] = entries.map((entry) => ({ ...entry, attempts: 0 }));
  let undelivered: Undelivered | undefined;
  let calls = 0;
  let deliveredRecords = 0;
  let deliveredBytes = 0;
  let retries = 0;
  let failedEntries = 0;
  let consecutiveFailedCalls = 0;

  // Giving up on one entry makes every later entry pointless to send: Lambda
  // resends the batch from that record on.
  const giveUp = (entry: Pending, reason: string): void => {
    if (undelivered === undefined || entry.index < undelivered.index) undelivered = { index: entry.index, reason };
    const cut = undelivered.index;
    pending = pending.filter((p) => p.index < cut);
  };
  const budgetMs = (): number => deps.remainingMs() - policy.safetyMarginMs;

  while (pending.length > 0) {
    const budget = budgetMs();
    if (budget <= 0) {
      giveUp(pending[0] as Pending, "time budget exhausted");
      break;
    }
    const call = takeCallPrefix(pending, deps.limits);
    const rest = pending.slice(call.length);
    for (const entry of call) {
      if (entry.attempts > 0) retries++;
      entry.attempts++;
    }
    calls++;
    let failed: { entry: Pending; reason: string }[];
    try {
      const response = await deps.sender.putRecordBatch(
        { DeliveryStreamName: deps.deliveryStreamName, Records: call.map((entry) => ({ Data: entry.data })) },
        { abortSignal: AbortSignal.timeout(budget) },
      );
      failed = failedEntriesOf(call, response);
    } catch (error) {
      if (!isRetryableError(error)) {
        log.error("PutRecordBatch failed and cannot be retried", { ...errorFields(error), records: call.length });
        failedEntries += call.length;
        giveUp(call[0] as Pending, `PutRecordBatch failed: ${describeError(error)}`);
        continue;
      }
      log.warn("PutRecordBatch failed, retrying the whole call", { ...errorFields(error), records: call.length });
      failed = call.map((entry) => ({ entry, reason: `PutRecordBatch failed: ${describeError(error)}` }));
    }

    const failedSet = new Set(failed.map((f) => f.entry));
    for (const entry of call) {
      if (!failedSet.has(entry)) {
        deliveredRecords++;
        deliveredBytes += entry.data.byteLength;
      }
    }
    failedEntries += failed.length;
    // Failed entries come first: they are earlier in the stream than the rest.
    pending = [...failed.map((f) => f.entry), ...rest];
    for (const { entry, reason } of failed) {
      if (entry.attempts >= policy.maxAttempts) giveUp(entry, `${reason} after ${entry.attempts} attempts`);
    }
    if (failed.length === 0) {
      consecutiveFailedCalls = 0;
      continue;
    }
    if (pending.length === 0) break;
    consecutiveFailedCalls++;
    const delay = fullJitterDelayMs(consecutiveFailedCalls, policy, () => clock.random());
    if (budgetMs() - delay <= 0) {
      giveUp(pending[0] as Pending, "time budget exhausted");
      break;
    }
    log.warn("retrying failed Firehose entries", { failed: failed.length, delayMs: delay, retry: consecutiveFailedCalls });
    await clock.sleep(delay);
  }
  return { undelivered, calls, deliveredRecords, deliveredBytes, retries, failedEntries };
}

function failedEntriesOf(
  call: readonly Pending[],
  response: Awaited<ReturnType<RecordBatchSender["putRecordBatch"]>>,
): { entry: Pending; reason: string }[] {
  const responses = response.RequestResponses;
  if (!responses || responses.length !== call.length) {
    // Without one response per entry nothing is known to be delivered: resend (a duplicate is harmless, a loss is not).
    return call.map((entry) => ({ entry, reason: "PutRecordBatch returned a response that does not match the request" }));
  }
  const failed: { entry: Pending; reason: string }[] = [];
  responses.forEach((r, i) => {
    if (r.ErrorCode) failed.push({ entry: call[i] as Pending, reason: `${r.ErrorCode}: ${r.ErrorMessage ?? ""}` });
  });
  return failed;
}
