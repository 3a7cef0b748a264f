/**
 * The capture half end to end on the emulator: the real bundled function,
 * driven by the local poller, lands every stream record in S3 as a delta line,
 * and the deltas rebuild exactly the table, with and without faults.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-dynamodb-streams";
import { crashingMidBatch, duplicatingBatches } from "../../local/faults/handler-faults";
import { canonicalItemText, keyText } from "../../local/checks/dynamodb-json";
import { readDeltaObjects } from "../../local/capture/deltas";
import { applyDeltas, diffItems, liveItems } from "../../local/checks/model";
import { startCapture, type CaptureOptions } from "../../local/capture/capture";
import { createSampleTable, type SampleTable } from "../../local/source/sample-table";
import { scanTable } from "../../local/source/scan";
import { Workload } from "../../local/source/workload";
import type { FaultPlan } from "../../local/faults/firehose-proxy";
import { useLocalMoto } from "./local-moto";

const KEY_NAMES = ["pk", "sk"];
const local = useLocalMoto();
let tables = 0;

async function streamSequenceNumbers(table: SampleTable): Promise<string[]> {
  const shard = (await local.clients.streams.send(new DescribeStreamCommand({ StreamArn: table.streamArn }))).StreamDescription!.Shards![0]!;
  let iterator = (await local.clients.streams.send(new GetShardIteratorCommand({ StreamArn: table.streamArn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
  const out: string[] = [];
  for (;;) {
    const page = await local.clients.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    if (!page.Records?.length) return out;
    out.push(...page.Records.map((r) => r.dynamodb!.SequenceNumber!));
    iterator = page.NextShardIterator;
  }
}

interface Run {
  table: SampleTable;
  workload: Workload;
  capture: Awaited<ReturnType<typeof startCapture>>;
}

async function runCapture(seed: number, options: Partial<CaptureOptions> = {}, plan?: FaultPlan): Promise<Run> {
  const name = `capture-${++tables}`;
  const table = await createSampleTable(local.clients, name, `lake-${name}`);
  const workload = new Workload(local.clients, table, { items: 30, ops: 90, seed, nearLimitItems: 2 });
  const capture = await startCapture({
    clients: local.clients,
    table,
    ttlDeletes: workload.ttlDeletes,
    settings: { batchSize: 25, maximumBatchingWindowInSeconds: 0, functionTimeoutMs: 20_000, ...options.settings },
    wrap: options.wrap,
  });
  if (plan) capture.proxy.plan = plan;
  try {
    await workload.loadInitialItems();
    await workload.runOperations();
    await capture.poller.caughtUp();
  } finally {
    await capture.stop();
  }
  return { table, workload, capture };
}

/** Every stream record is in the delta log, the log rebuilds the table, TTL deletes are flagged. */
async function assertCapturedExactly(run: Run): Promise<{ lines: number; distinct: number; overflow: number }> {
  const objects = await readDeltaObjects(local.clients.s3, run.table.bucket, run.table.tableName);
  const records = objects.flatMap((o) => o.records);
  const expectedSeqs = (await streamSequenceNumbers(run.table)).map((s) => s.padStart(40, "0"));
  assert.deepEqual([...new Set(records.map((r) => r.seq))].sort(), expectedSeqs.sort());
  for (const r of records) {
    assert.equal(r.seq.length, 40);
    assert.equal(r.table, run.table.tableName);
    assert.equal(r.ttl_delete, run.workload.ttlDeletes.has(r.seq.replace(/^0+/, "")), `ttl_delete of ${r.seq}`);
  }
  const table = new Map((await scanTable(local.clients, run.table.tableName)).map((item) => [keyText(item, KEY_NAMES), canonicalItemText(item)]));
  const lake = liveItems(applyDeltas(new Map(), records, KEY_NAMES));
  assert.deepEqual(diffItems(table, lake), { missing: [], extra: [], differing: [] });
  assert.deepEqual(run.capture.poller.destination, []);
  const overflow = objects.reduce((n, o) => n + o.overflowPointers, 0);
  return { lines: records.length, distinct: new Set(records.map((r) => r.seq)).size, overflow };
}

void describe("capture on the emulator with the real bundled function", () => {
  void test("every stream record lands once, TTL deletes are flagged and the deltas rebuild the table", async () => {
    const run = await runCapture(11);
    const { lines, distinct, overflow } = await assertCapturedExactly(run);
    assert.equal(lines, distinct, "no duplicates without faults");
    assert.ok(overflow >= 1, "the change of the near-limit binary item goes through the overflow path");
    assert.ok(run.workload.ttlDeletes.size > 0, "the workload made TTL deletes");
    assert.equal(run.capture.proxy.stats.entriesFailed, 0);
  });

  void test("Firehose failing some entries, then all, throttling and dropping connections loses nothing", async () => {
    const plan: FaultPlan = (call, entries) => {
      if (call % 7 === 1) return { kind: "failEntries", positions: [0, Math.floor(entries / 2), entries - 1] };
      if (call >= 10 && call < 14) return { kind: "failAll" };
      if (call % 9 === 4) return { kind: "throttle" };
      if (call % 11 === 6) return { kind: "dropConnection" };
      return { kind: "pass" };
    };
    const run = await runCapture(12, {}, plan);
    await assertCapturedExactly(run);
    const stats = run.capture.proxy.stats;
    assert.ok(stats.entriesFailed > 0 && stats.throttled > 0 && stats.dropped > 0, JSON.stringify(stats));
  });

  void test("Firehose failing everything past the function's time returns batch item failures, and the retries deliver", async () => {
    let failingUntil = 0;
    const plan: FaultPlan = (call) => {
      // The first call fails every entry for 3 s: longer than the function's 2 s timeout.
      if (call === 0) failingUntil = Date.now() + 3000;
      return Date.now() < failingUntil ? { kind: "failAll" } : { kind: "pass" };
    };
    const run = await runCapture(13, { settings: { functionTimeoutMs: 2000 } }, plan);
    await assertCapturedExactly(run);
    assert.ok(run.capture.poller.stats.partialFailures + run.capture.poller.stats.functionErrors > 0, JSON.stringify(run.capture.poller.stats));
  });

  void test("a function crashing mid-batch and duplicate invocations only duplicate lines", async () => {
    const faults = { crashes: 0, duplicated: 0 };
    const run = await runCapture(14, {
      wrap: (handler) =>
        duplicatingBatches(
          crashingMidBatch(handler, (n, records) => (n % 3 === 0 && records > 1 ? Math.floor(records / 2) : undefined), faults),
          (n) => n % 4 === 1,
          faults,
        ),
    });
    const { lines, distinct } = await assertCapturedExactly(run);
    assert.ok(faults.crashes > 0 && faults.duplicated > 0, JSON.stringify(faults));
    assert.ok(lines > distinct, `duplicates expected: ${lines} lines, ${distinct} distinct`);
    assert.ok(run.capture.poller.stats.bisects > 0);
  });
});
