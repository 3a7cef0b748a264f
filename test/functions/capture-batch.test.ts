import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DynamoDBRecord } from "aws-lambda";
import { captureBatch } from "../../functions/stream-to-firehose/capture-batch";
import { encodeDeltaLine } from "../../functions/stream-to-firehose/encode-line";
import { toDeltaRecord } from "../../functions/stream-to-firehose/map-record";
import { FakeClock, FakeFirehose, FakeS3, harness, seqOf, serviceError } from "./fakes";
import { insertBatch, recordOfLineBytes, seqAt, streamRecord, T0 } from "./stream-records";

const lineOf = (record: DynamoDBRecord) => encodeDeltaLine(toDeltaRecord(record)).toString("utf8");
const lineBytes = (record: DynamoDBRecord) => encodeDeltaLine(toDeltaRecord(record)).byteLength;
const padded = (i: number) => seqAt(i).padStart(40, "0");
const indexesOf = (lines: string[]) => lines.map((line) => Number((BigInt(seqOf(line)) - 100_000_000_000_000_000_000n) / 7n));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

void describe("captureBatch", () => {
  void it("sends one line per record, in order, in one call, and reports no failure", async () => {
    // Prepare
    const records = insertBatch(3, (i) => ({ n: { N: String(i) } }));
    const h = harness();
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(h.firehose.calls, [records.map(lineOf)]);
    const bytes = records.map(lineBytes).reduce((a, b) => a + b, 0);
    assert.deepEqual(summary, {
      records: 3,
      deliveredRecords: 3,
      deliveredBytes: bytes,
      calls: 1,
      retries: 0,
      failedEntries: 0,
      overflowRecords: 0,
      malformedRecords: 0,
      newestRecordAgeMs: 5_000,
      table: "orders",
      failure: undefined,
    });
  });

  void it("retries only the entries Firehose failed inside a 200 response, after a backoff", async () => {
    // Prepare
    const records = insertBatch(5);
    const firehose = new FakeFirehose((call) =>
      call === 0 ? [undefined, "ServiceUnavailableException", undefined, "InternalFailure", undefined] : [],
    );
    const h = harness({ firehose, clock: new FakeClock(T0 * 1000, () => 0.5) });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(indexesOf(firehose.calls[0] ?? []), [0, 1, 2, 3, 4]);
    assert.deepEqual(indexesOf(firehose.calls[1] ?? []), [1, 3]);
    assert.equal(firehose.calls.length, 2);
    assert.deepEqual(indexesOf(firehose.accepted).sort(), [0, 1, 2, 3, 4]);
    assert.deepEqual(h.clock.sleeps, [50], "full jitter: 0.5 × 100 ms on the first retry");
    assert.deepEqual([summary.retries, summary.failedEntries, summary.deliveredRecords], [2, 2, 5]);
  });

  void it("keeps retrying partial failures until they pass", async () => {
    // Prepare: entry "3" fails on its first four sends
    const records = insertBatch(6);
    let failuresLeft = 4;
    const firehose = new FakeFirehose((_call, lines) =>
      lines.map((line) => (seqOf(line) === padded(3) && failuresLeft-- > 0 ? "ServiceUnavailableException" : undefined)),
    );
    const h = harness({ firehose, clock: new FakeClock(T0 * 1000, () => 0.999) });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(firehose.calls.map(indexesOf), [[0, 1, 2, 3, 4, 5], [3], [3], [3], [3]]);
    assert.deepEqual(h.clock.sleeps, [99, 199, 399, 799]);
    assert.equal(summary.retries, 4);
  });

  void it("reports the earliest failed record's original SequenceNumber when retries run out", async () => {
    // Prepare: records 2 and 4 always fail
    const records = insertBatch(6);
    const firehose = new FakeFirehose((_call, lines) =>
      lines.map((line) => ([padded(2), padded(4)].includes(seqOf(line)) ? "ServiceUnavailableException" : undefined)),
    );
    const h = harness({ firehose, policy: { maxAttempts: 3 } });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: seqAt(2) }] });
    assert.deepEqual(firehose.calls.map(indexesOf), [[0, 1, 2, 3, 4, 5], [2, 4], [2, 4]]);
    assert.deepEqual(indexesOf(firehose.accepted), [0, 1, 3, 5]);
    assert.match(summary.failure?.reason ?? "", /ServiceUnavailableException.*after 3 attempts/);
  });

  void it("stops sending records after one it has given up on: Lambda resends them anyway", async () => {
    // Prepare: record 10 of 1000 always fails
    const records = insertBatch(1_000);
    const firehose = new FakeFirehose((_call, lines) =>
      lines.map((line) => (seqOf(line) === padded(10) ? "InternalFailure" : undefined)),
    );
    const h = harness({ firehose, policy: { maxAttempts: 2 } });
    // Act
    const { response } = await captureBatch(records, h.deps);
    // Assess: the retry of 10 rides with the next records; once 10 is given up nothing later is sent
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(10) }]);
    assert.deepEqual(firehose.calls.map(indexesOf), [range(0, 500), [10, ...range(500, 999)]]);
  });

  void it("reports the first record when every entry always fails", async () => {
    // Prepare
    const records = insertBatch(4);
    const firehose = new FakeFirehose((_call, lines) => lines.map(() => "ServiceUnavailableException"));
    const h = harness({ firehose, policy: { maxAttempts: 4 } });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(0) }]);
    assert.equal(firehose.calls.length, 4);
    assert.deepEqual([summary.deliveredRecords, summary.failedEntries, summary.retries], [0, 16, 12]);
  });

  void it("retries a whole call that was throttled", async () => {
    // Prepare
    const records = insertBatch(3);
    const firehose = new FakeFirehose((call) => (call < 2 ? serviceError("ServiceUnavailableException", 400) : []));
    const h = harness({ firehose });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(firehose.calls.map(indexesOf), [[0, 1, 2], [0, 1, 2], [0, 1, 2]]);
    assert.deepEqual(h.clock.sleeps, [50, 100]);
    assert.deepEqual([summary.calls, summary.retries, summary.failedEntries], [3, 6, 6]);
  });

  void it("retries a 5xx of the whole call", async () => {
    const records = insertBatch(2);
    const firehose = new FakeFirehose((call) => (call === 0 ? serviceError("InternalServerError", 500) : []));
    const h = harness({ firehose });
    const { response } = await captureBatch(records, h.deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(firehose.calls.length, 2);
  });

  void it("does not retry a call that can never succeed, and reports its first record", async () => {
    // Prepare: the second call (records 500..) hits a missing stream
    const records = insertBatch(700);
    const firehose = new FakeFirehose((call) => (call === 1 ? serviceError("ResourceNotFoundException", 400) : []));
    const h = harness({ firehose });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(500) }]);
    assert.equal(firehose.calls.length, 2);
    assert.deepEqual(h.clock.sleeps, []);
    assert.match(summary.failure?.reason ?? "", /ResourceNotFoundException/);
  });

  void it("reports the first unsent record when the invocation's time runs out, having sent the earliest records first", async () => {
    // Prepare: 3 s left, 1 s safety margin, each call takes 900 ms; 4 calls would be needed
    const clock = new FakeClock();
    const firehose = new FakeFirehose(() => [], () => (clock.t += 900));
    const h = harness({ firehose, clock, budgetMs: 3_000, policy: { safetyMarginMs: 1_000 } });
    const records = insertBatch(2_000);
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(1_500) }]);
    assert.deepEqual(firehose.calls.map(indexesOf), [range(0, 500), range(500, 1_000), range(1_000, 1_500)]);
    assert.deepEqual(summary.failure, { index: 1_500, reason: "time budget exhausted" });
  });

  void it("does not sleep past the deadline: a backoff that would not fit ends the retries", async () => {
    // Prepare: 1.5 s budget after the margin; the 2nd backoff (0.999 × 2 s) would not fit
    const records = insertBatch(3);
    const firehose = new FakeFirehose((_call, lines) => lines.map((line) => (seqOf(line) === padded(1) ? "InternalFailure" : undefined)));
    const h = harness({
      firehose,
      clock: new FakeClock(T0 * 1000, () => 0.999),
      budgetMs: 2_500,
      policy: { safetyMarginMs: 1_000, baseDelayMs: 1_000, maxDelayMs: 10_000 },
    });
    // Act
    const { response } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(1) }]);
    assert.deepEqual(h.clock.sleeps, [999]);
    assert.deepEqual(firehose.calls.map(indexesOf), [[0, 1, 2], [1]]);
  });

  void it("still delivers when the function's timeout is shorter than the safety margin", async () => {
    // Prepare: 800 ms left, 1 s margin configured
    const h = harness({ budgetMs: 800, policy: { safetyMarginMs: 1_000 } });
    // Act
    const { response } = await captureBatch(insertBatch(2), h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(h.firehose.calls.map(indexesOf), [[0, 1]]);
  });

  void it("sends a record of exactly 1000 KiB as is", async () => {
    // Prepare
    const record = recordOfLineBytes(1_024_000, seqAt(0), lineBytes);
    const h = harness();
    // Act
    const { response, summary } = await captureBatch([record], h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual(h.firehose.calls, [[lineOf(record)]]);
    assert.equal(Buffer.byteLength(h.firehose.calls[0]?.[0] ?? ""), 1_024_000);
    assert.equal(h.s3.objects.size, 0);
    assert.equal(summary.overflowRecords, 0);
  });

  void it("moves a record one byte over 1000 KiB to overflow and sends a pointer line", async () => {
    // Prepare
    const small = streamRecord({ seq: seqAt(0) });
    const big = recordOfLineBytes(1_024_001, seqAt(1), lineBytes);
    const h = harness();
    // Act
    const { response, summary } = await captureBatch([small, big], h.deps);
    // Assess
    const delta = toDeltaRecord(big);
    const uri = `s3://lake/overflow/orders/${padded(1)}-event-${seqAt(1)}.json`;
    assert.deepEqual(response.batchItemFailures, []);
    assert.deepEqual([...h.s3.objects.keys()], [uri]);
    assert.equal(h.s3.objects.get(uri), JSON.stringify(delta));
    assert.deepEqual(h.firehose.calls, [
      [
        lineOf(small),
        `{"v":1,"table":"orders","op":"INSERT","seq":"${padded(1)}","ts_ms":${T0}000,"event_id":"event-${seqAt(1)}",` +
          `"ttl_delete":false,"keys":{"pk":{"S":"big-${seqAt(1)}"}},"new_image":null,"old_image":null,"overflow":"${uri}"}\n`,
      ],
    ]);
    assert.equal(summary.overflowRecords, 1);
  });

  void it("retries a throttled overflow write, then sends the pointer", async () => {
    const big = recordOfLineBytes(1_100_000, seqAt(0), lineBytes);
    const s3 = new FakeS3((attempt) => (attempt === 1 ? serviceError("SlowDown", 503) : undefined));
    const h = harness({ s3 });
    const { response } = await captureBatch([big], h.deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(s3.attempts.length, 2);
    assert.equal(s3.objects.size, 1);
    assert.equal(h.firehose.calls.length, 1);
  });

  void it("reports an oversize record whose overflow write fails, after sending the records before it only", async () => {
    // Prepare
    const records = [streamRecord({ seq: seqAt(0) }), recordOfLineBytes(1_100_000, seqAt(1), lineBytes), streamRecord({ seq: seqAt(2) })];
    const s3 = new FakeS3(() => serviceError("AccessDenied", 403));
    const h = harness({ s3 });
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(1) }]);
    assert.deepEqual(h.firehose.calls, [[lineOf(records[0] as DynamoDBRecord)]]);
    assert.equal(s3.attempts.length, 1);
    assert.match(summary.failure?.reason ?? "", /AccessDenied/);
  });

  void it("reports a malformed record at its sequence number, sending only the records before it", async () => {
    // Prepare
    const records = insertBatch(5);
    (records[2] as DynamoDBRecord).eventSourceARN = "not-an-arn";
    const h = harness();
    // Act
    const { response, summary } = await captureBatch(records, h.deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(2) }]);
    assert.deepEqual(h.firehose.calls.map(indexesOf), [[0, 1]]);
    assert.equal(summary.malformedRecords, 1);
    assert.match(summary.failure?.reason ?? "", /^malformed stream record: MalformedRecordError: eventSourceARN "not-an-arn"/);
    assert.equal(h.log.entries.filter((e) => e.level === "error").length, 1);
  });

  void it("reports a record without a usable SequenceNumber at the record before it, and fails the batch when there is none", async () => {
    // Prepare
    const records = insertBatch(3);
    delete records[1]?.dynamodb?.SequenceNumber;
    const first = insertBatch(2);
    delete first[0]?.dynamodb?.SequenceNumber;
    // Act
    const { response } = await captureBatch(records, harness().deps);
    // Assess
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: seqAt(0) }]);
    await assert.rejects(captureBatch(first, harness().deps), /neither it nor any earlier record has a SequenceNumber/);
  });

  void it("puts exactly 500 records in one call and 501 in two", async () => {
    const h500 = harness();
    const h501 = harness();
    await captureBatch(insertBatch(500), h500.deps);
    await captureBatch(insertBatch(501), h501.deps);
    assert.deepEqual(h500.firehose.calls.map((c) => c.length), [500]);
    assert.deepEqual(h501.firehose.calls.map((c) => c.length), [500, 1]);
  });

  void it("fills a call to exactly 4 MiB of lines and starts a new call one byte later", async () => {
    // Prepare: 4 × 1,000,000 + 194,304 = 4,194,304 bytes
    const sizes = [1_000_000, 1_000_000, 1_000_000, 1_000_000, 194_304];
    const exact = sizes.map((size, i) => recordOfLineBytes(size, seqAt(i), lineBytes));
    const over = sizes.map((size, i) => recordOfLineBytes(i === 4 ? size + 1 : size, seqAt(i), lineBytes));
    const a = harness();
    const b = harness();
    // Act
    await captureBatch(exact, a.deps);
    await captureBatch(over, b.deps);
    // Assess
    assert.deepEqual(a.firehose.calls.map((call) => call.map((line) => Buffer.byteLength(line))), [sizes]);
    assert.deepEqual(b.firehose.calls.map((call) => call.map((line) => Buffer.byteLength(line))), [sizes.slice(0, 4), [194_305]]);
  });

  void it("handles an empty batch", async () => {
    const h = harness();
    const { response, summary } = await captureBatch([], h.deps);
    assert.deepEqual(response.batchItemFailures, []);
    assert.equal(h.firehose.calls.length, 0);
    assert.equal(summary.newestRecordAgeMs, undefined);
  });
});
