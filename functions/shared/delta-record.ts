/**
 * Contract 1: the delta record. One JSON object per line in
 * s3://<lake>/changes/<table>/…, a public format that Athena users query.
 * Do not change field names or meanings; add a new `v` instead.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type DynamoDbJson = Record<string, AttributeValue>;
export type DeltaOp = "INSERT" | "MODIFY" | "REMOVE";

export interface DeltaRecord {
  v: 1;
  table: string;
  op: DeltaOp;
  /** Stream SequenceNumber left-padded with "0" to 40 digits: string order = numeric order. */
  seq: string;
  /** ApproximateCreationDateTime as epoch milliseconds. */
  ts_ms: number;
  event_id: string;
  /** True when DynamoDB TTL made the REMOVE. */
  ttl_delete: boolean;
  keys: DynamoDbJson;
  new_image: DynamoDbJson | null;
  old_image: DynamoDbJson | null;
  /** s3:// URI of the object that holds this whole record when it is over Firehose's record limit. */
  overflow?: string;
}

export const DELTA_FORMAT_VERSION = 1 as const;
export const SEQ_WIDTH = 40;
const DIGITS = /^[0-9]{1,40}$/;

/** Pads a stream SequenceNumber to 40 digits; rejects anything that is not 1–40 decimal digits. */
export function padSeq(sequenceNumber: string): string {
  if (!DIGITS.test(sequenceNumber)) {
    throw new Error(`SequenceNumber must be 1 to ${SEQ_WIDTH} decimal digits, got ${JSON.stringify(sequenceNumber)}`);
  }
  return sequenceNumber.padStart(SEQ_WIDTH, "0");
}
