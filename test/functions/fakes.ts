/**
 * Hand-written fakes of the two AWS calls and of time: no network, no mocking
 * library. Each fake records exactly what it was asked to do.
 */
import type { CaptureDeps } from "../../functions/stream-to-firehose/capture-batch";
import type { CaptureLog } from "../../functions/stream-to-firehose/capture-log";
import type { Clock } from "../../functions/stream-to-firehose/clock";
import type { RecordBatchSender } from "../../functions/stream-to-firehose/delivery";
import { FIREHOSE_LIMITS, type FirehoseLimits } from "../../functions/stream-to-firehose/limits";
import type { ObjectWriter } from "../../functions/stream-to-firehose/overflow";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../functions/stream-to-firehose/retry-policy";
import { T0 } from "./stream-records";

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(
    public t: number = T0 * 1000 + 5_000,
    private readonly randoms: () => number = () => 0.5,
  ) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
  random(): number {
    return this.randoms();
  }
}

/** What one PutRecordBatch call should do: per-entry error codes (undefined = accepted), or throw. */
export type FirehoseBehaviour = (call: number, lines: string[]) => (string | undefined)[] | Error;

export class FakeFirehose implements RecordBatchSender {
  readonly calls: string[][] = [];
  readonly accepted: string[] = [];
  constructor(
    private readonly behaviour: FirehoseBehaviour = () => [],
    private readonly onCall: () => void = () => undefined,
  ) {}
  putRecordBatch(input: Parameters<RecordBatchSender["putRecordBatch"]>[0]): ReturnType<RecordBatchSender["putRecordBatch"]> {
    const lines = input.Records.map((r) => Buffer.from(r.Data).toString("utf8"));
    const call = this.calls.length;
    this.calls.push(lines);
    this.onCall();
    const outcome = this.behaviour(call, lines);
    if (outcome instanceof Error) return Promise.reject(outcome);
    const responses = lines.map((line, i) => {
      const code = outcome[i];
      if (code === undefined) {
        this.accepted.push(line);
        return { RecordId: `r${call}-${i}` };
      }
      return { ErrorCode: code, ErrorMessage: `${code} (fake)` };
    });
    return Promise.resolve({ FailedPutCount: responses.filter((r) => "ErrorCode" in r).length, RequestResponses: responses });
  }
}

export class FakeS3 implements ObjectWriter {
  readonly objects = new Map<string, string>();
  readonly attempts: string[] = [];
  constructor(private readonly failure: (attempt: number, key: string) => Error | undefined = () => undefined) {}
  putObject(input: Parameters<ObjectWriter["putObject"]>[0]): Promise<unknown> {
    const uri = `s3://${input.Bucket}/${input.Key}`;
    this.attempts.push(uri);
    const error = this.failure(this.attempts.length, input.Key);
    if (error) return Promise.reject(error);
    this.objects.set(uri, Buffer.from(input.Body).toString("utf8"));
    return Promise.resolve({});
  }
}

export class RecordingLog implements CaptureLog {
  readonly entries: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  info(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: "info", message, extra });
  }
  warn(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: "warn", message, extra });
  }
  error(message: string, ...extra: Record<string, unknown>[]): void {
    this.entries.push({ level: "error", message, extra });
  }
}

/** An AWS-style service error: name and HTTP status as the SDK sets them. */
export function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} (fake)`), { name, $metadata: { httpStatusCode } });
}

export interface Harness {
  deps: CaptureDeps;
  firehose: FakeFirehose;
  s3: FakeS3;
  clock: FakeClock;
  log: RecordingLog;
}

export function harness(options: {
  firehose?: FakeFirehose;
  s3?: FakeS3;
  clock?: FakeClock;
  /** Milliseconds the invocation has left at clock start. */
  budgetMs?: number;
  limits?: FirehoseLimits;
  policy?: Partial<RetryPolicy>;
} = {}): Harness {
  const clock = options.clock ?? new FakeClock();
  const firehose = options.firehose ?? new FakeFirehose();
  const s3 = options.s3 ?? new FakeS3();
  const log = new RecordingLog();
  const deadline = clock.t + (options.budgetMs ?? 60_000);
  return {
    firehose,
    s3,
    clock,
    log,
    deps: {
      sender: firehose,
      writer: s3,
      deliveryStreamName: "orders-changes",
      overflowBucket: "lake",
      overflowPrefix: "overflow/",
      limits: options.limits ?? FIREHOSE_LIMITS,
      policy: { ...DEFAULT_RETRY_POLICY, ...options.policy },
      clock,
      remainingMs: () => deadline - clock.t,
      log,
    },
  };
}

/** The `seq` field of a delta line. */
export function seqOf(line: string): string {
  return (JSON.parse(line) as { seq: string }).seq;
}

/** Deterministic PRNG for randomized tests (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
