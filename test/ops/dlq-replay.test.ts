/**
 * Dead-letter replay: the pure parts (message parsing, the function's answer) as tables, and the
 * whole replay against fake SQS, Streams and Lambda clients that keep state the way the services do.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { DynamoDBStreamEvent } from "aws-lambda";
import {
  compareSequenceNumbers,
  DeadLetterFormatError,
  invokeOutcome,
  parseDeadLetter,
  readBatch,
  replayDeadLetters,
  StreamRecordsExpiredError,
  type ReplayClients,
  type StreamBatchInfo,
} from "../../ops/dlq-replay";
import { toLambdaRecord } from "../../ops/lambda-stream-event";
import { seq, STREAM_ARN, streamRecord } from "./stream-records";

const SHARD = "shardId-00000001700000000000-abcdef01";
const QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/123456789012/lake-orders-dlq-0a1b2c3";

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

/** An SQS queue: received messages are hidden until deleted or made visible again; releasing the ids in `failRelease` fails. */
class FakeQueue {
  readonly deleted: string[] = [];
  readonly released: string[] = [];
  private readonly hidden = new Set<string>();
  constructor(
    private readonly messages: { id: string; body: string }[],
    private readonly failRelease: ReadonlySet<string> = new Set(),
  ) {}
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
      if (this.failRelease.has(id)) return Promise.reject(new Error(`receipt handle rh-${id} has expired`));
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
  function setup(answer: ConstructorParameters<typeof FakeLambda>[0] = () => ({ body: { batchItemFailures: [] } }), failRelease: string[] = []) {
    const queue = new FakeQueue(
      [
        { id: "m1", body: deadLetter(1, 2) },
        { id: "m2", body: deadLetter(3, 3) },
        { id: "m3", body: "not json" },
      ],
      new Set(failRelease),
    );
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

  void it("releases every message when one release fails, and throws the error it stopped on first", async () => {
    // Prepare: the function call fails, and so does releasing the first held message.
    const s = setup(() => {
      throw new Error("network down");
    }, ["m1"]);
    // Act
    const run = replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: false }, s.clients, s.print);
    // Assess: the others are released all the same; the error names the cause first, then the release failure.
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof AggregateError);
      assert.deepEqual(e.errors.map((x: Error) => x.message), ["network down", "receipt handle rh-m1 has expired"]);
      assert.equal(
        e.message,
        "network down; and 1 of 3 held message(s) could not be made visible again (they reappear after the 900 s visibility timeout): receipt handle rh-m1 has expired",
      );
      assert.equal((e.cause as Error).message, "network down");
      return true;
    });
    assert.deepEqual(s.queue.released, ["m2", "m3"]);
    assert.deepEqual(s.queue.deleted, []);
  });

  void it("fails a finished run whose releases failed, after releasing the rest", async () => {
    // Prepare: every batch is kept (the function reports a failure), and releasing m2 fails.
    const s = setup(() => ({ FunctionError: "Unhandled", body: { errorMessage: "boom" } }), ["m2"]);
    // Act
    const run = replayDeadLetters({ queueUrl: QUEUE_URL, functionName: "capture", dryRun: false }, s.clients, s.print);
    // Assess
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof AggregateError);
      assert.deepEqual(e.errors.map((x: Error) => x.message), ["receipt handle rh-m2 has expired"]);
      assert.equal(e.message, "1 of 3 held message(s) could not be made visible again (they reappear after the 900 s visibility timeout): receipt handle rh-m2 has expired");
      return true;
    });
    assert.deepEqual(s.queue.released, ["m1", "m3"]);
    assert.equal(s.lines.length, 3, "no summary line for a failed run");
  });
});
