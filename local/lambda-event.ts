/**
 * Shapes a DynamoDB Streams GetRecords record (as the SDK returns it) exactly
 * like the record Lambda hands to a function: binary as base64, creation time
 * in epoch seconds, eventSourceARN, and userIdentity on TTL deletes.
 */
import type { _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { toLambdaImage } from "../ops/lambda-attribute-value";

/** What DynamoDB puts on a REMOVE made by TTL. */
export const TTL_USER_IDENTITY = { type: "Service", principalId: "dynamodb.amazonaws.com" } as const;

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
