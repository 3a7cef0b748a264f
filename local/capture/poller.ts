/**
 * Drives a DynamoDB Streams Lambda handler from GetRecords the way an event
 * source mapping does (moto's own mappings need Docker): per shard, in order,
 * one batch in flight; batch size, batching window and the 6 MB payload cap;
 * ReportBatchItemFailures (retry from the reported record on); retries up to
 * maximumRetryAttempts; bisect on function error; maximumRecordAge; an
 * on-failure destination that receives what is given up on.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type GetRecordsCommandOutput,
  type Shard,
  type ShardIteratorType,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { TTL_USER_IDENTITY } from "../../functions/stream-to-firehose/map-record";
import { CAPTURE_DEFAULTS } from "../../infra/capture-settings";
import { LAMBDA_PAYLOAD_LIMIT_BYTES, splitIntoEvents, toLambdaRecord } from "../../ops/lambda-stream-event";
import type { TtlRegistry } from "../source/ttl-registry";

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface EventSourceMappingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  /** -1: retry until the record expires, as in Lambda. */
  readonly maximumRetryAttempts: number;
  /** -1: no limit, as in Lambda. */
  readonly maximumRecordAgeInSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly functionTimeoutMs: number;
}

/** The deployed mapping's defaults. */
export const DEFAULT_MAPPING: EventSourceMappingSettings = {
  batchSize: CAPTURE_DEFAULTS.batchSize,
  maximumBatchingWindowInSeconds: CAPTURE_DEFAULTS.maximumBatchingWindowInSeconds,
  maximumRetryAttempts: CAPTURE_DEFAULTS.maximumRetryAttempts,
  maximumRecordAgeInSeconds: CAPTURE_DEFAULTS.maximumRecordAgeInSeconds,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
  functionTimeoutMs: CAPTURE_DEFAULTS.functionTimeoutSeconds * 1000,
};

/** Lambda polls each shard about four times a second. */
const IDLE_POLL_MS = 250;

/** The message Lambda sends to an on-failure destination (SQS) for a stream batch it gives up on. */
export interface OnFailureMessage {
  requestContext: { requestId: string; functionArn: string; condition: "RetryAttemptsExhausted" | "RecordAgeExceeded"; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: "1.0";
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface PollerStats {
  invocations: number;
  recordsInvoked: number;
  functionErrors: number;
  partialFailures: number;
  retries: number;
  bisects: number;
  sentToDestination: number;
}

export interface PollerOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly handler: StreamHandler;
  readonly settings?: Partial<EventSourceMappingSettings>;
  /** REMOVEs made by the local TTL sweeper: they carry TTL's userIdentity. */
  readonly ttlDeletes?: TtlRegistry;
  /** Receives what is given up on (stands in for the SQS dead-letter queue). */
  readonly onFailure?: (message: OnFailureMessage) => void;
  readonly functionName?: string;
  readonly log?: (line: string) => void;
}

type Outcome = { kind: "ok" } | { kind: "partial"; failedSequenceNumber: string } | { kind: "error"; error: string };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const seqOf = (r: DynamoDBRecord): string => r.dynamodb?.SequenceNumber ?? "";

export class StreamPoller {
  readonly settings: EventSourceMappingSettings;
  readonly stats: PollerStats = { invocations: 0, recordsInvoked: 0, functionErrors: 0, partialFailures: 0, retries: 0, bisects: 0, sentToDestination: 0 };
  readonly destination: OnFailureMessage[] = [];
  /** Last SequenceNumber per shard that needs no more processing. */
  readonly checkpoints = new Map<string, string>();
  private running = false;
  private loops: Promise<void>[] = [];
  /** Per shard: when the last read that found nothing new started. */
  private idleSince = new Map<string, number>();
  private readonly functionArn: string;
  private failure: Error | undefined;

  constructor(private readonly options: PollerOptions) {
    this.settings = { ...DEFAULT_MAPPING, ...options.settings };
    if (this.settings.batchSize < 1 || this.settings.batchSize > 10_000) throw new Error("batchSize must be 1 to 10000");
    this.functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${options.functionName ?? "stream-to-firehose"}`;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const described = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn }));
    const shards = described.StreamDescription?.Shards ?? [];
    if (shards.length === 0) throw new Error(`stream ${this.options.streamArn} has no shards`);
    const done = new Map<string, Promise<void>>();
    // A child shard is read only after its parent is finished: per-key order across shard splits.
    for (const shard of shards) {
      const parent = shard.ParentShardId ? done.get(shard.ParentShardId) : undefined;
      const loop = (parent ?? Promise.resolve()).then(() => this.pollShard(shard));
      done.set(shard.ShardId!, loop);
      this.loops.push(
        loop.catch((err: unknown) => {
          this.failure = err instanceof Error ? err : new Error(String(err));
          this.log(`poller stopped on shard ${shard.ShardId}: ${String(err)}`);
        }),
      );
    }
  }

  /** Resolves once every shard has been read to its end and nothing is in flight. */
  async caughtUp(timeoutMs = 120_000): Promise<void> {
    const asked = Date.now();
    const deadline = asked + timeoutMs;
    // Only a read that started after the question proves there is nothing left.
    const idle = (): number => [...this.idleSince.values()].filter((t) => t > asked).length;
    while (idle() < this.loops.length) {
      if (this.failure) throw new Error(`poller failed: ${this.failure.message}`);
      if (Date.now() > deadline) throw new Error(`poller did not catch up with the stream within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private async iterator(shardId: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string | undefined> {
    const res = await this.options.streams.send(
      new GetShardIteratorCommand({ StreamArn: this.options.streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
    );
    return res.ShardIterator;
  }

  private async pollShard(shard: Shard): Promise<void> {
    const shardId = shard.ShardId!;
    const checkpoint = this.checkpoints.get(shardId);
    // A restarted poller resumes after its checkpoint; a new one starts at the oldest record kept.
    let iterator = checkpoint
      ? await this.iterator(shardId, "AFTER_SEQUENCE_NUMBER", checkpoint)
      : await this.iterator(shardId, "TRIM_HORIZON");
    const carry: DynamoDBRecord[] = [];
    while (this.running && iterator) {
      const batch: DynamoDBRecord[] = carry.splice(0);
      const windowEnds = Date.now() + this.settings.maximumBatchingWindowInSeconds * 1000;
      let readEmpty = false;
      let readStarted = Date.now();
      while (this.running && iterator && batch.length < this.settings.batchSize) {
        readStarted = Date.now();
        const res: GetRecordsCommandOutput = await this.options.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(1000, this.settings.batchSize - batch.length) }),
        );
        iterator = res.NextShardIterator;
        if (res.Records?.some((r) => r.eventName === "REMOVE")) await this.options.ttlDeletes?.settled();
        const records = (res.Records ?? []).map((r) => this.lambdaRecord(r));
        batch.push(...records);
        readEmpty = records.length === 0;
        if (batch.length === 0 || Date.now() >= windowEnds) break;
        if (readEmpty) await sleep(Math.min(IDLE_POLL_MS, Math.max(0, windowEnds - Date.now())));
      }
      if (batch.length === 0) {
        this.idleSince.set(shardId, readStarted);
        await sleep(IDLE_POLL_MS);
        continue;
      }
      this.idleSince.delete(shardId);
      // Lambda invokes with as many records as fit its payload limit; the rest start the next batch.
      const invoked = splitIntoEvents(batch, LAMBDA_PAYLOAD_LIMIT_BYTES)[0]!.Records;
      carry.push(...batch.slice(invoked.length));
      await this.processBatch(shardId, invoked);
      if (readEmpty && carry.length === 0) this.idleSince.set(shardId, readStarted);
    }
  }

  /** One batch until it succeeds or is given up on; the checkpoint then moves past it. */
  private async processBatch(shardId: string, batch: DynamoDBRecord[]): Promise<void> {
    let records = batch;
    let retries = 0;
    let invokeCount = 0;
    for (;;) {
      const { fresh, expired } = this.splitByAge(records);
      if (expired.length > 0) this.sendToDestination(shardId, expired, "RecordAgeExceeded", invokeCount, undefined);
      records = fresh;
      if (records.length === 0) break;
      invokeCount++;
      const outcome = await this.invoke(records);
      if (outcome.kind === "ok") break;
      if (outcome.kind === "partial") {
        this.stats.partialFailures++;
        const at = records.findIndex((r) => seqOf(r) === outcome.failedSequenceNumber);
        // Everything before the reported record is done; the retry starts at it.
        if (at > 0) {
          this.checkpoints.set(shardId, seqOf(records[at - 1]!));
          retries = 0;
        }
        records = records.slice(at);
      } else {
        this.stats.functionErrors++;
        if (this.settings.bisectBatchOnFunctionError && records.length > 1) {
          // Splitting does not count against the retry quota; each half is retried on its own.
          this.stats.bisects++;
          const half = Math.ceil(records.length / 2);
          await this.processBatch(shardId, records.slice(0, half));
          await this.processBatch(shardId, records.slice(half));
          return;
        }
      }
      retries++;
      if (this.settings.maximumRetryAttempts >= 0 && retries > this.settings.maximumRetryAttempts) {
        this.sendToDestination(shardId, records, "RetryAttemptsExhausted", invokeCount, outcome.kind === "error" ? "Unhandled" : undefined);
        break;
      }
      this.stats.retries++;
      await sleep(Math.min(2000, 50 * 2 ** Math.min(retries, 6)));
    }
    this.checkpoints.set(shardId, seqOf(batch[batch.length - 1]!));
  }

  /** moto's stream does not mark the local TTL sweeper's deletes; DynamoDB marks TTL deletes with its own identity. */
  private lambdaRecord(record: StreamRecord): DynamoDBRecord {
    const out: DynamoDBRecord = toLambdaRecord(record, this.options.streamArn);
    const ttlDelete = record.eventName === "REMOVE" && (this.options.ttlDeletes?.has(record.dynamodb?.SequenceNumber ?? "") ?? false);
    if (ttlDelete) out.userIdentity = { ...TTL_USER_IDENTITY };
    return out;
  }

  private splitByAge(records: DynamoDBRecord[]): { fresh: DynamoDBRecord[]; expired: DynamoDBRecord[] } {
    const maxAge = this.settings.maximumRecordAgeInSeconds;
    if (maxAge < 0) return { fresh: records, expired: [] };
    const oldest = Date.now() / 1000 - maxAge;
    const at = records.findIndex((r) => (r.dynamodb?.ApproximateCreationDateTime ?? 0) >= oldest);
    return at < 0 ? { fresh: [], expired: records } : { fresh: records.slice(at), expired: records.slice(0, at) };
  }

  private async invoke(records: DynamoDBRecord[]): Promise<Outcome> {
    this.stats.invocations++;
    this.stats.recordsInvoked += records.length;
    const deadline = Date.now() + this.settings.functionTimeoutMs;
    const context = lambdaContext(this.functionArn, deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${this.settings.functionTimeoutMs / 1000} seconds`)), this.settings.functionTimeoutMs);
    });
    try {
      // A deep copy: the function must not be able to change what a retry sends.
      const event: DynamoDBStreamEvent = { Records: structuredClone(records) };
      const response = await Promise.race([this.options.handler(event, context), timeout]);
      return this.judge(records, response);
    } catch (error) {
      this.log(`function error on ${records.length} record(s) from ${seqOf(records[0]!)}: ${String(error)}`);
      return { kind: "error", error: String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Lambda's reading of a ReportBatchItemFailures response. */
  private judge(records: DynamoDBRecord[], response: DynamoDBBatchResponse | void): Outcome {
    if (!this.settings.reportBatchItemFailures) return { kind: "ok" };
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return { kind: "ok" };
    const positions = failures.map((f) => records.findIndex((r) => f.itemIdentifier !== "" && seqOf(r) === f.itemIdentifier));
    // An empty, null or unknown identifier fails the whole batch.
    if (positions.some((p) => p < 0)) return { kind: "error", error: `invalid batchItemFailures ${JSON.stringify(failures)}` };
    return { kind: "partial", failedSequenceNumber: seqOf(records[Math.min(...positions)]!) };
  }

  private sendToDestination(
    shardId: string,
    records: DynamoDBRecord[],
    condition: OnFailureMessage["requestContext"]["condition"],
    invokeCount: number,
    functionError: string | undefined,
  ): void {
    const arrival = (r: DynamoDBRecord): string => new Date((r.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
    const message: OnFailureMessage = {
      requestContext: { requestId: randomUUID(), functionArn: this.functionArn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", ...(functionError ? { functionError } : {}) },
      version: "1.0",
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: seqOf(records[0]!),
        endSequenceNumber: seqOf(records[records.length - 1]!),
        approximateArrivalOfFirstRecord: arrival(records[0]!),
        approximateArrivalOfLastRecord: arrival(records[records.length - 1]!),
        batchSize: records.length,
        streamArn: this.options.streamArn,
      },
    };
    this.stats.sentToDestination += records.length;
    this.destination.push(message);
    this.options.onFailure?.(message);
    this.log(`gave up on ${records.length} record(s) ${message.DDBStreamBatchInfo.startSequenceNumber}…${message.DDBStreamBatchInfo.endSequenceNumber}: ${condition}`);
  }
}

function lambdaContext(functionArn: string, deadline: number): Context {
  const functionName = functionArn.split(":").pop()!;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
