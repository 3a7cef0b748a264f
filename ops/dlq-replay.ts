/**
 * Replays the capture dead-letter queue (`lake replay-dlq`, see lake-tools.ts). Each message is
 * Lambda's on-failure record of a stream batch the capture function kept failing on: it holds only
 * the batch's place in the stream (`DDBStreamBatchInfo`), not the changes. The replay reads those
 * records back from the stream, invokes the capture function with the event Lambda would have sent,
 * and deletes the message only when the function reports no failed record; anything else stays in
 * the queue. Records older than the stream's 24 hours are gone: the message says so and stays.
 *
 * Message parsing is pure, and the event sent is built by lambda-stream-event.ts; the SQS, DynamoDB
 * Streams and Lambda clients are injected, so tests use fakes or a local moto.
 */
import { GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { tableOfStreamArn } from "../functions/shared/stream-arn";
import { LAMBDA_PAYLOAD_LIMIT_BYTES, splitIntoEvents, toLambdaRecord } from "./lambda-stream-event";

/** Where a failed batch sits in its stream, as Lambda's on-failure record gives it. */
export interface StreamBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly streamArn: string;
  readonly batchSize: number;
  /** ISO time; absent in hand-made messages. */
  readonly approximateArrivalOfFirstRecord?: string;
}

/** A message that is not an on-failure record of a DynamoDB stream batch. */
export class DeadLetterFormatError extends Error {
  override readonly name = "DeadLetterFormatError";
}

/** The batch's records are no longer in the stream (past its 24-hour retention, or the stream is gone). */
export class StreamRecordsExpiredError extends Error {
  override readonly name = "StreamRecordsExpiredError";
}

/** How long DynamoDB Streams keeps a record. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Replayed events stay clear of Lambda's payload limit. */
export const MAX_INVOKE_PAYLOAD_BYTES = LAMBDA_PAYLOAD_LIMIT_BYTES - 1024 * 1024;
/** How long a received message stays hidden from other readers while it is replayed. */
export const REPLAY_VISIBILITY_SECONDS = 900;

const SEQUENCE_NUMBER = /^\d{1,40}$/;

/** Numeric order of two sequence numbers (numeric strings of up to 40 digits). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
}

/** Reads one dead-letter message body; throws DeadLetterFormatError naming what is missing. */
export function parseDeadLetter(body: string): StreamBatchInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new DeadLetterFormatError("the message is not JSON: is this the capture function's dead-letter queue?");
  }
  const info = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).DDBStreamBatchInfo : undefined;
  if (typeof info !== "object" || info === null) {
    throw new DeadLetterFormatError("the message has no DDBStreamBatchInfo: it is not a DynamoDB stream on-failure record; is this the capture function's dead-letter queue?");
  }
  const i = info as Record<string, unknown>;
  const text = (field: string, ok: (v: string) => boolean, want: string): string => {
    const v = i[field];
    if (typeof v !== "string" || !ok(v)) throw new DeadLetterFormatError(`DDBStreamBatchInfo.${field} must be ${want}; got ${JSON.stringify(v)}`);
    return v;
  };
  const shardId = text("shardId", (v) => v.length > 0, "a shard id");
  const startSequenceNumber = text("startSequenceNumber", (v) => SEQUENCE_NUMBER.test(v), "a sequence number (digits)");
  const endSequenceNumber = text("endSequenceNumber", (v) => SEQUENCE_NUMBER.test(v), "a sequence number (digits)");
  const streamArn = text("streamArn", (v) => tableOfStreamArn(v) !== undefined, "a DynamoDB stream ARN");
  if (compareSequenceNumbers(startSequenceNumber, endSequenceNumber) > 0) {
    throw new DeadLetterFormatError(`DDBStreamBatchInfo.startSequenceNumber ${startSequenceNumber} is after endSequenceNumber ${endSequenceNumber}`);
  }
  const batchSize = i.batchSize;
  if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new DeadLetterFormatError(`DDBStreamBatchInfo.batchSize must be a whole number of at least 1; got ${JSON.stringify(batchSize)}`);
  }
  const first = i.approximateArrivalOfFirstRecord;
  return {
    shardId,
    startSequenceNumber,
    endSequenceNumber,
    streamArn,
    batchSize,
    ...(typeof first === "string" && !Number.isNaN(Date.parse(first)) ? { approximateArrivalOfFirstRecord: first } : {}),
  };
}

/** The source table's name, from the (checked) stream ARN. */
const tableOfStream = (streamArn: string): string => tableOfStreamArn(streamArn) ?? "?";

/** What the function answered: the failed records it reported, or the error it raised. */
export type InvokeOutcome = { ok: true } | { ok: false; reason: string };

export function invokeOutcome(functionError: string | undefined, payload: Uint8Array | undefined): InvokeOutcome {
  const text = payload === undefined ? "" : Buffer.from(payload).toString("utf8");
  if (functionError) return { ok: false, reason: `the function failed (${functionError}): ${text.slice(0, 500)}` };
  if (text.trim() === "" || text.trim() === "null") return { ok: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: `the function answered something other than JSON: ${text.slice(0, 200)}` };
  }
  const failures = typeof parsed === "object" && parsed !== null ? (parsed as { batchItemFailures?: unknown }).batchItemFailures : undefined;
  if (failures === undefined || failures === null) return { ok: true };
  if (!Array.isArray(failures)) return { ok: false, reason: `batchItemFailures is not a list: ${text.slice(0, 200)}` };
  if (failures.length === 0) return { ok: true };
  const ids = failures.map((f: { itemIdentifier?: unknown }) => String(f?.itemIdentifier));
  return { ok: false, reason: `the function reported ${failures.length} failed record(s), first at ${ids[0]}` };
}

export interface SqsSender {
  send(command: ReceiveMessageCommand | DeleteMessageCommand | ChangeMessageVisibilityCommand): Promise<unknown>;
}
export interface StreamsSender {
  send(command: GetShardIteratorCommand | GetRecordsCommand): Promise<unknown>;
}
export interface LambdaSender {
  send(command: InvokeCommand): Promise<unknown>;
}
export interface ReplayClients {
  readonly sqs: SqsSender;
  readonly streams: StreamsSender;
  readonly lambda: LambdaSender;
}

const errorName = (e: unknown): string | undefined => (typeof e === "object" && e !== null && "name" in e ? String(e.name) : undefined);

/** GetRecords pages in a row without records before the reader gives up on reaching the batch's end. */
export const MAX_EMPTY_PAGES = 20;

/** The batch's records, from its first to its last sequence number; StreamRecordsExpiredError when they are gone. */
export async function readBatch(streams: StreamsSender, info: StreamBatchInfo): Promise<StreamRecord[]> {
  const expired = (why: string): StreamRecordsExpiredError =>
    new StreamRecordsExpiredError(
      `records ${info.startSequenceNumber}..${info.endSequenceNumber} of ${tableOfStream(info.streamArn)} (shard ${info.shardId}) ${why}: ` +
        "they are past the stream's 24-hour retention and cannot be replayed. The message stays in the queue as the record of the loss; " +
        `reload the table (lake resnapshot --job <snapshot job>), then delete the message.`,
    );
  let iterator: string | undefined;
  try {
    const out = (await streams.send(
      new GetShardIteratorCommand({ StreamArn: info.streamArn, ShardId: info.shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: info.startSequenceNumber }),
    )) as { ShardIterator?: string };
    iterator = out.ShardIterator;
  } catch (e) {
    const name = errorName(e);
    if (name === "TrimmedDataAccessException") throw expired("were trimmed from the stream");
    if (name === "ResourceNotFoundException") throw expired("are in a stream or shard that no longer exists");
    throw e;
  }
  const records: StreamRecord[] = [];
  let empty = 0;
  while (iterator !== undefined) {
    let page: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      page = (await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }))) as typeof page;
    } catch (e) {
      if (errorName(e) === "TrimmedDataAccessException") throw expired("were trimmed from the stream");
      throw e;
    }
    const got = page.Records ?? [];
    empty = got.length === 0 ? empty + 1 : 0;
    for (const r of got) {
      const seq = r.dynamodb?.SequenceNumber ?? "";
      if (records.length === 0 && compareSequenceNumbers(seq, info.startSequenceNumber) > 0) throw expired(`begin at ${seq}, after the batch's first record`);
      if (compareSequenceNumbers(seq, info.endSequenceNumber) > 0) return records;
      records.push(r);
      if (compareSequenceNumbers(seq, info.endSequenceNumber) === 0) return records;
    }
    if (empty >= MAX_EMPTY_PAGES) break;
    iterator = page.NextShardIterator;
  }
  if (records.length === 0) throw expired("are no longer in the shard");
  throw new Error(`shard ${info.shardId} ended before sequence number ${info.endSequenceNumber}; read ${records.length} of the batch's ${info.batchSize} records`);
}

export interface ReplayOptions {
  readonly queueUrl: string;
  readonly functionName: string;
  readonly dryRun: boolean;
  /** Most messages to handle; undefined: until the queue has none left. */
  readonly max?: number;
}

export interface ReplaySummary {
  readonly replayed: number;
  readonly kept: number;
  readonly dryRun: number;
}

/** Makes every held message visible again; one failure does not keep the others hidden. Returns the failures. */
async function releaseAll(sqs: SqsSender, queueUrl: string, handles: Iterable<string>): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const handle of handles) {
    try {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    } catch (e) {
      failures.push(e);
    }
  }
  return failures;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Messages left hidden: the failures, after the error the replay stopped on (if any), which comes first. */
function notReleasedError(stopped: { readonly error: unknown } | undefined, releaseFailures: readonly unknown[], held: number): AggregateError {
  const notReleased =
    `${releaseFailures.length} of ${held} held message(s) could not be made visible again (they reappear after the ${REPLAY_VISIBILITY_SECONDS} s visibility timeout): ` +
    releaseFailures.map(messageOf).join("; ");
  if (stopped === undefined) return new AggregateError(releaseFailures, notReleased);
  return new AggregateError([stopped.error, ...releaseFailures], `${messageOf(stopped.error)}; and ${notReleased}`, { cause: stopped.error });
}

/** Replays the messages of the queue one by one; prints a line per message and returns the counts. */
export async function replayDeadLetters(o: ReplayOptions, clients: ReplayClients, print: (line: string) => void): Promise<ReplaySummary> {
  let replayed = 0;
  let kept = 0;
  let dryRun = 0;
  // Messages not deleted stay hidden while the run lasts (so it does not see them twice) and are released at its end,
  // also when the run stops on an error.
  const release = new Set<string>();
  let stopped: { readonly error: unknown } | undefined;
  try {
    for (;;) {
      const handled = replayed + kept + dryRun;
      const room = o.max === undefined ? 10 : Math.min(10, o.max - handled);
      if (room <= 0) break;
      const out = (await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: o.queueUrl, MaxNumberOfMessages: room, VisibilityTimeout: REPLAY_VISIBILITY_SECONDS, WaitTimeSeconds: 1 }),
      )) as { Messages?: Message[] };
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) if (m.ReceiptHandle) release.add(m.ReceiptHandle);
      for (const m of messages) {
        const id = m.MessageId ?? "?";
        const keep = (reason: string): void => {
          kept += 1;
          print(`kept ${id}: ${reason}`);
        };
        let info: StreamBatchInfo;
        let records: StreamRecord[];
        try {
          info = parseDeadLetter(m.Body ?? "");
          records = await readBatch(clients.streams, info);
        } catch (e) {
          if (e instanceof DeadLetterFormatError || e instanceof StreamRecordsExpiredError) {
            keep(e.message);
            continue;
          }
          throw e;
        }
        const where = `${records.length} record(s) of ${tableOfStream(info.streamArn)} (shard ${info.shardId}, ${info.startSequenceNumber}..${info.endSequenceNumber})`;
        if (o.dryRun) {
          dryRun += 1;
          print(`would replay ${id}: ${where}`);
          continue;
        }
        const events = splitIntoEvents(records.map((r) => toLambdaRecord(r, info.streamArn)), MAX_INVOKE_PAYLOAD_BYTES);
        let outcome: InvokeOutcome = { ok: true };
        for (const event of events) {
          const res = (await clients.lambda.send(
            new InvokeCommand({ FunctionName: o.functionName, InvocationType: "RequestResponse", Payload: Buffer.from(JSON.stringify(event)) }),
          )) as { FunctionError?: string; Payload?: Uint8Array };
          outcome = invokeOutcome(res.FunctionError, res.Payload);
          if (!outcome.ok) break;
        }
        if (!outcome.ok) {
          keep(`${where}: ${outcome.reason}`);
          continue;
        }
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle }));
        if (m.ReceiptHandle) release.delete(m.ReceiptHandle);
        replayed += 1;
        print(`replayed ${id}: ${where}; message deleted`);
      }
    }
  } catch (error) {
    stopped = { error };
  }
  const releaseFailures = await releaseAll(clients.sqs, o.queueUrl, release);
  if (releaseFailures.length > 0) throw notReleasedError(stopped, releaseFailures, release.size);
  if (stopped !== undefined) throw stopped.error;
  print(`${o.dryRun ? "dry run: " : ""}${replayed} replayed, ${kept} kept, ${dryRun} to replay`);
  return { replayed, kept, dryRun };
}
