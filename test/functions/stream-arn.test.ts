import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tableOfStreamArn } from "../../functions/shared/stream-arn";

void describe("tableOfStreamArn", () => {
  const accepted: [string, string][] = [
    ["arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-21T10:00:00.000", "orders"],
    ["arn:aws-cn:dynamodb:cn-north-1:123456789012:table/My.Table-1_x/stream/2024-01-01T00:00:00.000", "My.Table-1_x"],
    ["arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/abc/stream/label", "abc"],
  ];
  for (const [arn, table] of accepted) {
    void it(`reads ${table} from ${arn}`, () => assert.equal(tableOfStreamArn(arn), table));
  }

  const rejected: unknown[] = [
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
    "arn:aws:dynamodb:*:123456789012:table/orders/stream/2026-11-21T10:00:00.000",
    "arn:aws:dynamodb:us-east-1::table/orders/stream/2026-11-21T10:00:00.000",
    "arn:aws:dynamodb:us-east-1:123456789012:table/ab/stream/2026-11-21T10:00:00.000",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026/11",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026 11",
    "",
    undefined,
    42,
  ];
  for (const arn of rejected) {
    void it(`rejects ${JSON.stringify(arn)}`, () => assert.equal(tableOfStreamArn(arn), undefined));
  }
});
