/**
 * Randomized: random batches, sizes, malformed and oversize records, random
 * per-entry and whole-call failures, latencies and time budgets, against a
 * simple model: the reported failure is the earliest record not delivered,
 * and every record before it was delivered at least once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DynamoDBRecord } from "aws-lambda";
import { captureBatch } from "../../functions/stream-to-firehose/capture-batch";
import { encodeDeltaLine } from "../../functions/stream-to-firehose/encode-line";
import { toDeltaRecord } from "../../functions/stream-to-firehose/map-record";
import type { FirehoseLimits } from "../../functions/stream-to-firehose/limits";
import { FakeClock, FakeFirehose, FakeS3, harness, prng, seqOf, serviceError } from "./fakes";
import { seqAt, streamRecord } from "./stream-records";

const SEEDS = 400;

function scenario(seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const maxBytesPerRecord = 400 + Math.floor(random() * 400);
  const limits: FirehoseLimits = {
    maxRecordsPerCall: 1 + Math.floor(random() * 7),
    maxBytesPerRecord,
    maxBytesPerCall: maxBytesPerRecord + Math.floor(random() * 2 * maxBytesPerRecord),
  };
  const count = Math.floor(random() * 40);
  const malformedRate = pick([0, 0, 0.03]);
  const oversizeRate = pick([0, 0.1]);
  const records: DynamoDBRecord[] = Array.from({ length: count }, (_, i) => {
    const oversize = random() < oversizeRate;
    const pad = "p".repeat(oversize ? maxBytesPerRecord : Math.floor(random() * (maxBytesPerRecord - 250)));
    const record = streamRecord({ seq: seqAt(i), op: pick(["INSERT", "MODIFY"] as const), keys: { pk: { S: `k${i}` } }, newImage: { pk: { S: `k${i}` }, pad: { S: pad } } });
    if (random() < malformedRate) record.eventName = "UPSERT" as "INSERT";
    return record;
  });
  const entryFailRate = pick([0, 0.1, 0.5, 0.9, 1]);
  const callErrorRate = pick([0, 0.1, 0.3]);
  const fatalRate = pick([0, 0, 0.05]);
  const s3FailRate = pick([0, 0.3, 1]);
  const clock = new FakeClock(undefined, random);
  const start = clock.t;
  const budgetMs = 500 + Math.floor(random() * 20_000);
  const callStarts: number[] = [];
  const firehose = new FakeFirehose(
    (_call, lines) => {
      const roll = random();
      if (roll < fatalRate) return serviceError("ResourceNotFoundException", 400);
      if (roll < fatalRate + callErrorRate) return serviceError("ServiceUnavailableException", 503);
      return lines.map(() => (random() < entryFailRate ? pick(["ServiceUnavailableException", "InternalFailure"]) : undefined));
    },
    () => {
      callStarts.push(clock.t);
      clock.t += Math.floor(random() * 300);
    },
  );
  const s3 = new FakeS3(() => (random() < s3FailRate ? pick([serviceError("SlowDown", 503), serviceError("AccessDenied", 403)]) : undefined));
  const h = harness({
    firehose,
    s3,
    clock,
    limits,
    budgetMs,
    policy: { maxAttempts: 1 + Math.floor(random() * 5), baseDelayMs: 50, maxDelayMs: 2_000, safetyMarginMs: 200 },
  });
  // The last moment a call may start: the deadline less the safety margin (a fifth of a short budget).
  return { records, h, limits, callStarts, lastStart: start + budgetMs - Math.min(200, Math.floor(budgetMs / 5)) };
}

void describe("captureBatch against a model (randomized)", () => {
  void it(`reports exactly the earliest undelivered record, with every earlier record delivered (${SEEDS} seeds)`, async () => {
    let failuresSeen = 0;
    let overflowSeen = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      // Prepare
      const { records, h, limits, callStarts, lastStart } = scenario(seed);
      const indexBySeq = new Map(records.map((r, i) => [seqAt(i).padStart(40, "0"), i]));
      // Act
      const { response } = await captureBatch(records, h.deps);
      // Assess
      const delivered = new Set<number>();
      for (const line of h.firehose.accepted) {
        const delta = JSON.parse(line) as { seq: string; overflow?: string };
        const index = indexBySeq.get(delta.seq) as number;
        if (delta.overflow !== undefined) {
          overflowSeen++;
          assert.ok(h.s3.objects.has(delta.overflow), `seed ${seed}: pointer to a missing object`);
        }
        const expectedLine = delta.overflow === undefined ? encodeDeltaLine(toDeltaRecord(records[index] as DynamoDBRecord)).toString("utf8") : undefined;
        if (expectedLine !== undefined) assert.equal(line, expectedLine, `seed ${seed}: line of record ${index}`);
        delivered.add(index);
      }
      const earliestUndelivered = records.findIndex((_, i) => !delivered.has(i));
      const expected = earliestUndelivered === -1 ? [] : [{ itemIdentifier: seqAt(earliestUndelivered) }];
      assert.deepEqual(response.batchItemFailures, expected, `seed ${seed}`);
      const reportedAt = earliestUndelivered === -1 ? records.length : earliestUndelivered;
      for (let i = 0; i < reportedAt; i++) assert.ok(delivered.has(i), `seed ${seed}: record ${i} before the failure was delivered`);
      if (earliestUndelivered !== -1) failuresSeen++;
      assert.ok(callStarts.every((t) => t < lastStart), `seed ${seed}: no call starts past the time budget`);
      for (const call of h.firehose.calls) {
        const indexes = call.map((line) => indexBySeq.get(seqOf(line)) as number);
        assert.ok(call.length >= 1 && call.length <= limits.maxRecordsPerCall, `seed ${seed}: records per call`);
        assert.ok(call.reduce((sum, line) => sum + Buffer.byteLength(line), 0) <= limits.maxBytesPerCall, `seed ${seed}: bytes per call`);
        assert.ok(call.every((line) => Buffer.byteLength(line) <= limits.maxBytesPerRecord), `seed ${seed}: bytes per record`);
        assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b), `seed ${seed}: a call is in stream order`);
      }
    }
    // The generator must actually produce both outcomes, or the test proves nothing.
    assert.ok(failuresSeen > SEEDS / 10 && failuresSeen < SEEDS - SEEDS / 10, `failures in ${failuresSeen} of ${SEEDS} batches`);
    assert.ok(overflowSeen > 0, "some overflow pointers were delivered");
  });
});
