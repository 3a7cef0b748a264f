import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  TableConfigError,
  checkTableAccount,
  checkTableRegion,
  checkTableStream,
  parseTableIdentifier,
  type StreamFacts,
} from "../../infra/source-table-checks";
import { resolveSourceTable as resolveTable } from "../../infra/source-table";
import { ACCOUNT, MockCloud, REGION, assertOnlyFailure, previewFailures, streamArnOf, streamedTable, tableArn, useMockCloud, valueOf } from "./pulumi-mocks";

void describe("parseTableIdentifier", () => {
  const accepted: [string, ReturnType<typeof parseTableIdentifier>][] = [
    ["orders", { kind: "name", name: "orders" }],
    ["Orders_v2.prod-eu", { kind: "name", name: "Orders_v2.prod-eu" }],
    ["abc", { kind: "name", name: "abc" }],
    ["a".repeat(255), { kind: "name", name: "a".repeat(255) }],
    [
      "arn:aws:dynamodb:us-west-2:123456789012:table/orders",
      { kind: "arn", name: "orders", partition: "aws", region: "us-west-2", account: "123456789012" },
    ],
    [
      "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/my.table-1",
      { kind: "arn", name: "my.table-1", partition: "aws-us-gov", region: "us-gov-west-1", account: "123456789012" },
    ],
    [
      "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/t_1",
      { kind: "arn", name: "t_1", partition: "aws-cn", region: "cn-north-1", account: "123456789012" },
    ],
  ];
  for (const [input, expected] of accepted) {
    void it(`reads ${input.slice(0, 60)}`, () => assert.deepEqual(parseTableIdentifier(input), expected));
  }

  const ARN_SHAPE = "arn:<partition>:dynamodb:<region>:<12-digit account id>:table/<table name>";
  const rejected: [string, string][] = [
    ["arn:aws:dynamodb:us-west-2:12345:table/orders", `table ARN "arn:aws:dynamodb:us-west-2:12345:table/orders" is malformed: expected ${ARN_SHAPE}`],
    ["arn:aws:dynamodb:us-west-2:123456789012:table/or", `table ARN "arn:aws:dynamodb:us-west-2:123456789012:table/or" is malformed: expected ${ARN_SHAPE}`],
    ["arn:aws:dynamodb:us-west-2:123456789012:table/prod*", `table ARN "arn:aws:dynamodb:us-west-2:123456789012:table/prod*" is malformed: expected ${ARN_SHAPE}`],
    ["arn:aws:dynamodb:*:123456789012:table/orders", `table ARN "arn:aws:dynamodb:*:123456789012:table/orders" is malformed: expected ${ARN_SHAPE}`],
    ["arn:aws:s3:::orders", `table ARN "arn:aws:s3:::orders" is malformed: expected ${ARN_SHAPE}`],
    ["arn:aws:dynamodb:us-west-2:123456789012:orders", `table ARN "arn:aws:dynamodb:us-west-2:123456789012:orders" is malformed: expected ${ARN_SHAPE}`],
    [
      "arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
      'table "arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/2026-01-01T00:00:00.000" is a stream ARN: pass the table\'s ARN (arn:aws:dynamodb:us-west-2:123456789012:table/orders) or its name',
    ],
    ["ab", `table name "ab" is not valid: a DynamoDB table name is 3 to 255 letters, digits, "_", "-" or ".", or pass the table ARN (${ARN_SHAPE})`],
    ["my table", `table name "my table" is not valid: a DynamoDB table name is 3 to 255 letters, digits, "_", "-" or ".", or pass the table ARN (${ARN_SHAPE})`],
    ["", `table name "" is not valid: a DynamoDB table name is 3 to 255 letters, digits, "_", "-" or ".", or pass the table ARN (${ARN_SHAPE})`],
    ["a".repeat(256), `table name "${"a".repeat(256)}" is not valid: a DynamoDB table name is 3 to 255 letters, digits, "_", "-" or ".", or pass the table ARN (${ARN_SHAPE})`],
  ];
  for (const [input, message] of rejected) {
    void it(`rejects ${JSON.stringify(input.slice(0, 60))}`, () => {
      assert.throws(() => parseTableIdentifier(input), (e: unknown) => e instanceof TableConfigError && e.message === message);
    });
  }
});

void describe("checkTableStream", () => {
  const fixAccount = (t: string) =>
    `aws dynamodb update-table --table-name ${t} --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES`;
  const cases: [StreamFacts, string | undefined][] = [
    [{ tableName: "orders", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES", declaredIn: "account" }, undefined],
    [{ tableName: "orders", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES", declaredIn: "stack" }, undefined],
    [
      { tableName: "orders", streamEnabled: false, streamViewType: "", declaredIn: "account" },
      `table orders has no stream: enable streams with stream_view_type NEW_AND_OLD_IMAGES: ${fixAccount("orders")}`,
    ],
    [
      { tableName: "orders", streamEnabled: undefined, streamViewType: undefined, declaredIn: "stack" },
      'table orders has no stream: set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" on its aws.dynamodb.Table',
    ],
    [
      { tableName: "orders", streamEnabled: true, streamViewType: "KEYS_ONLY", declaredIn: "account" },
      "table orders streams KEYS_ONLY, but capture needs NEW_AND_OLD_IMAGES; a stream's view type cannot be changed in place, so turn the stream off and on again with the right type: " +
        "aws dynamodb update-table --table-name orders --stream-specification StreamEnabled=false, then " + fixAccount("orders"),
    ],
    [
      { tableName: "orders", streamEnabled: true, streamViewType: "NEW_IMAGE", declaredIn: "stack" },
      'table orders streams NEW_IMAGE, but capture needs NEW_AND_OLD_IMAGES: set streamViewType: "NEW_AND_OLD_IMAGES" on its aws.dynamodb.Table',
    ],
    [
      { tableName: "orders", streamEnabled: true, streamViewType: "", declaredIn: "stack" },
      'table orders streams no view type, but capture needs NEW_AND_OLD_IMAGES: set streamViewType: "NEW_AND_OLD_IMAGES" on its aws.dynamodb.Table',
    ],
  ];
  for (const [facts, message] of cases) {
    void it(`${facts.declaredIn} table, stream ${String(facts.streamEnabled)} ${String(facts.streamViewType)}`, () => {
      if (message === undefined) assert.doesNotThrow(() => checkTableStream(facts));
      else assert.throws(() => checkTableStream(facts), (e: unknown) => e instanceof TableConfigError && e.message === message);
    });
  }
});

void describe("checkTableRegion", () => {
  void it("accepts a name (looked up in the stack's region) and an ARN in the stack's region", () => {
    checkTableRegion({ kind: "name", name: "orders" }, "eu-west-1");
    checkTableRegion(parseTableIdentifier("arn:aws:dynamodb:eu-west-1:123456789012:table/orders"), "eu-west-1");
  });
  void it("rejects an ARN in another region, naming the fix", () => {
    assert.throws(
      () => checkTableRegion(parseTableIdentifier("arn:aws:dynamodb:eu-west-1:123456789012:table/orders"), "us-east-1"),
      {
        message:
          "table orders is in eu-west-1 but this stack deploys to us-east-1: capture must run in the table's region; set aws:region to eu-west-1 (or pass an aws provider for eu-west-1)",
      },
    );
  });
});

void describe("checkTableAccount", () => {
  void it("accepts a name, and an ARN whose lookup found that very table", () => {
    checkTableAccount({ kind: "name", name: "orders" }, "arn:aws:dynamodb:us-west-2:210987654321:table/orders");
    checkTableAccount(parseTableIdentifier(tableArn("orders")), tableArn("orders"));
  });
  void it("rejects an ARN of another account, naming the fix", () => {
    assert.throws(() => checkTableAccount(parseTableIdentifier("arn:aws:dynamodb:us-west-2:210987654321:table/orders"), tableArn("orders")), {
      message:
        "table arn:aws:dynamodb:us-west-2:210987654321:table/orders is in account 210987654321, but this stack deploys to account 123456789012 " +
        "(where the lookup found arn:aws:dynamodb:us-west-2:123456789012:table/orders): the pipeline must run in the table's account; deploy with credentials for account 210987654321",
    });
  });
});

void describe("resolveTable (Pulumi mocks)", () => {
  let cloud: MockCloud;
  beforeEach(async () => {
    cloud = await useMockCloud();
    cloud.addTable({ name: "orders", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
    cloud.addTable({ name: "plain", streamEnabled: false });
    cloud.addTable({ name: "keys", streamEnabled: true, streamViewType: "KEYS_ONLY" });
  });

  void it("looks a table up by name", async () => {
    const t = resolveTable("orders", {});
    assert.equal(await valueOf(t.tableName), "orders");
    assert.equal(await valueOf(t.tableArn), tableArn("orders"));
    assert.equal(await valueOf(t.streamArn), streamArnOf("orders"));
    assert.deepEqual(cloud.invokes.find((i) => i.token === "aws:dynamodb/getTable:getTable")?.inputs, { name: "orders" });
  });

  void it("gives the table's region and account, and reads the stream only when asked", async () => {
    // "plain" has no stream: a part that never reads streamArn (a snapshot) does not fail on it.
    const failures = await previewFailures(async () => {
      const t = resolveTable("plain", {});
      assert.equal(await valueOf(t.region), REGION);
      assert.equal(await valueOf(t.account), ACCOUNT);
      assert.equal(await valueOf(t.pointInTimeRecovery), false);
    });
    assert.deepEqual(failures, []);
  });

  void it("looks a table up by ARN, and by an output holding the ARN", async () => {
    const t = resolveTable(pulumi.output(tableArn("orders")), {});
    assert.equal(await valueOf(t.tableName), "orders");
    assert.equal(await valueOf(t.streamArn), streamArnOf("orders"));
  });

  /** The stream ARN rejects with `message`, and the preview reports that error and no other. */
  async function assertPreviewFails(table: Parameters<typeof resolveTable>[0], message: string): Promise<void> {
    const failures = await previewFailures(async () => {
      await assert.rejects(valueOf(resolveTable(table, {}).streamArn), (e: unknown) => e instanceof TableConfigError && e.message === message);
    });
    assertOnlyFailure(failures, message);
  }

  const failing: [title: string, table: string, message: string][] = [
    [
      "fails at preview for a table without a stream",
      "plain",
      "table plain has no stream: enable streams with stream_view_type NEW_AND_OLD_IMAGES: aws dynamodb update-table --table-name plain --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    ],
    [
      "fails for a stream of the wrong view type",
      "keys",
      "table keys streams KEYS_ONLY, but capture needs NEW_AND_OLD_IMAGES; a stream's view type cannot be changed in place, so turn the stream off and on again with the right type: " +
        "aws dynamodb update-table --table-name keys --stream-specification StreamEnabled=false, then aws dynamodb update-table --table-name keys --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    ],
    [
      "fails for an ARN in another region than the stack's",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
      `table orders is in eu-west-1 but this stack deploys to ${REGION}: capture must run in the table's region; set aws:region to eu-west-1 (or pass an aws provider for eu-west-1)`,
    ],
    [
      "fails for an ARN in another account than the stack's, instead of capturing a same-named table",
      "arn:aws:dynamodb:us-west-2:210987654321:table/orders",
      "table arn:aws:dynamodb:us-west-2:210987654321:table/orders is in account 210987654321, but this stack deploys to account 123456789012 " +
        "(where the lookup found arn:aws:dynamodb:us-west-2:123456789012:table/orders): the pipeline must run in the table's account; deploy with credentials for account 210987654321",
    ],
  ];
  for (const [title, table, message] of failing) void it(title, () => assertPreviewFails(table, message));

  void it("fails for a malformed ARN before any lookup", async () => {
    await assertPreviewFails(
      "arn:aws:dynamodb:us-west-2:42:table/orders",
      'table ARN "arn:aws:dynamodb:us-west-2:42:table/orders" is malformed: expected arn:<partition>:dynamodb:<region>:<12-digit account id>:table/<table name>',
    );
    assert.equal(cloud.invokes.filter((i) => i.token === "aws:dynamodb/getTable:getTable").length, 0);
  });

  void it("checks a table resource of the same program from its arguments", async () => {
    const good = streamedTable("good");
    const t = resolveTable(good, {});
    assert.equal(await valueOf(t.streamArn), streamArnOf("good-0a1b2c3"));
    assert.equal(cloud.invokes.filter((i) => i.token === "aws:dynamodb/getTable:getTable").length, 0);

    const noStream = new aws.dynamodb.Table("nostream", { attributes: [{ name: "pk", type: "S" }], hashKey: "pk" });
    await assertPreviewFails(
      noStream,
      'table nostream-0a1b2c3 has no stream: set streamEnabled: true and streamViewType: "NEW_AND_OLD_IMAGES" on its aws.dynamodb.Table',
    );
    const newImage = new aws.dynamodb.Table("newimage", {
      attributes: [{ name: "pk", type: "S" }],
      hashKey: "pk",
      streamEnabled: true,
      streamViewType: "NEW_IMAGE",
    });
    await assertPreviewFails(
      newImage,
      'table newimage-0a1b2c3 streams NEW_IMAGE, but capture needs NEW_AND_OLD_IMAGES: set streamViewType: "NEW_AND_OLD_IMAGES" on its aws.dynamodb.Table',
    );
  });
});
