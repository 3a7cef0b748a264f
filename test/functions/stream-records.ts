/**
 * Record factories for the capture tests: DynamoDB stream records as Lambda
 * delivers them, with fixed sequence numbers and times.
 */
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

export type Image = Record<string, AttributeValue>;

export const TABLE = "orders";
export const STREAM_ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}/stream/2026-11-21T10:00:00.000`;
/** 2026-11-21T10:00:00Z in seconds. */
export const T0 = 1_795_255_200;
export const SEQ21 = "100000000000000000001";
export const SEQ40 = "9876543210987654321098765432109876543210";

export interface RecordSpec {
  seq?: string;
  op?: "INSERT" | "MODIFY" | "REMOVE";
  keys?: Image;
  newImage?: Image;
  oldImage?: Image;
  seconds?: number;
  eventId?: string;
  arn?: string;
  userIdentity?: unknown;
}

export function streamRecord(spec: RecordSpec = {}): DynamoDBRecord {
  const op = spec.op ?? "INSERT";
  const keys = spec.keys ?? { pk: { S: "order#1" } };
  const seq = spec.seq ?? SEQ21;
  const dynamodb: NonNullable<DynamoDBRecord["dynamodb"]> = {
    ApproximateCreationDateTime: spec.seconds ?? T0,
    Keys: keys,
    SequenceNumber: seq,
    SizeBytes: 100,
    StreamViewType: "NEW_AND_OLD_IMAGES",
  };
  if (op !== "REMOVE") dynamodb.NewImage = spec.newImage ?? { ...keys, status: { S: "new" } };
  if (op !== "INSERT") dynamodb.OldImage = spec.oldImage ?? { ...keys, status: { S: "old" } };
  const record: DynamoDBRecord = {
    eventID: spec.eventId ?? `event-${seq}`,
    eventName: op,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb,
    eventSourceARN: spec.arn ?? STREAM_ARN,
  };
  if (spec.userIdentity !== undefined) record.userIdentity = spec.userIdentity;
  return record;
}

export const TTL_IDENTITY = { type: "Service", principalId: "dynamodb.amazonaws.com" };

/** Sequence number of the i-th record of a batch: 21 digits, increasing. */
export function seqAt(i: number): string {
  return (100_000_000_000_000_000_000n + BigInt(i) * 7n).toString();
}

/** `count` INSERTs of distinct keys with increasing sequence numbers. */
export function insertBatch(count: number, image: (i: number) => Image = () => ({})): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, i) =>
    streamRecord({ seq: seqAt(i), keys: { pk: { S: `k${i}` } }, newImage: { pk: { S: `k${i}` }, ...image(i) } }),
  );
}

/** Every DynamoDB attribute type, with the edge values that a lossy path would break. */
export function everyTypeImage(): Image {
  return {
    pk: { S: "order#1" },
    sk: { N: "12345678901234567890123456789012345678" },
    negative: { N: "-99999999999999999999999999999999999999" },
    fraction: { N: "0.00000000000000000000000000000000000001" },
    decimal: { N: "1234567890123456789.0123456789012345678" },
    small: { N: "-0.5" },
    empty: { S: "" },
    unicode: { S: "żółw 🐢 \u0000 \"quoted\" \\ back" },
    blob: { B: "AAEC/f7/" },
    strings: { SS: ["a", "b", ""] },
    numbers: { NS: ["1", "99999999999999999999999999999999999999", "-1.5"] },
    blobs: { BS: ["AA==", "/w=="] },
    nothing: { NULL: true },
    yes: { BOOL: true },
    no: { BOOL: false },
    list: { L: [{ S: "x" }, { N: "1E+2" }, { NULL: true }, { L: [] }, { M: {} }] },
    map: {
      M: {
        level1: { M: { level2: { M: { level3: { L: [{ M: { deep: { N: "3.14159265358979323846264338327950288" } } }] } } } } },
      },
    },
  };
}

/** An INSERT whose delta line (newline included) is exactly `bytes` long. */
export function recordOfLineBytes(bytes: number, seq: string, lineBytes: (r: DynamoDBRecord) => number): DynamoDBRecord {
  const make = (pad: string) =>
    streamRecord({ seq, keys: { pk: { S: `big-${seq}` } }, newImage: { pk: { S: `big-${seq}` }, pad: { S: pad } } });
  const base = lineBytes(make(""));
  if (bytes < base) throw new Error(`a line cannot be shorter than ${base} bytes`);
  const record = make("x".repeat(bytes - base));
  if (lineBytes(record) !== bytes) throw new Error("sizing went wrong");
  return record;
}
