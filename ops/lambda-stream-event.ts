/**
 * The event Lambda hands a function for a DynamoDB stream: a GetRecords record (SDK shape) becomes a
 * Lambda record, and a run of records is split into events under an invoke payload limit. Pure.
 *
 * Lives in ops/ beside its product user, the dead-letter replay; the local poller (local/, a test
 * harness) imports it from here, so product code never depends on local/.
 */
import type { _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import { toLambdaImage, type LambdaAttributeValue } from "./lambda-attribute-value";

/** One record of a DynamoDB Streams event as Lambda sends it to a function (the shape of `aws-lambda`'s DynamoDBRecord). */
export interface DynamoDBRecord {
  eventID?: string;
  eventName?: "INSERT" | "MODIFY" | "REMOVE";
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventSourceARN?: string;
  userIdentity?: { type?: string; principalId?: string };
  dynamodb?: {
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, LambdaAttributeValue>;
    NewImage?: Record<string, LambdaAttributeValue>;
    OldImage?: Record<string, LambdaAttributeValue>;
    SequenceNumber?: string;
    SizeBytes?: number;
    StreamViewType?: "KEYS_ONLY" | "NEW_AND_OLD_IMAGES" | "NEW_IMAGE" | "OLD_IMAGE";
  };
}

export interface DynamoDBStreamEvent {
  Records: DynamoDBRecord[];
}

/** Lambda's synchronous invocation payload limit. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * One stream record as Lambda hands it to a function: binary as base64, creation time in epoch
 * seconds, the stream ARN as eventSourceARN, and userIdentity in Lambda's lower-case keys (TTL deletes).
 */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const s = record.dynamodb;
  if (!s?.SequenceNumber) throw new Error(`stream record without a SequenceNumber: ${JSON.stringify(record)}`);
  const dynamodb: NonNullable<DynamoDBRecord["dynamodb"]> = {
    // Lambda delivers whole epoch seconds.
    ...(s.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(s.ApproximateCreationDateTime.getTime() / 1000) } : {}),
    ...(s.Keys ? { Keys: toLambdaImage(s.Keys) } : {}),
    ...(s.NewImage ? { NewImage: toLambdaImage(s.NewImage) } : {}),
    ...(s.OldImage ? { OldImage: toLambdaImage(s.OldImage) } : {}),
    SequenceNumber: s.SequenceNumber,
    ...(s.SizeBytes !== undefined ? { SizeBytes: s.SizeBytes } : {}),
    ...(s.StreamViewType ? { StreamViewType: s.StreamViewType } : {}),
  };
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    // Lambda's DynamoDB events are version 1.1 (moto's stream records say 1.0).
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    ...(record.awsRegion ? { awsRegion: record.awsRegion } : {}),
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
  };
}

/** The events to send, in stream order, each under `maxBytes` of JSON (a record larger than that goes alone). */
export function splitIntoEvents<R>(records: readonly R[], maxBytes: number): { Records: R[] }[] {
  const empty = '{"Records":[]}'.length;
  const events: { Records: R[] }[] = [];
  let current: R[] = [];
  let size = empty;
  for (const record of records) {
    // The record's JSON plus its separating comma.
    const bytes = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      events.push({ Records: current });
      current = [];
      size = empty;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) events.push({ Records: current });
  return events;
}
