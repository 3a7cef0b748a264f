/**
 * Peak memory of one 1,000-record batch through the capture path, in a fresh
 * process started with --expose-gc (bench/run.ts starts it). Prints one JSON line.
 * Heap is sampled inside each (faked) PutRecordBatch call, when every delta
 * line of the batch is held, and once more at the end.
 */
import { captureBatch } from "../functions/stream-to-firehose/capture-batch";
import { benchRecords } from "./fixtures";
import { acceptingSender, benchDeps } from "./handler.bench";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const collect = gc;

export interface PeakMemory {
  /** V8 heap (objects, strings), garbage included: nothing is collected during the batch. */
  readonly heapDeltaBytes: number;
  /** Buffers outside the V8 heap: the encoded delta lines. */
  readonly externalDeltaBytes: number;
  readonly rssDeltaBytes: number;
}

async function peakOf(records: ReturnType<typeof benchRecords>): Promise<PeakMemory> {
  collect();
  collect();
  const before = process.memoryUsage();
  let heap = before.heapUsed;
  let external = before.arrayBuffers;
  let rss = before.rss;
  const sample = () => {
    const now = process.memoryUsage();
    heap = Math.max(heap, now.heapUsed);
    external = Math.max(external, now.arrayBuffers);
    rss = Math.max(rss, now.rss);
  };
  await captureBatch(records, benchDeps(acceptingSender(sample)));
  sample();
  return { heapDeltaBytes: heap - before.heapUsed, externalDeltaBytes: external - before.arrayBuffers, rssDeltaBytes: rss - before.rss };
}

async function main(): Promise<void> {
  const records = benchRecords(Number(process.argv[2] ?? 1_000));
  const eventBytes = Buffer.byteLength(JSON.stringify({ Records: records }));
  const first = await peakOf(records);
  for (let i = 0; i < 20; i++) await captureBatch(records, benchDeps());
  const steady = await peakOf(records);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ records: records.length, eventBytes, first, steady, maxRssBytes })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
