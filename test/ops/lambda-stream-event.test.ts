/**
 * The event Lambda hands a function for a DynamoDB stream: stream record → Lambda record (every
 * attribute type, TTL identity) and the split of a run of records under a payload limit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DynamoDBRecord } from "aws-lambda";
import { LAMBDA_PAYLOAD_LIMIT_BYTES, splitIntoEvents, toLambdaRecord } from "../../ops/lambda-stream-event";
import { STREAM_ARN, streamRecord } from "./stream-records";

void describe("toLambdaRecord", () => {
  void it("shapes every attribute type as Lambda does: binary as base64, nested maps and lists, exact numbers", () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const record = streamRecord(1, {
      NewImage: {
        pk: { S: "k1" },
        n: { N: "12345678901234567890123456789012345678" },
        b: { B: bytes },
        bs: { BS: [bytes, new Uint8Array([7])] },
        ss: { SS: ["a", ""] },
        ns: { NS: ["1", "-0.5"] },
        m: { M: { inner: { L: [{ B: new Uint8Array([1]) }, { NULL: true }, { BOOL: false }] } } },
        e: { S: "" },
      },
      OldImage: { pk: { S: "k1" } },
    });
    // Typed as the aws-lambda record the capture handler takes: the shapes agree at compile time.
    const shaped: DynamoDBRecord = toLambdaRecord(record, STREAM_ARN);
    assert.deepEqual(shaped, {
      eventID: "e1",
      eventName: "MODIFY",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-west-2",
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: Date.UTC(2026, 10, 21, 10, 0, 1) / 1000,
        Keys: { pk: { S: "k1" } },
        NewImage: {
          pk: { S: "k1" },
          n: { N: "12345678901234567890123456789012345678" },
          b: { B: "AAH+/w==" },
          bs: { BS: ["AAH+/w==", "Bw=="] },
          ss: { SS: ["a", ""] },
          ns: { NS: ["1", "-0.5"] },
          m: { M: { inner: { L: [{ B: "AQ==" }, { NULL: true }, { BOOL: false }] } } },
          e: { S: "" },
        },
        OldImage: { pk: { S: "k1" } },
        SequenceNumber: "100000000000000000001",
        SizeBytes: 20,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    });
  });

  void it("keeps a TTL delete's userIdentity in Lambda's lower-case keys", () => {
    const record = streamRecord(2, { NewImage: undefined, OldImage: { pk: { S: "k2" } } }, {
      eventName: "REMOVE",
      userIdentity: { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" },
    });
    const out = toLambdaRecord(record, STREAM_ARN);
    assert.deepEqual(out.userIdentity, { type: "Service", principalId: "dynamodb.amazonaws.com" });
    assert.equal(out.eventName, "REMOVE");
    assert.equal(out.dynamodb?.NewImage, undefined);
  });
});

void describe("splitIntoEvents", () => {
  const records = [1, 2, 3, 4, 5].map((n) => toLambdaRecord(streamRecord(n), STREAM_ARN));
  const size = Buffer.byteLength(JSON.stringify(records[0])) + 1;

  void it("sends the batch in one event when it fits", () => {
    assert.deepEqual(splitIntoEvents(records, LAMBDA_PAYLOAD_LIMIT_BYTES), [{ Records: records }]);
  });

  void it("splits in stream order so that no event passes the limit", () => {
    const max = '{"Records":[]}'.length + 2 * size;
    const events = splitIntoEvents(records, max);
    assert.deepEqual(events.map((e) => e.Records.map((r) => r.eventID)), [["e1", "e2"], ["e3", "e4"], ["e5"]]);
    for (const e of events) assert.ok(Buffer.byteLength(JSON.stringify(e)) <= max);
  });

  void it("sends a record larger than the limit alone, and nothing for no records", () => {
    assert.deepEqual(splitIntoEvents(records.slice(0, 2), 10).map((e) => e.Records.length), [1, 1]);
    assert.deepEqual(splitIntoEvents([], LAMBDA_PAYLOAD_LIMIT_BYTES), []);
  });

  void it("stays under Lambda's 6 MB payload limit", () => {
    const big = (i: number): DynamoDBRecord => ({ eventID: String(i), dynamodb: { SequenceNumber: String(i), NewImage: { s: { S: "x".repeat(400_000) } } } });
    const records = Array.from({ length: 40 }, (_, i) => big(i));
    const first = splitIntoEvents(records, LAMBDA_PAYLOAD_LIMIT_BYTES)[0]!.Records;
    assert.equal(first.length, 15);
    assert.ok(Buffer.byteLength(JSON.stringify({ Records: first })) <= LAMBDA_PAYLOAD_LIMIT_BYTES);
    assert.ok(Buffer.byteLength(JSON.stringify({ Records: records.slice(0, 16) })) > LAMBDA_PAYLOAD_LIMIT_BYTES);
  });
});
