/** Stream records as DynamoDB Streams' GetRecords returns them (SDK shape), for the ops tests. */
import type { _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";

export const STREAM_ARN = "arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/2026-11-21T00:00:00.000";

/** Sequence numbers as DynamoDB writes them: 21 digits. */
export const seq = (n: number): string => `${100000000000000000000n + BigInt(n)}`;

/** The n-th change of item k<n>: a MODIFY created n seconds after 10:00. */
export function streamRecord(n: number, extra: Partial<NonNullable<StreamRecord["dynamodb"]>> = {}, top: Partial<StreamRecord> = {}): StreamRecord {
  return {
    eventID: `e${n}`,
    eventName: "MODIFY",
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-west-2",
    dynamodb: {
      ApproximateCreationDateTime: new Date(Date.UTC(2026, 10, 21, 10, 0, n)),
      Keys: { pk: { S: `k${n}` } },
      NewImage: { pk: { S: `k${n}` }, v: { N: String(n) } },
      SequenceNumber: seq(n),
      SizeBytes: 20,
      StreamViewType: "NEW_AND_OLD_IMAGES",
      ...extra,
    },
    ...top,
  };
}
