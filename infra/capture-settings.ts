/**
 * Defaults and allowed ranges of the capture path's tunables, kept apart from the
 * component so they can be tested as plain data and quoted in the docs.
 */

export const CAPTURE_DEFAULTS = {
  /** Records per Lambda invocation: one Firehose PutRecordBatch call holds 500. */
  batchSize: 500,
  /** Seconds Lambda waits to fill a batch: low latency at low traffic, full batches at high traffic. */
  maximumBatchingWindowInSeconds: 1,
  /** Concurrent batches per shard. Order per key still holds: Lambda keeps one key's records on one batch chain. */
  parallelizationFactor: 1,
  /** Retries of a failing batch (bisected each time) before its position goes to the dead-letter queue. */
  maximumRetryAttempts: 10,
  /**
   * Six hours: a record still undelivered by then goes to the dead-letter queue while it has
   * 18 more hours in the stream (24 h retention), so it can still be read back and replayed.
   * With 86400 or -1, a record would reach the queue only when the stream is already trimming it.
   */
  maximumRecordAgeInSeconds: 21_600,
  /** MiB: a 500-record batch of 400 KB items is 200 MB of images, plus its JSON lines. */
  functionMemorySize: 512,
  /** Seconds: room for Firehose retries with backoff on a full batch. */
  functionTimeoutSeconds: 120,
  logRetentionInDays: 30,
  /** Seconds Firehose buffers before writing an object: deltas reach S3 within about a minute. */
  bufferingIntervalSeconds: 60,
  /**
   * MiB Firehose buffers before writing an object (before GZIP). At high traffic this makes
   * objects big enough for efficient reads by the compaction job; at low traffic the interval wins.
   */
  bufferingSizeMiB: 64,
  /** Alarm when the oldest unprocessed stream record is older than this (15 min). */
  iteratorAgeAlarmThresholdSeconds: 900,
  /** Added to the buffering interval to get the default Firehose freshness alarm threshold. */
  deliveryFreshnessAlarmMarginSeconds: 900,
} as const;

/** SQS's longest retention: the dead-letter queue keeps failed batch positions as long as it can. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export type CaptureSettingName =
  | "batchSize"
  | "maximumBatchingWindowInSeconds"
  | "parallelizationFactor"
  | "maximumRetryAttempts"
  | "maximumRecordAgeInSeconds"
  | "functionMemorySize"
  | "functionTimeoutSeconds"
  | "logRetentionInDays"
  | "bufferingIntervalSeconds"
  | "bufferingSizeMiB"
  | "iteratorAgeAlarmThresholdSeconds"
  | "deliveryFreshnessAlarmThresholdSeconds";

interface Range {
  readonly min: number;
  readonly max: number;
  /** Values allowed outside min..max, e.g. -1 for "no limit". */
  readonly also?: readonly number[];
  readonly only?: readonly number[];
  readonly why: string;
}

// The service limits each setting must respect, so a bad value fails at preview rather than mid-update.
const RANGES: Record<CaptureSettingName, Range> = {
  batchSize: { min: 1, max: 10_000, why: "Lambda's DynamoDB Streams batch size limit" },
  maximumBatchingWindowInSeconds: { min: 0, max: 300, why: "Lambda's batching window limit" },
  parallelizationFactor: { min: 1, max: 10, why: "Lambda's per-shard concurrency limit" },
  maximumRetryAttempts: { min: 0, max: 10_000, also: [-1], why: "-1 retries until the record expires" },
  maximumRecordAgeInSeconds: { min: 60, max: 604_800, also: [-1], why: "-1 means no limit" },
  functionMemorySize: { min: 128, max: 10_240, why: "Lambda's memory range in MiB" },
  functionTimeoutSeconds: { min: 1, max: 900, why: "Lambda's timeout range" },
  logRetentionInDays: { min: 1, max: 3653, only: LOG_RETENTION_DAYS, why: "the values CloudWatch Logs accepts" },
  bufferingIntervalSeconds: { min: 0, max: 900, why: "Firehose's buffering interval range" },
  bufferingSizeMiB: { min: 1, max: 128, why: "Firehose's buffering size range for S3" },
  iteratorAgeAlarmThresholdSeconds: { min: 1, max: 86_400, why: "the stream keeps records 24 h" },
  deliveryFreshnessAlarmThresholdSeconds: { min: 60, max: 86_400, why: "Firehose reports freshness per minute" },
};

export class CaptureSettingError extends Error {
  override readonly name = "CaptureSettingError";
}

function describe(range: Range): string {
  if (range.only) return `one of ${range.only.join(", ")}`;
  const also = range.also ? ` or ${range.also.join(", ")}` : "";
  return `a whole number from ${range.min} to ${range.max}${also}`;
}

/** Returns the value when the service accepts it; otherwise throws naming the allowed values. Pure. */
export function checkCaptureSetting(name: CaptureSettingName, value: number): number {
  const range = RANGES[name];
  const ok = Number.isInteger(value) &&
    (range.only ? range.only.includes(value) : (value >= range.min && value <= range.max) || (range.also ?? []).includes(value));
  if (!ok) {
    throw new CaptureSettingError(`${name} is ${JSON.stringify(value)}; it must be ${describe(range)} (${range.why})`);
  }
  return value;
}
