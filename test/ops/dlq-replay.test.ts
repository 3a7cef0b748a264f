/**
 * Dead-letter replay: the pure parts (message parsing, stream record → Lambda record, payload
 * split, the function's answer) as tables, and the whole replay against fake SQS, Streams and
 * Lambda clients that keep state the way the services do.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import {
  buildReplayEvents,
  compareSequenceNumbers,
  DeadLetterFormatError,
  invokeOutcome,
  parseDeadLetter,
  readBatch,
  replayDeadLetters,
  StreamRecordsExpiredError,
  toLambdaRecord,
  type ReplayClients,
  type StreamBatchInfo,
} from "../../ops/dlq-replay";

const STREAM_ARN = "arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/2026-11-21T00:00:00.000";
const SHARD = "shardId-00000001700000000000-abcdef01";
const QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/123456789012/lake-orders-dlq-0a1b2c3";

/** Sequence numbers as DynamoDB writes them: 21 digits. */
const seq = (n: number): string => `${100000000000000000000n + BigInt(n)}`;

/** Lambda's on-failure record of a stream batch, as it lands in the queue. */
function deadLetter(first: number, last: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    requestContext: { requestId: "r-1", functionArn: "arn:aws:lambda:us-west-2:123456789012:function:capture", condition: "RetryAttemptsExhausted", approximateInvokeCount: 11 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: "2026-11-21T10:00:05.000Z",
    DDBStreamBatchInfo: {
      shardId: SHARD,
      startSequenceNumber: seq(first),
      endSequenceNumber: seq(last),
      approximateArrivalOfFirstRecord: "2026-11-21T10:00:00Z",
      approximateArrivalOfLastRecord: "2026-11-21T10:00:01Z",
      batchSize: last - first + 1,
      streamArn: STREAM_ARN,
      ...overrides,
    },
  });
}

/** A stream record as GetRecords returns it (SDK shape). */
function streamRecord(n: number, extra: Partial<NonNullable<StreamRecord["dynamodb"]>> = {}, top: Partial<StreamRecord> = {}): StreamRecord {
  return {
    eventID: `e${n}`,
    eventName: "MODIFY",
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-west-2",
    dynamodb: {
      ApproximateCreationDateTime: new Date(Date.UTC(2026, 10, 21, 10, 0, n)),
      Keys: { pk: { S: `k${n}` } },
      NewImage: { pk: { S: `k${n}` }, v: { N: String(n) } },
      SequenceNumber: seq(n),
      SizeBytes: 20,
      StreamViewType: "NEW_AND_OLD_IMAGES",
      ...extra,
    },
    ...top,
  };
}

void describe("compareSequenceNumbers", () => {
  const cases: [string, string, number][] = [
    ["9", "10", -1],
    ["10", "9", 1],
    [seq(5), seq(5), 0],
    ["000123", "123", 0],
    ["99999999999999999999", "100000000000000000000", -1],
    ["1".padEnd(40, "0"), "9".repeat(39), 1],
  ];
  for (const [a, b, sign] of cases) {
    void it(`${a} vs ${b}`, () => assert.equal(Math.sign(compareSequenceNumbers(a, b)), sign));
  }
});

void describe("parseDeadLetter", () => {
  void it("reads the batch position of Lambda's on-failure record", () => {
    assert.deepEqual(parseDeadLetter(deadLetter(3, 7)), {
      shardId: SHARD,
      startSequenceNumber: "100000000000000000003",
      endSequenceNumber: "100000000000000000007",
      streamArn: STREAM_ARN,
      batchSize: 5,
      approximateArrivalOfFirstRecord: "2026-11-21T10:00:00Z",
    });
  });

  void it("takes 40-digit sequence numbers and a message without arrival times", () => {
    const big = "9".repeat(40);
    const info = parseDeadLetter(deadLetter(1, 1, { startSequenceNumber: big, endSequenceNumber: big, approximateArrivalOfFirstRecord: undefined }));
    assert.deepEqual(info, { shardId: SHARD, startSequenceNumber: big, endSequenceNumber: big, streamArn: STREAM_ARN, batchSize: 1 });
  });

  const rejected: [string, string][] = [
    ["not json", "the message is not JSON: is this the capture function's dead-letter queue?"],
    [JSON.stringify({ Records: [] }), "the message has no DDBStreamBatchInfo: it is not a DynamoDB stream on-failure record; is this the capture function's dead-letter queue?"],
    [deadLetter(1, 2, { shardId: "" }), 'DDBStreamBatchInfo.shardId must be a shard id; got ""'],
    [deadLetter(1, 2, { startSequenceNumber: 5 }), "DDBStreamBatchInfo.startSequenceNumber must be a sequence number (digits); got 5"],
    [deadLetter(1, 2, { endSequenceNumber: "12a" }), 'DDBStreamBatchInfo.endSequenceNumber must be a sequence number (digits); got "12a"'],
    [deadLetter(1, 2, { streamArn: "arn:aws:kinesis:us-west-2:123456789012:stream/x" }), 'DDBStreamBatchInfo.streamArn must be a DynamoDB stream ARN; got "arn:aws:kinesis:us-west-2:123456789012:stream/x"'],
    [deadLetter(9, 2), "DDBStreamBatchInfo.startSequenceNumber 100000000000000000009 is after endSequenceNumber 100000000000000000002"],
    [deadLetter(1, 2, { batchSize: 0 }), "DDBStreamBatchInfo.batchSize must be a whole number of at least 1; got 0"],
  ];
  for (const [body, message] of rejected) {
    void it(`rejects: ${message.slice(0, 60)}`, () => {
      assert.throws(() => parseDeadLetter(body), (e: unknown) => e instanceof DeadLetterFormatError && e.message === message);
    });
  }
});

void describe("toLambdaRecord", () => {
  void it("shapes every attribute type as Lambda does: binary as base64, nested maps and lists, exact numbers", () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const record = streamRecord(1, {
      NewImage: {
        pk: { S: "k1" },
        n: { N: "12345678901234567890123456789012345678" },
        b: { B: bytes },
        bs: { BS: [bytes, new Uint8Array([7])] },
        ss: { SS: ["a", ""] },
        ns: { NS: ["1", "-0.5"] },
        m: { M: { inner: { L: [{ B: new Uint8Array([1]) }, { NULL: true }, { BOOL: false }] } } },
        e: { S: "" },
      },
      OldImage: { pk: { S: "k1" } },
    });
    // Typed as the aws-lambda record the capture handler takes: the shapes agree at compile time.
    const shaped: DynamoDBRecord = toLambdaRecord(record, STREAM_ARN);
    assert.deepEqual(shaped, {
      eventID: "e1",
      eventName: "MODIFY",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-west-2",
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: Date.UTC(2026, 10, 21, 10, 0, 1) / 1000,
        Keys: { pk: { S: "k1" } },
        NewImage: {
          pk: { S: "k1" },
          n: { N: "12345678901234567890123456789012345678" },
          b: { B: "AAH+/w==" },
          bs: { BS: ["AAH+/w==", "Bw=="] },
          ss: { SS: ["a", ""] },
          ns: { NS: ["1", "-0.5"] },
          m: { M: { inner: { L: [{ B: "AQ==" }, { NULL: true }, { BOOL: false }] } } },
          e: { S: "" },
        },
        OldImage: { pk: { S: "k1" } },
        SequenceNumber: "100000000000000000001",
        SizeBytes: 20,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    });
  });

  void it("keeps a TTL delete's userIdentity in Lambda's lower-case keys", () => {
    const record = streamRecord(2, { NewImage: undefined, OldImage: { pk: { S: "k2" } } }, {
      eventName: "REMOVE",
      userIdentity: { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" },
    });
    const out = toLambdaRecord(record, STREAM_ARN);
    assert.deepEqual(out.userIdentity, { type: "Service", principalId: "dynamodb.amazonaws.com" });
    assert.equal(out.eventName, "REMOVE");
    assert.equal(out.dynamodb?.NewImage, undefined);
  });
});

void describe("buildReplayEvents", () => {
  const records = [1, 2, 3, 4, 5].map((n) => toLambdaRecord(streamRecord(n), STREAM_ARN));
  const size = Buffer.byteLength(JSON.stringify(records[0])) + 1;

  void it("sends the batch in one event when it fits", () => {
    assert.deepEqual(buildReplayEvents(records), [{ Records: records }]);
  });

  void it("splits in stream order so that no event passes the limit", () => {
    const max = '{"Records":[]}'.length + 2 * size;
    const events = buildReplayEvents(records, max);
    assert.deepEqual(events.map((e) => e.Records.map((r) => r.eventID)), [["e1", "e2"], ["e3", "e4"], ["e5"]]);
    for (const e of events) assert.ok(Buffer.byteLength(JSON.stringify(e)) <= max);
  });

  void it("sends a record larger than the limit alone, and nothing for no records", () => {
    assert.deepEqual(buildReplayEvents(records.slice(0, 2), 10).map((e) => e.Records.length), [1, 1]);
    assert.deepEqual(buildReplayEvents([]), []);
  });
});

void describe("invokeOutcome", () => {
  const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
  const cases: [string, string | undefined, Uint8Array | undefined, ReturnType<typeof invokeOutcome>][] = [
    ["no failures", undefined, enc('{"batchItemFailures":[]}'), { ok: true }],
    ["no answer", undefined, undefined, { ok: true }],
    ["null", undefined, enc("null"), { ok: true }],
    ["an answer without batchItemFailures", undefined, enc("{}"), { ok: true }],
    [
      "reported failures",
      undefined,
      enc('{"batchItemFailures":[{"itemIdentifier":"100000000000000000004"},{"itemIdentifier":"100000000000000000005"}]}'),
      { ok: false, reason: "the function reported 2 failed record(s), first at 100000000000000000004" },
    ],
    ["a function error", "Unhandled", enc('{"errorMessage":"boom"}'), { ok: false, reason: 'the function failed (Unhandled): {"errorMessage":"boom"}' }],
    ["not JSON", undefined, enc("Simple Lambda happy path OK"), { ok: false, reason: "the function answered something other than JSON: Simple Lambda happy path OK" }],
    ["failures not a list", undefined, enc('{"batchItemFailures":"x"}'), { ok: false, reason: 'batchItemFailures is not a list: {"batchItemFailures":"x"}' }],
  ];
  for (const [what, error, payload, want] of cases) {
    void it(what, () => assert.deepEqual(invokeOutcome(error, payload), want));
  }
});

/** A DynamoDB stream shard: records from `trimmed` on are still kept; pages of `pageSize`. */
class FakeStreams {
  readonly calls: string[] = [];
  constructor(
    private readonly records: StreamRecord[],
    private readonly trimmed = 0,
    private readonly pageSize = 2,
  ) {}
  send(command: GetShardIteratorCommand | GetRecordsCommand): Promise<unknown> {
    this.calls.push(command.constructor.name);
    if (command instanceof GetShardIteratorCommand) {
      const at = this.records.findIndex((r) => r.dynamodb?.SequenceNumber === command.input.SequenceNumber);
      if (command.input.ShardIteratorType !== "AT_SEQUENCE_NUMBER" || command.input.ShardId !== SHARD) return Promise.reject(new Error("unexpected iterator request"));
      if (at >= 0 && at < this.trimmed) return Promise.reject(Object.assign(new Error("trimmed"), { name: "TrimmedDataAccessException" }));
      return Promise.resolve({ ShardIterator: `it:${at < 0 ? this.records.length : at}` });
    }
    const from = Number(command.input.ShardIterator?.slice(3));
    const page = this.records.slice(from, from + this.pageSize);
    return Promise.resolve({ Records: page, NextShardIterator: `it:${from + page.length}` });
  }
}

/** An SQS queue: received messages are hidden until deleted or made visible again. */
class FakeQueue {
  readonly deleted: string[] = [];
  readonly released: string[] = [];
  private readonly hidden = new Set<string>();
  constructor(private readonly messages: { id: string; body: string }[]) {}
  send(command: ReceiveMessageCommand | DeleteMessageCommand | ChangeMessageVisibilityCommand): Promise<unknown> {
    if (command instanceof ReceiveMessageCommand) {
      assert.equal(command.input.QueueUrl, QUEUE_URL);
      const visible = this.messages.filter((m) => !this.hidden.has(m.id)).slice(0, command.input.MaxNumberOfMessages ?? 1);
      for (const m of visible) this.hidden.add(m.id);
      return Promise.resolve({ Messages: visible.map((m) => ({ MessageId: m.id, ReceiptHandle: `rh-${m.id}`, Body: m.body })) });
    }
    const id = String(command.input.ReceiptHandle).slice(3);
    if (command instanceof DeleteMessageCommand) {
      this.deleted.push(id);
      this.messages.splice(this.messages.findIndex((m) => m.id === id), 1);
    } else {
      assert.equal(command.input.VisibilityTimeout, 0);
      this.released.push(id);
      this.hidden.delete(id);
    }
    return Promise.resolve({});
  }
  get remaining(): string[] {
    return this.messages.map((m) => m.id);
  }
}

/** The capture function: records each event and answers with `answer(event)`. */
class FakeLambda {
  readonly events: DynamoDBStreamEvent[] = [];
  constructor(private readonly answer: (event: DynamoDBStreamEvent) => { FunctionError?: string; body: unknown }) {}
  send(command: InvokeCommand): Promise<unknown> {
    assert.equal(command.input.FunctionName, "capture");
    assert.equal(command.input.InvocationType, "RequestResponse");
    const event = JSON.parse(Buffer.from(command.input.Payload as Uint8Array).toString("utf8")) as DynamoDBStreamEvent;
    this.events.push(event);
    const { FunctionError, body } = this.answer(event);
    return Promise.resolve({ StatusCode: 200, ...(FunctionError ? { FunctionError } : {}), Payload: new TextEncoder().encode(JSON.stringify(body)) });
  }
}

const info = (first: number, last: number): StreamBatchInfo => parseDeadLetter(deadLetter(first, last));
const shard = [1, 2, 3, 4, 5, 6, 7].map((n) => streamRecord(n));

void describe("readBatch", () => {
  void it("reads from the first to the last sequence number across pages", async () => {
    const streams = new FakeStreams(shard);
    const got = await readBatch(streams, info(2, 5));
    assert.deepEqual(got.map((r) => r.eventID), ["e2", "e3", "e4", "e5"]);
    assert.deepEqual(streams.calls, ["GetShardIteratorCommand", "GetRecordsCommand", "GetRecordsCommand"]);
  });

  void it("says the records are past the retention when the stream trimmed them", async () => {
    await assert.rejects(readBatch(new FakeStreams(shard, 3), info(2, 5)), (e: unknown) => {
      assert.ok(e instanceof StreamRecordsExpiredError);
      assert.equal(
        e.message,
        `records 100000000000000000002..100000000000000000005 of orders (shard ${SHARD}) were trimmed from the stream: they are past the stream's 24-hour retention and cannot be replayed. ` +
          "The message stays in the queue as the record of the loss; reload the table (lake resnapshot --job <snapshot job>), then delete the message.",
      );
      return true;
    });
  });

  void it("says so when the shard no longer holds the first record", async () => {
    await assert.rejects(readBatch(new FakeStreams(shard.slice(3)), info(2, 5)), StreamRecordsExpiredError);
  });
});

void describe("replayDeadLetters", () => {
  function setup(answer: ConstructorParameters<typeof FakeLambda>[0] = () => ({ body: { batchItemFailures: [] } })) {
    const queue = new FakeQueue([
      { id: "m1", body: deadLetter(1, 2) },
      { id: "m2", body: deadLetter(3, 3) },
      { id: "m3", body: "not json" },
    ]);
    const lambda = new FakeLambda(answer);
    const clients: ReplayClients = { sqs: queue, streams: new FakeStreams(shard), lambda };
    const lines: string[] = [];
    return { queue, lambda, clients, lines, print: (l: string) => lines.push(l) };
  }

  void it("replays each batch through the function, deletes what went through, keeps and releases the rest", async () => {
    const s = setup();
    const summary = await replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: false }, s.clients, s.print);
    assert.deepEqual(summary, { replayed: 2, kept: 1, dryRun: 0 });
    assert.deepEqual(s.lambda.events, [
      { Records: [1, 2].map((n) => toLambdaRecord(streamRecord(n), STREAM_ARN)) },
      { Records: [toLambdaRecord(streamRecord(3), STREAM_ARN)] },
    ]);
    assert.deepEqual(s.queue.deleted, ["m1", "m2"]);
    assert.deepEqual(s.queue.released, ["m3"]);
    assert.deepEqual(s.queue.remaining, ["m3"]);
    assert.deepEqual(s.lines, [
      `replayed m1: 2 record(s) of orders (shard ${SHARD}, 100000000000000000001..100000000000000000002); message deleted`,
      `replayed m2: 1 record(s) of orders (shard ${SHARD}, 100000000000000000003..100000000000000000003); message deleted`,
      "kept m3: the message is not JSON: is this the capture function's dead-letter queue?",
      "2 replayed, 1 kept, 0 to replay",
    ]);
  });

  void it("keeps a message when the function reports failed records or fails", async () => {
    const s = setup((event) =>
      event.Records.length === 2
        ? { body: { batchItemFailures: [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber }] } }
        : { FunctionError: "Unhandled", body: { errorMessage: "Task timed out" } },
    );
    const summary = await replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: false }, s.clients, s.print);
    assert.deepEqual(summary, { replayed: 0, kept: 3, dryRun: 0 });
    assert.deepEqual(s.queue.deleted, []);
    assert.deepEqual(s.queue.released.sort(), ["m1", "m2", "m3"]);
    assert.equal(s.lines[0], `kept m1: 2 record(s) of orders (shard ${SHARD}, 100000000000000000001..100000000000000000002): the function reported 1 failed record(s), first at 100000000000000000002`);
    assert.equal(s.lines[1], `kept m2: 1 record(s) of orders (shard ${SHARD}, 100000000000000000003..100000000000000000003): the function failed (Unhandled): {"errorMessage":"Task timed out"}`);
  });

  void it("dry run reads the records, invokes nothing, deletes nothing and releases every message", async () => {
    const s = setup();
    const summary = await replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: true }, s.clients, s.print);
    assert.deepEqual(summary, { replayed: 0, kept: 1, dryRun: 2 });
    assert.deepEqual(s.lambda.events, []);
    assert.deepEqual(s.queue.deleted, []);
    assert.deepEqual(s.queue.remaining, ["m1", "m2", "m3"]);
    assert.deepEqual(s.queue.released.sort(), ["m1", "m2", "m3"]);
    assert.equal(s.lines.at(-1), "dry run: 0 replayed, 1 kept, 2 to replay");
  });

  void it("stops after --max messages", async () => {
    const s = setup();
    const summary = await replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: false, max: 1 }, s.clients, s.print);
    assert.deepEqual(summary, { replayed: 1, kept: 0, dryRun: 0 });
    assert.deepEqual(s.queue.remaining, ["m2", "m3"]);
    assert.deepEqual(s.queue.released, []);
  });

  void it("releases the messages it holds when a call fails midway", async () => {
    const s = setup(() => {
      throw new Error("network down");
    });
    await assert.rejects(replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: false }, s.clients, s.print), /network down/);
    assert.deepEqual(s.queue.released.sort(), ["m1", "m2", "m3"]);
    assert.deepEqual(s.queue.remaining, ["m1", "m2", "m3"]);
  });
});
