import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planCalls, takeCallPrefix } from "../../functions/stream-to-firehose/call-batching";
import { FIREHOSE_LIMITS } from "../../functions/stream-to-firehose/limits";

const entry = (bytes: number) => ({ data: new Uint8Array(bytes) });
const shape = (calls: { data: Uint8Array }[][]) => calls.map((call) => call.map((e) => e.data.byteLength));

void describe("Firehose call batching", () => {
  void it("has the documented limits", () => {
    assert.deepEqual(FIREHOSE_LIMITS, { maxRecordsPerCall: 500, maxBytesPerCall: 4_194_304, maxBytesPerRecord: 1_024_000 });
  });

  void it("puts exactly 500 records in one call and the 501st in the next", () => {
    // Prepare
    const five = Array.from({ length: 500 }, () => entry(10));
    const fiveOne = Array.from({ length: 501 }, () => entry(10));
    // Act
    const a = planCalls(five, FIREHOSE_LIMITS);
    const b = planCalls(fiveOne, FIREHOSE_LIMITS);
    // Assess
    assert.deepEqual(a.map((c) => c.length), [500]);
    assert.deepEqual(b.map((c) => c.length), [500, 1]);
  });

  void it("fills a call to exactly 4 MiB and moves one byte more to the next call", () => {
    // Prepare: 4 × 1,000,000 + 194,304 = 4,194,304
    const exact = [entry(1_000_000), entry(1_000_000), entry(1_000_000), entry(1_000_000), entry(194_304)];
    const over = [entry(1_000_000), entry(1_000_000), entry(1_000_000), entry(1_000_000), entry(194_305)];
    // Act
    const a = planCalls(exact, FIREHOSE_LIMITS);
    const b = planCalls(over, FIREHOSE_LIMITS);
    // Assess
    assert.deepEqual(shape(a), [[1_000_000, 1_000_000, 1_000_000, 1_000_000, 194_304]]);
    assert.deepEqual(shape(b), [[1_000_000, 1_000_000, 1_000_000, 1_000_000], [194_305]]);
  });

  void it("accepts a record of exactly 1000 KiB and refuses one byte more (that one must go through overflow)", () => {
    assert.deepEqual(shape([takeCallPrefix([entry(1_024_000)], FIREHOSE_LIMITS)]), [[1_024_000]]);
    assert.throws(() => takeCallPrefix([entry(1_024_001)], FIREHOSE_LIMITS), /over the 1024000-byte record limit/);
  });

  void it("takes a run from the start position, in order, and keeps every entry exactly once", () => {
    // Prepare
    const entries = Array.from({ length: 1_234 }, (_, i) => ({ i, data: new Uint8Array(1 + ((i * 7919) % 20_000)) }));
    // Act
    const calls = planCalls(entries, FIREHOSE_LIMITS);
    // Assess
    assert.deepEqual(calls.flat().map((e) => e.i), entries.map((e) => e.i));
    for (const call of calls) {
      assert.ok(call.length <= 500);
      assert.ok(call.reduce((sum, e) => sum + e.data.byteLength, 0) <= 4_194_304);
    }
    assert.deepEqual(takeCallPrefix(entries, { ...FIREHOSE_LIMITS, maxRecordsPerCall: 2 }, 5).map((e) => e.i), [5, 6]);
  });
});
