/**
 * Throughput of the capture path (mapping + line encoding + batching +
 * delivery bookkeeping, Firehose faked so only our code runs) against two
 * baselines in the same process, interleaved round by round:
 *   floor: JSON.stringify of the same stream records, nothing else;
 *   usual: unmarshall (@aws-sdk/util-dynamodb) + JSON.stringify, the common way,
 *          which also loses digits, sets and binary.
 * Records per second per core = records / CPU seconds (user + system) of this
 * single-threaded process, which a shared machine disturbs less than wall time.
 */
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { captureBatch, type CaptureDeps } from "../functions/stream-to-firehose/capture-batch";
import { silentLog } from "../functions/stream-to-firehose/capture-log";
import { systemClock } from "../functions/stream-to-firehose/clock";
import type { RecordBatchSender } from "../functions/stream-to-firehose/delivery";
import { FIREHOSE_LIMITS } from "../functions/stream-to-firehose/limits";
import { DEFAULT_RETRY_POLICY } from "../functions/stream-to-firehose/retry-policy";

export type Variant = "handler" | "floor" | "usual";
export const VARIANTS: readonly Variant[] = ["handler", "floor", "usual"];

/** A Firehose that accepts everything at once: delivery's bookkeeping runs, the network does not. */
export function acceptingSender(onCall: () => void = () => undefined): RecordBatchSender {
  return {
    putRecordBatch: (input) => {
      onCall();
      return Promise.resolve({ FailedPutCount: 0, RequestResponses: input.Records.map((_, i) => ({ RecordId: String(i) })) });
    },
  };
}

export function benchDeps(sender: RecordBatchSender = acceptingSender()): CaptureDeps {
  return {
    sender,
    writer: { putObject: () => Promise.resolve({}) },
    deliveryStreamName: "orders-changes",
    overflowBucket: "lake",
    overflowPrefix: "overflow/",
    limits: FIREHOSE_LIMITS,
    policy: DEFAULT_RETRY_POLICY,
    clock: systemClock,
    remainingMs: () => 900_000,
    log: silentLog,
  };
}

type Images = Record<string, AttributeValue> | undefined;
// Without this replacer JSON.stringify throws on the BigInt that unmarshall returns for big integers.
const bigintAsText = (_key: string, value: unknown): unknown => (typeof value === "bigint" ? value.toString() : value);
const plain = (image: Images) => (image ? unmarshall(image as Parameters<typeof unmarshall>[0]) : null);

/** The usual way: a plain-JSON line per record from unmarshalled images. */
export function usualLine(record: DynamoDBRecord): Buffer {
  const d = record.dynamodb;
  const line = {
    op: record.eventName,
    seq: d?.SequenceNumber,
    ts_ms: (d?.ApproximateCreationDateTime ?? 0) * 1000,
    keys: plain(d?.Keys),
    new_image: plain(d?.NewImage),
    old_image: plain(d?.OldImage),
  };
  return Buffer.from(`${JSON.stringify(line, bigintAsText)}\n`, "utf8");
}

export async function runVariant(variant: Variant, records: readonly DynamoDBRecord[], deps: CaptureDeps): Promise<number> {
  let bytes = 0;
  switch (variant) {
    case "handler": {
      const { summary, response } = await captureBatch(records, deps);
      if (response.batchItemFailures.length > 0) throw new Error("the benchmark batch must capture cleanly");
      return summary.deliveredBytes;
    }
    case "floor":
      for (const record of records) bytes += Buffer.from(`${JSON.stringify(record)}\n`, "utf8").byteLength;
      return bytes;
    case "usual":
      for (const record of records) bytes += usualLine(record).byteLength;
      return bytes;
  }
}

export interface ThroughputResult {
  readonly variant: Variant;
  /** Median over rounds of records per CPU second. */
  readonly recordsPerCpuSecond: number;
  readonly minPerCpuSecond: number;
  readonly maxPerCpuSecond: number;
  /** Median over rounds of records per wall second. */
  readonly recordsPerWallSecond: number;
  readonly bytesPerRecord: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Each round runs every variant on `batchesPerRound` batches; the order of the
 * variants rotates each round so none always runs first (or after a GC).
 */
export async function measureThroughput(
  records: readonly DynamoDBRecord[],
  options: { rounds: number; warmupRounds: number; batchesPerRound: number },
): Promise<ThroughputResult[]> {
  const deps = benchDeps();
  const cpuRates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const wallRates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const bytes = new Map<Variant, number>();
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
    for (const variant of order) {
      const cpu = process.cpuUsage();
      const wall = process.hrtime.bigint();
      let total = 0;
      for (let b = 0; b < options.batchesPerRound; b++) total += await runVariant(variant, records, deps);
      const wallSeconds = Number(process.hrtime.bigint() - wall) / 1e9;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      if (round < options.warmupRounds) continue;
      const count = records.length * options.batchesPerRound;
      cpuRates.get(variant)?.push(count / cpuSeconds);
      wallRates.get(variant)?.push(count / wallSeconds);
      bytes.set(variant, total / count);
    }
  }
  return VARIANTS.map((variant) => {
    const rates = cpuRates.get(variant) ?? [];
    return {
      variant,
      recordsPerCpuSecond: median(rates),
      minPerCpuSecond: Math.min(...rates),
      maxPerCpuSecond: Math.max(...rates),
      recordsPerWallSecond: median(wallRates.get(variant) ?? []),
      bytesPerRecord: bytes.get(variant) ?? 0,
    };
  });
}

export interface FidelityResult {
  /** Scalar N values in the batch's images. */
  readonly numbers: number;
  /** N values whose digits the usual way changed (a double keeps ~17 significant digits). */
  readonly usualDigitLoss: number;
  readonly usualExample?: { readonly original: string; readonly after: string };
  readonly sets: number;
  /** Sets (SS, NS, BS) that the usual way wrote as {} (JSON.stringify of a Set). */
  readonly usualSetsLost: number;
  /** N values and sets not found byte for byte in our delta lines. */
  readonly handlerDigitLoss: number;
}

/** Scalar N values, nested ones included; NS elements are counted with the sets. */
function numbersOf(value: AttributeValue, out: string[]): void {
  if (value.N !== undefined) out.push(value.N);
  if (value.M) for (const v of Object.values(value.M)) numbersOf(v, out);
  if (value.L) for (const v of value.L) numbersOf(v, out);
}

/** Counts what each path does to the numbers (fixture numbers are canonical: no exponent, no trailing zeros). */
export async function measureFidelity(records: readonly DynamoDBRecord[]): Promise<FidelityResult> {
  let numbers = 0;
  let sets = 0;
  let usualDigitLoss = 0;
  let usualSetsLost = 0;
  let handlerDigitLoss = 0;
  let usualExample: FidelityResult["usualExample"];
  const lines: string[] = [];
  const sender = acceptingSender();
  await captureBatch(records, {
    ...benchDeps({
      putRecordBatch: (input, options) => {
        for (const r of input.Records) lines.push(Buffer.from(r.Data).toString("utf8"));
        return sender.putRecordBatch(input, options);
      },
    }),
  });
  records.forEach((record, i) => {
    const line = lines[i] ?? "";
    for (const image of [record.dynamodb?.NewImage, record.dynamodb?.OldImage]) {
      if (!image) continue;
      const unmarshalled = unmarshall(image as Parameters<typeof unmarshall>[0]);
      for (const [name, value] of Object.entries(image)) {
        const originals: string[] = [];
        numbersOf(value, originals);
        numbers += originals.length;
        handlerDigitLoss += originals.filter((n) => !line.includes(`"N":"${n}"`)).length;
        if (value.SS || value.NS || value.BS) {
          sets++;
          if (!line.includes(JSON.stringify(value))) handlerDigitLoss++;
          if (JSON.stringify(unmarshalled[name]) === "{}") usualSetsLost++;
        }
        const after = JSON.stringify(unmarshalled[name], bigintAsText);
        for (const original of originals) {
          if (!after.includes(original)) {
            usualDigitLoss++;
            usualExample ??= { original, after };
          }
        }
      }
    }
  });
  return { numbers, sets, usualDigitLoss, usualExample, usualSetsLost, handlerDigitLoss };
}
