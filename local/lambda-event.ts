/**
 * Shapes a DynamoDB Streams GetRecords record (as the SDK returns it) exactly
 * like the record Lambda hands to a function: binary as base64, creation time
 * in epoch seconds, eventSourceARN, and userIdentity on TTL deletes.
 */
import type { AttributeValue, _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from "aws-lambda";

/** What DynamoDB puts on a REMOVE made by TTL. */
export const TTL_USER_IDENTITY = { type: "Service", principalId: "dynamodb.amazonaws.com" } as const;

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function toLambdaAttributeValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  throw new Error(`unknown attribute value ${JSON.stringify(value)}`);
}

export function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  const out: Record<string, LambdaAttributeValue> = {};
  for (const [name, value] of Object.entries(image)) out[name] = toLambdaAttributeValue(value);
  return out;
}

export function toLambdaRecord(record: StreamRecord, streamArn: string, ttlDelete: boolean): DynamoDBRecord {
  const stream = record.dynamodb;
  if (!stream?.SequenceNumber) throw new Error(`stream record without a SequenceNumber: ${JSON.stringify(record)}`);
  const created = stream.ApproximateCreationDateTime;
  const dynamodb: NonNullable<DynamoDBRecord["dynamodb"]> = {
    // Lambda delivers whole epoch seconds.
    ApproximateCreationDateTime: created ? Math.floor(created.getTime() / 1000) : undefined,
    Keys: stream.Keys ? toLambdaImage(stream.Keys) : undefined,
    SequenceNumber: stream.SequenceNumber,
    SizeBytes: stream.SizeBytes,
    StreamViewType: stream.StreamViewType,
  };
  if (stream.NewImage) dynamodb.NewImage = toLambdaImage(stream.NewImage);
  if (stream.OldImage) dynamodb.OldImage = toLambdaImage(stream.OldImage);
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: record.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
  };
  if (ttlDelete) out.userIdentity = { ...TTL_USER_IDENTITY };
  return out;
}
