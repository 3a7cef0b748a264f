import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeDeltaLine } from "../../functions/stream-to-firehose/encode-line";
import {
  isTtlDelete,
  MalformedRecordError,
  tableFromStreamArn,
  toDeltaRecord,
} from "../../functions/stream-to-firehose/map-record";
import { everyTypeImage, SEQ21, SEQ40, STREAM_ARN, streamRecord, T0, TTL_IDENTITY } from "./stream-records";

void describe("toDeltaRecord", () => {
  void it("writes an INSERT as the exact contract-1 line", () => {
    // Prepare
    const record = streamRecord({ seq: SEQ21, keys: { pk: { S: "a" } }, newImage: { pk: { S: "a" }, n: { N: "1" } } });
    // Act
    const line = encodeDeltaLine(toDeltaRecord(record)).toString("utf8");
    // Assess
    assert.equal(
      line,
      `{"v":1,"table":"orders","op":"INSERT","seq":"0000000000000000000${SEQ21}","ts_ms":${T0}000,"event_id":"event-${SEQ21}",` +
        `"ttl_delete":false,"keys":{"pk":{"S":"a"}},"new_image":{"pk":{"S":"a"},"n":{"N":"1"}},"old_image":null}\n`,
    );
  });

  void it("copies every DynamoDB type verbatim: 38-digit numbers, sets, binary, NULL, empty strings, deep nesting", () => {
    // Prepare
    const image = everyTypeImage();
    const snapshot = JSON.stringify(image);
    const record = streamRecord({ op: "MODIFY", newImage: image, oldImage: image });
    // Act
    const line = encodeDeltaLine(toDeltaRecord(record)).toString("utf8");
    // Assess
    const parsed = JSON.parse(line) as { new_image: unknown; old_image: unknown };
    assert.deepEqual(parsed.new_image, JSON.parse(snapshot));
    assert.deepEqual(parsed.old_image, JSON.parse(snapshot));
    assert.equal(line.split(snapshot).length - 1, 2, "both images appear byte for byte as given");
    for (const digits of [
      '"N":"12345678901234567890123456789012345678"',
      '"N":"-99999999999999999999999999999999999999"',
      '"N":"0.00000000000000000000000000000000000001"',
      '"N":"1234567890123456789.0123456789012345678"',
      '"N":"1E+2"',
      '"NS":["1","99999999999999999999999999999999999999","-1.5"]',
      '"N":"3.14159265358979323846264338327950288"',
    ]) {
      assert.ok(line.includes(digits), `${digits} survives`);
    }
    assert.equal(JSON.stringify(image), snapshot, "the event is not modified");
  });

  void it("pads 21- and 40-digit sequence numbers to 40 digits so string order is numeric order", () => {
    // Prepare
    const short = streamRecord({ seq: SEQ21 });
    const long = streamRecord({ seq: SEQ40 });
    // Act
    const a = toDeltaRecord(short).seq;
    const b = toDeltaRecord(long).seq;
    // Assess
    assert.equal(a, `0000000000000000000${SEQ21}`);
    assert.equal(b, SEQ40);
    assert.equal(a.length, 40);
    assert.ok(a < b);
  });

  void it("maps INSERT, MODIFY and REMOVE with the images each one has", () => {
    // Prepare
    const keys = { pk: { S: "a" } };
    const insert = streamRecord({ op: "INSERT", keys, newImage: { ...keys, v: { N: "2" } } });
    const modify = streamRecord({ op: "MODIFY", keys, newImage: { ...keys, v: { N: "3" } }, oldImage: { ...keys, v: { N: "2" } } });
    const remove = streamRecord({ op: "REMOVE", keys, oldImage: { ...keys, v: { N: "3" } } });
    // Act
    const [i, m, r] = [insert, modify, remove].map(toDeltaRecord);
    // Assess
    assert.deepEqual([i?.op, i?.new_image, i?.old_image], ["INSERT", { ...keys, v: { N: "2" } }, null]);
    assert.deepEqual([m?.op, m?.new_image, m?.old_image], ["MODIFY", { ...keys, v: { N: "3" } }, { ...keys, v: { N: "2" } }]);
    assert.deepEqual([r?.op, r?.new_image, r?.old_image, r?.keys], ["REMOVE", null, { ...keys, v: { N: "3" } }, keys]);
  });

  void it("marks a TTL delete, and only a TTL delete, as ttl_delete", () => {
    // Prepare
    const ttl = streamRecord({ op: "REMOVE", userIdentity: TTL_IDENTITY });
    const user = streamRecord({ op: "REMOVE" });
    const otherService = streamRecord({ op: "REMOVE", userIdentity: { type: "Service", principalId: "other.amazonaws.com" } });
    const userType = streamRecord({ op: "REMOVE", userIdentity: { type: "User", principalId: "dynamodb.amazonaws.com" } });
    const modifyByService = streamRecord({ op: "MODIFY", userIdentity: TTL_IDENTITY });
    // Act
    const flags = [ttl, user, otherService, userType, modifyByService].map((r) => toDeltaRecord(r).ttl_delete);
    // Assess
    assert.deepEqual(flags, [true, false, false, false, false]);
    assert.equal(isTtlDelete({ eventName: "REMOVE", userIdentity: null }), false);
  });

  void it("turns ApproximateCreationDateTime seconds into exact milliseconds", () => {
    // Prepare
    const whole = streamRecord({ seconds: T0 });
    const fractional = streamRecord({ seconds: 1_795_255_200.123 });
    // Act
    const [a, b] = [whole, fractional].map((r) => toDeltaRecord(r).ts_ms);
    // Assess
    assert.equal(a, 1_795_255_200_000);
    assert.equal(b, 1_795_255_200_123);
  });

  void it("takes the table from eventSourceARN, including names with dots and dashes and other partitions", () => {
    assert.equal(tableFromStreamArn(STREAM_ARN), "orders");
    assert.equal(tableFromStreamArn("arn:aws-cn:dynamodb:cn-north-1:123456789012:table/My.Table-1_x/stream/2024-01-01T00:00:00.000"), "My.Table-1_x");
    assert.throws(() => tableFromStreamArn("arn:aws:dynamodb:us-east-1:123456789012:table/orders"), MalformedRecordError);
    assert.throws(() => tableFromStreamArn("arn:aws:kinesis:us-east-1:123456789012:stream/orders"), MalformedRecordError);
    assert.throws(() => tableFromStreamArn(undefined), MalformedRecordError);
  });

  void it("rejects malformed records with a message naming what is wrong", () => {
    const cases: [string, ReturnType<typeof streamRecord>, RegExp][] = [
      ["no dynamodb", { ...streamRecord(), dynamodb: undefined }, /no dynamodb section/],
      ["bad eventName", { ...streamRecord(), eventName: "UPSERT" as "INSERT" }, /eventName "UPSERT"/],
      ["non-digit seq", streamRecord({ seq: "12a" }), /SequenceNumber must be 1 to 40 decimal digits/],
      ["41-digit seq", streamRecord({ seq: "1".repeat(41) }), /SequenceNumber must be 1 to 40 decimal digits/],
      ["bad time", streamRecord({ seconds: Number.NaN }), /ApproximateCreationDateTime/],
      ["no event id", streamRecord({ eventId: "" }), /eventID is missing/],
      ["bad arn", streamRecord({ arn: "arn:aws:s3:::bucket" }), /not a DynamoDB stream ARN/],
      ["keys missing", (() => { const r = streamRecord(); delete r.dynamodb?.Keys; return r; })(), /Keys is missing/],
      ["INSERT without NewImage", (() => { const r = streamRecord(); delete r.dynamodb?.NewImage; return r; })(), /NEW_AND_OLD_IMAGES/],
      ["image not an object", (() => { const r = streamRecord({ op: "REMOVE" }); (r.dynamodb as { OldImage: unknown }).OldImage = []; return r; })(), /OldImage must be a DynamoDB JSON object/],
    ];
    for (const [name, record, message] of cases) {
      assert.throws(() => toDeltaRecord(record), (error: Error) => error instanceof MalformedRecordError && message.test(error.message), name);
    }
  });
});
