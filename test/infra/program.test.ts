import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { ordersTableKeys, useLakeMockCloud } from "./lake-mocks";
import { REGION, streamArnOf, valueOf } from "./pulumi-mocks";

const ROOT = path.join(__dirname, "..", "..");
const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TOPIC = "arn:aws:sns:us-west-2:123456789012:data-alarms";

void describe("the stack program", () => {
  void it("is what Pulumi.yaml runs, as TypeScript", () => {
    const project = load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    assert.equal(project.name, "dynamodb-lake");
    assert.equal(project.main, "infra/program.ts");
    assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true, packagemanager: "npm" } });
    assert.ok(fs.existsSync(path.join(ROOT, "infra", "program.ts")));
  });

  void it("deploys the example stack Pulumi.dev.yaml, with ARNs read as plain strings", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("orders", ordersTableKeys());
    cloud.addLakeTable("customers", { hashKey: "customer_no", attributes: [{ name: "customer_no", type: "N" }], pointInTimeRecovery: false });

    // What the CLI hands the program: every value as a string, maps and lists as JSON.
    const stack = load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config = { ...stack.config, "dynamodb-lake:kmsKeyArn": KEY, "dynamodb-lake:alarmTopicArn": TOPIC };
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
    );

    const program = await import("../../infra/program");
    // Waits for every outstanding registration of the program, as the CLI does before it ends a run.
    await pulumi.runtime.disconnect();
    assert.deepEqual(Object.keys(program).sort(), ["athenaReaderPolicyArn", "athenaResultsUri", "bucketName", "databaseName", "tables", "workgroupName"]);
    assert.equal(await valueOf(program.databaseName), "dynamodb_lake_test");
    assert.equal(await valueOf(program.workgroupName), "dynamodb-lake-test");
    assert.equal(await valueOf(program.athenaReaderPolicyArn), "arn:aws:iam::123456789012:policy/dynamodb-lake-test-athena-reader-0a1b2c3");
    const tables = await valueOf(program.tables);
    assert.deepEqual(Object.keys(tables), ["orders", "customers"]);
    assert.equal(tables.customers!.tableName, "customers");

    cloud.one("dynamodb-lake:index:DynamoDbLake", "dynamodb-lake-test");
    const lakeRoot = cloud.resources.filter((r) => r.type === "dynamodb-lake:index:TableCapture").map((r) => r.name);
    assert.deepEqual(lakeRoot.sort(), ["dynamodb-lake-test-customers", "dynamodb-lake-test-orders"]);
    const customers = cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "dynamodb-lake-test-customers-stream").inputs;
    assert.deepEqual([customers.eventSourceArn, customers.parallelizationFactor], [streamArnOf("customers", REGION), 2]);
    const delivery = cloud.one("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "dynamodb-lake-test-customers-delivery").inputs
      .extendedS3Configuration as Record<string, unknown>;
    assert.deepEqual([delivery.bufferingInterval, delivery.kmsKeyArn], [0, KEY]);
    const alarm = cloud.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dynamodb-lake-test-orders-dead-letters").inputs;
    assert.deepEqual(alarm.alarmActions, [TOPIC]);
    const bucket = cloud.one("aws:s3/bucket:Bucket", "dynamodb-lake-test-bucket").inputs;
    assert.deepEqual(bucket.tags, { project: "dynamodb-lake", environment: "dev" });
  });
});
