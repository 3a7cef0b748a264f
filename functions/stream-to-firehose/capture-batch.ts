/**
 * One Lambda batch: map every record to a delta line, move oversize records
 * to S3, deliver the lines to Firehose, and name the earliest record that did
 * not make it. Records are in stream order and Lambda resends everything from
 * the reported record on, so nothing after a failure needs sending.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from "aws-lambda";
import type { DeltaRecord } from "../shared/delta-record";
import { describeError, type CaptureLog } from "./capture-log";
import type { Clock, RemainingTime } from "./clock";
import { deliverEntries, type DeliveryEntry, type RecordBatchSender, type Undelivered } from "./delivery";
import { encodeDeltaLine } from "./encode-line";
import { batchItemFailureAt } from "./failure-report";
import type { FirehoseLimits } from "./limits";
import { toDeltaRecord } from "./map-record";
import { overflowPointer, writeOverflow, type ObjectWriter } from "./overflow";
import { fitPolicyToInvocation, type RetryPolicy } from "./retry-policy";

export interface CaptureDeps {
  readonly sender: RecordBatchSender;
  readonly writer: ObjectWriter;
  readonly deliveryStreamName: string;
  readonly overflowBucket: string;
  readonly overflowPrefix: string;
  readonly limits: FirehoseLimits;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly remainingMs: RemainingTime;
  readonly log: CaptureLog;
}

export interface CaptureSummary {
  readonly records: number;
  readonly deliveredRecords: number;
  readonly deliveredBytes: number;
  readonly calls: number;
  readonly retries: number;
  readonly failedEntries: number;
  readonly overflowRecords: number;
  readonly malformedRecords: number;
  /** now − newest ApproximateCreationDateTime of the batch, when any record could be read. */
  readonly newestRecordAgeMs?: number;
  /** Table of the batch (one stream feeds one function), when any record could be read. */
  readonly table?: string;
  readonly failure?: Undelivered;
}

export interface CaptureResult {
  readonly response: DynamoDBBatchResponse;
  readonly summary: CaptureSummary;
}

export async function captureBatch(records: readonly DynamoDBRecord[], deps: CaptureDeps): Promise<CaptureResult> {
  const { log } = deps;
  const policy = fitPolicyToInvocation(deps.policy, deps.remainingMs());
  let failure: Undelivered | undefined;
  let malformedRecords = 0;
  let overflowRecords = 0;
  let newestTsMs: number | undefined;
  let table: string | undefined;

  const mapped: { index: number; delta: DeltaRecord; data: Buffer }[] = [];
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as DynamoDBRecord;
    try {
      const delta = toDeltaRecord(record);
      mapped.push({ index, delta, data: encodeDeltaLine(delta) });
      newestTsMs = Math.max(newestTsMs ?? delta.ts_ms, delta.ts_ms);
      table ??= delta.table;
    } catch (error) {
      malformedRecords++;
      const reason = `malformed stream record: ${describeError(error)}`;
      log.error("stream record cannot be mapped; reporting it as a batch item failure", {
        reason,
        index,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        eventID: record.eventID,
      });
      failure = { index, reason };
      // Lambda resends from this record on: later records would only be sent twice.
      break;
    }
  }

  const entries: DeliveryEntry[] = [];
  for (const item of mapped) {
    if (item.data.byteLength <= deps.limits.maxBytesPerRecord) {
      entries.push(item);
      continue;
    }
    const written = await writeOverflow(item.delta, {
      writer: deps.writer,
      bucket: deps.overflowBucket,
      prefix: deps.overflowPrefix,
      policy,
      clock: deps.clock,
      remainingMs: deps.remainingMs,
      log,
    });
    const pointer = written.ok ? encodeDeltaLine(overflowPointer(item.delta, written.uri)) : undefined;
    if (!written.ok || !pointer || pointer.byteLength > deps.limits.maxBytesPerRecord) {
      const reason = written.ok ? "overflow pointer line is itself over the record limit (keys too large)" : written.reason;
      log.error("oversize record not captured; reporting it as a batch item failure", { reason, seq: item.delta.seq });
      failure = failure === undefined || item.index < failure.index ? { index: item.index, reason } : failure;
      break;
    }
    overflowRecords++;
    log.info("record over the Firehose record limit written to overflow", {
      seq: item.delta.seq,
      bytes: item.data.byteLength,
      uri: written.uri,
    });
    entries.push({ index: item.index, data: pointer });
  }

  const stopAt = failure?.index ?? Infinity;
  const delivery = await deliverEntries(
    entries.filter((entry) => entry.index < stopAt),
    {
      sender: deps.sender,
      deliveryStreamName: deps.deliveryStreamName,
      limits: deps.limits,
      policy,
      clock: deps.clock,
      remainingMs: deps.remainingMs,
      log,
    },
  );
  if (delivery.undelivered && delivery.undelivered.index < stopAt) failure = delivery.undelivered;

  const batchItemFailures = failure === undefined ? [] : [batchItemFailureAt(records, failure.index)];
  if (failure !== undefined) {
    log.warn("returning a batch item failure; Lambda resends from this record on", {
      itemIdentifier: batchItemFailures[0]?.itemIdentifier,
      index: failure.index,
      reason: failure.reason,
    });
  }
  return {
    response: { batchItemFailures },
    summary: {
      records: records.length,
      deliveredRecords: delivery.deliveredRecords,
      deliveredBytes: delivery.deliveredBytes,
      calls: delivery.calls,
      retries: delivery.retries,
      failedEntries: delivery.failedEntries,
      overflowRecords,
      malformedRecords,
      newestRecordAgeMs: newestTsMs === undefined ? undefined : Math.max(0, deps.clock.now() - newestTsMs),
      table,
      failure,
    },
  };
}
