/**
 * Records over Firehose's per-record limit: the whole delta record goes to S3
 * and the line sent to Firehose points at it. The key is deterministic
 * (seq + event id), so a retried batch overwrites the same object.
 */
import type { DeltaRecord } from "../shared/delta-record";
import { describeError, type CaptureLog } from "./capture-log";
import type { Clock, RemainingTime } from "./clock";
import { fullJitterDelayMs, isRetryableError, type RetryPolicy } from "./retry-policy";

/** The one S3 call overflow makes; the SDK client is adapted to it in aws-clients.ts. */
export interface ObjectWriter {
  putObject(
    input: { readonly Bucket: string; readonly Key: string; readonly Body: Uint8Array; readonly ContentType: string },
    options: { readonly abortSignal: AbortSignal },
  ): Promise<unknown>;
}

export interface OverflowDeps {
  readonly writer: ObjectWriter;
  readonly bucket: string;
  /** Ends in "/"; the table name and "/" are appended. */
  readonly prefix: string;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly remainingMs: RemainingTime;
  readonly log: CaptureLog;
}

/** <prefix><table>/<seq40>-<event_id>.json; characters unsafe in a key are replaced, the pointer carries the exact URI anyway. */
export function overflowKey(prefix: string, delta: Pick<DeltaRecord, "table" | "seq" | "event_id">): string {
  return `${prefix}${delta.table}/${delta.seq}-${delta.event_id.replace(/[^A-Za-z0-9._-]/g, "_")}.json`;
}

/** The line sent instead of an oversize record: same fields, images null, `overflow` naming the object. */
export function overflowPointer(delta: DeltaRecord, uri: string): DeltaRecord {
  return { ...delta, new_image: null, old_image: null, overflow: uri };
}

export type OverflowResult = { readonly ok: true; readonly uri: string } | { readonly ok: false; readonly reason: string };

/** Writes the whole delta record as JSON, retrying throttling and 5xx within the time left. */
export async function writeOverflow(delta: DeltaRecord, deps: OverflowDeps): Promise<OverflowResult> {
  const key = overflowKey(deps.prefix, delta);
  const body = Buffer.from(JSON.stringify(delta), "utf8");
  for (let attempt = 1; ; attempt++) {
    const budget = deps.remainingMs() - deps.policy.safetyMarginMs;
    if (budget <= 0) return { ok: false, reason: "time budget exhausted before the overflow object was written" };
    try {
      await deps.writer.putObject(
        { Bucket: deps.bucket, Key: key, Body: body, ContentType: "application/json" },
        { abortSignal: AbortSignal.timeout(budget) },
      );
      return { ok: true, uri: `s3://${deps.bucket}/${key}` };
    } catch (error) {
      const reason = `overflow PutObject s3://${deps.bucket}/${key} failed: ${describeError(error)}`;
      if (!isRetryableError(error) || attempt >= deps.policy.maxAttempts) {
        deps.log.error("overflow object not written", { reason, attempts: attempt });
        return { ok: false, reason: `${reason} after ${attempt} attempts` };
      }
      const delay = fullJitterDelayMs(attempt, deps.policy, () => deps.clock.random());
      if (deps.remainingMs() - deps.policy.safetyMarginMs - delay <= 0) return { ok: false, reason: `${reason}; no time left to retry` };
      deps.log.warn("overflow PutObject failed, retrying", { reason, delayMs: delay });
      await deps.clock.sleep(delay);
    }
  }
}
