/**
 * The local event source mapping keeps Lambda's semantics for DynamoDB
 * Streams: batch size and shard order, ReportBatchItemFailures, bisect on
 * function error, bounded retries, maximum record age, the on-failure
 * destination, and events shaped like Lambda's.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { StreamPoller, type EventSourceMappingSettings, type StreamHandler } from "../../local/capture/poller";
import { createSampleTable, type SampleTable } from "../../local/source/sample-table";
import { useLocalMoto } from "./local-moto";

const local = useLocalMoto();
let tables = 0;

const seqOf = (r: DynamoDBRecord): string => r.dynamodb!.SequenceNumber!;

/** A table with `n` inserts (sk 0…n-1) already in its stream. */
async function tableWith(n: number): Promise<SampleTable> {
  const name = `poller-${++tables}`;
  const table = await createSampleTable(local.clients, name, `lake-${name}`);
  for (let i = 0; i < n; i++) {
    await local.clients.dynamodb.send(
      new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { N: String(i) }, b: { B: new Uint8Array([i, 255]) } } }),
    );
  }
  return table;
}

/** Runs the poller over the table's stream with a handler that records every invocation. */
async function drive(
  table: SampleTable,
  handler: (records: DynamoDBRecord[], call: number) => Awaited<ReturnType<StreamHandler>> | Promise<Awaited<ReturnType<StreamHandler>>>,
  settings: Partial<EventSourceMappingSettings>,
): Promise<{ calls: string[][]; poller: StreamPoller; events: DynamoDBRecord[][] }> {
  const calls: string[][] = [];
  const events: DynamoDBRecord[][] = [];
  const poller = new StreamPoller({
    streams: local.clients.streams,
    streamArn: table.streamArn,
    settings: { maximumBatchingWindowInSeconds: 0, ...settings },
    handler: async (event) => {
      calls.push(event.Records.map((r) => r.dynamodb!.Keys!.sk!.N!));
      events.push(event.Records);
      return handler(event.Records, calls.length - 1);
    },
  });
  await poller.start();
  try {
    await poller.caughtUp(30_000);
  } finally {
    await poller.stop();
  }
  return { calls, poller, events };
}

const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => String(from + i));

void describe("local event source mapping", () => {
  void test("invokes batches of at most batchSize, in shard order, from TRIM_HORIZON, shaped like Lambda's events", async () => {
    const table = await tableWith(7);
    const { calls, events, poller } = await drive(table, () => undefined, { batchSize: 3 });
    assert.deepEqual(calls, [range(0, 3), range(3, 6), range(6, 7)]);
    const first = events[0]![0]!;
    assert.equal(first.eventSourceARN, table.streamArn);
    assert.equal(first.eventSource, "aws:dynamodb");
    assert.equal(first.dynamodb!.StreamViewType, "NEW_AND_OLD_IMAGES");
    assert.ok(Number.isInteger(first.dynamodb!.ApproximateCreationDateTime), "whole epoch seconds");
    assert.deepEqual(first.dynamodb!.NewImage!.b, { B: Buffer.from([0, 255]).toString("base64") });
    assert.match(seqOf(first), /^[0-9]{21,40}$/);
    assert.equal(first.userIdentity, undefined);
    assert.equal(poller.checkpoints.get([...poller.checkpoints.keys()][0]!), seqOf(events[2]!.at(-1)!));
  });

  void test("a batch item failure retries from the reported record on, not before it", async () => {
    const table = await tableWith(6);
    const { calls, poller } = await drive(
      table,
      (records, call) => (call === 0 ? { batchItemFailures: [{ itemIdentifier: seqOf(records[4]!) }, { itemIdentifier: seqOf(records[2]!) }] } : undefined),
      { batchSize: 6 },
    );
    assert.deepEqual(calls, [range(0, 6), range(2, 6)]);
    assert.equal(poller.stats.partialFailures, 1);
  });

  void test("an unknown itemIdentifier fails the whole batch", async () => {
    const table = await tableWith(3);
    const { calls } = await drive(table, (_r, call) => (call === 0 ? { batchItemFailures: [{ itemIdentifier: "" }] } : undefined), {
      batchSize: 3,
      bisectBatchOnFunctionError: false,
    });
    assert.deepEqual(calls, [range(0, 3), range(0, 3)]);
  });

  void test("a function error bisects the batch; a record that keeps failing goes to the on-failure destination after the retries", async () => {
    const table = await tableWith(4);
    const { calls, poller } = await drive(
      table,
      (records) => {
        if (records.some((r) => r.dynamodb!.Keys!.sk!.N === "2")) throw new Error("poison record");
      },
      { batchSize: 4, maximumRetryAttempts: 2 },
    );
    // [0..3] fails → [0,1] ok, [2,3] fails → [2] fails 1 + 2 retries, then [3] ok.
    assert.deepEqual(calls, [range(0, 4), range(0, 2), range(2, 4), ["2"], ["2"], ["2"], ["3"]]);
    assert.equal(poller.destination.length, 1);
    const info = poller.destination[0]!;
    assert.equal(info.requestContext.condition, "RetryAttemptsExhausted");
    assert.equal(info.DDBStreamBatchInfo.batchSize, 1);
    assert.equal(info.DDBStreamBatchInfo.startSequenceNumber, info.DDBStreamBatchInfo.endSequenceNumber);
    assert.equal(poller.stats.bisects, 2);
  });

  void test("records older than maximumRecordAgeInSeconds go to the destination without an invocation", async () => {
    const table = await tableWith(2);
    await new Promise((r) => setTimeout(r, 2100));
    const { calls, poller } = await drive(table, () => undefined, { batchSize: 10, maximumRecordAgeInSeconds: 1 });
    assert.deepEqual(calls, []);
    assert.equal(poller.destination[0]!.requestContext.condition, "RecordAgeExceeded");
    assert.equal(poller.destination[0]!.DDBStreamBatchInfo.batchSize, 2);
  });

  void test("a function that outlives its timeout is a function error", async () => {
    const table = await tableWith(1);
    const { calls } = await drive(table, (_r, call) => (call === 0 ? new Promise<void>(() => undefined) : undefined), { batchSize: 1, functionTimeoutMs: 200 });
    assert.deepEqual(calls, [["0"], ["0"]]);
  });
});
