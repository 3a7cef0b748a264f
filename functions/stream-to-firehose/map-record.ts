/**
 * Pure mapping of one DynamoDB stream record to a delta record (contract 1).
 * Images are copied verbatim as DynamoDB JSON: nothing is unmarshalled, so
 * numbers never pass through a JS number and sets, binary and NULL survive.
 */
import type { DynamoDBRecord } from "aws-lambda";
import { DELTA_FORMAT_VERSION, padSeq, type DeltaOp, type DeltaRecord, type DynamoDbJson } from "../shared/delta-record";
import { STREAM_ARN_FORM, tableOfStreamArn } from "../shared/stream-arn";

const OPS: ReadonlySet<string> = new Set<DeltaOp>(["INSERT", "MODIFY", "REMOVE"]);

/** A stream record that cannot become a delta line; it is reported as a failure, never dropped. */
export class MalformedRecordError extends Error {
  override readonly name = "MalformedRecordError";
}

export function tableFromStreamArn(arn: unknown): string {
  const table = tableOfStreamArn(arn);
  if (table === undefined) throw new MalformedRecordError(`eventSourceARN ${JSON.stringify(arn)} is not a DynamoDB stream ARN (${STREAM_ARN_FORM})`);
  return table;
}

/** The userIdentity DynamoDB puts on a REMOVE made by TTL. */
export const TTL_USER_IDENTITY = { type: "Service", principalId: "dynamodb.amazonaws.com" } as const;

/** DynamoDB TTL deletes are REMOVEs made by the service principal itself. */
export function isTtlDelete(record: Pick<DynamoDBRecord, "eventName" | "userIdentity">): boolean {
  const identity: unknown = record.userIdentity;
  if (record.eventName !== "REMOVE" || typeof identity !== "object" || identity === null) return false;
  const { type, principalId } = identity as { type?: unknown; principalId?: unknown };
  return type === TTL_USER_IDENTITY.type && principalId === TTL_USER_IDENTITY.principalId;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function image(value: unknown, field: string): DynamoDbJson | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new MalformedRecordError(`dynamodb.${field} must be a DynamoDB JSON object`);
  // Verbatim: the very object from the event, serialized as is.
  return value as DynamoDbJson;
}

export function toDeltaRecord(record: DynamoDBRecord): DeltaRecord {
  const stream = record.dynamodb;
  if (!isObject(stream)) throw new MalformedRecordError("record has no dynamodb section");
  const op = record.eventName;
  if (typeof op !== "string" || !OPS.has(op)) {
    throw new MalformedRecordError(`eventName ${JSON.stringify(op)} is not INSERT, MODIFY or REMOVE`);
  }
  const sequenceNumber = stream.SequenceNumber;
  if (typeof sequenceNumber !== "string") throw new MalformedRecordError("dynamodb.SequenceNumber is missing");
  let seq: string;
  try {
    seq = padSeq(sequenceNumber);
  } catch (error) {
    throw new MalformedRecordError((error as Error).message);
  }
  const seconds = stream.ApproximateCreationDateTime;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new MalformedRecordError(`dynamodb.ApproximateCreationDateTime ${JSON.stringify(seconds)} is not epoch seconds`);
  }
  const eventId = record.eventID;
  if (typeof eventId !== "string" || eventId === "") throw new MalformedRecordError("eventID is missing");
  const keys = image(stream.Keys, "Keys");
  if (keys === null) throw new MalformedRecordError("dynamodb.Keys is missing");
  const newImage = image(stream.NewImage, "NewImage");
  const oldImage = image(stream.OldImage, "OldImage");
  if (op !== "REMOVE" && newImage === null) {
    throw new MalformedRecordError(`${op} without NewImage: set the table's stream view type to NEW_AND_OLD_IMAGES`);
  }
  return {
    v: DELTA_FORMAT_VERSION,
    table: tableFromStreamArn(record.eventSourceARN),
    op,
    seq,
    // Whole seconds times 1000 are exact; rounding only absorbs float noise of fractional seconds.
    ts_ms: Math.round(seconds * 1000),
    event_id: eventId,
    ttl_delete: isTtlDelete(record),
    keys,
    new_image: newImage,
    old_image: oldImage,
  };
}
