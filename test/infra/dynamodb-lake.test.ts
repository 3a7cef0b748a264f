import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as aws from "@pulumi/aws";
import { DynamoDbLake, type DynamoDbLakeArgs } from "../../infra/dynamodb-lake";
import { athenaReaderPolicy, firehoseDeliveryPolicy, topicPublishPolicy } from "../../infra/iam";
import type { LakeBucketChoice } from "../../infra/lake-bucket-choice";
import { LakeMockCloud, fakeScriptsDirectory, ordersTableKeys, useLakeMockCloud } from "./lake-mocks";
import { ACCOUNT, REGION, assertOnlyFailure, carriesMessage, dependencyRecorder, parseJson, previewFailures, settled, streamArnOf, streamedTable, tableArn, valueOf } from "./pulumi-mocks";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const scriptsDirectory = fakeScriptsDirectory();

/** The lake's cloud with the orders and customers tables and the bucket my-lake. */
function addTables(cloud: LakeMockCloud): LakeMockCloud {
  cloud.addLakeTable("orders", ordersTableKeys());
  cloud.addLakeTable("customers", { hashKey: "id", attributes: [{ name: "id", type: "S" }], pointInTimeRecovery: false });
  cloud.buckets.add("my-lake");
  return cloud;
}

const twoTables: DynamoDbLakeArgs = {
  bucket: { create: {} },
  scriptsDirectory,
  tables: [
    { table: "orders", declaredColumns: { status: "string" }, capture: { batchSize: 100 } },
    { table: tableArn("customers"), id: "people", snapshotMode: "glue", capture: { bufferingIntervalSeconds: 0 } },
  ],
};

/** The Athena reader policy of the lake `workgroup`: every table's deltas, overflow and Iceberg tables, its four catalog tables, the results prefix. */
function expectedReaderPolicy(workgroup: string, bucket: string, database: string, tables: string[], kmsKeyArns?: string[]): unknown {
  return athenaReaderPolicy({
    scope: { partition: "aws", region: REGION, account: ACCOUNT },
    workgroup,
    lake: `s3://${bucket}/`,
    readPrefixes: tables.flatMap((t) => [`changes/${t}/`, `overflow/${t}/`, `warehouse/${database}.db/${t}_current/`, `warehouse/${database}.db/${t}_tombstones/`]),
    resultsPrefix: "athena-results/",
    database,
    catalogTables: tables.flatMap((t) => [`${t}_current`, `${t}_changes`, `${t}_live`, `${t}_tombstones`]),
    ...(kmsKeyArns && { kmsKeyArns }),
  });
}

void describe("DynamoDbLake (Pulumi mocks)", () => {
  let cloud: LakeMockCloud;
  beforeEach(async () => { cloud = addTables(await useLakeMockCloud()); });

  void it("creates one bucket, one catalog, one script upload, and per table capture, snapshot, compaction, reconcile and catalog", async () => {
    const lake = new DynamoDbLake("lake", twoTables);
    await settled(lake);
    const components = cloud.resources.filter((r) => r.type.startsWith("dynamodb-lake:index:")).map((r) => `${r.type.slice(20)} ${r.name}`);
    assert.deepEqual(components.sort(), [
      "DynamoDbLake lake",
      "GlueScripts lake-scripts",
      "LakeBucket lake-bucket",
      "LakeCatalog lake-catalog",
      "TableCapture lake-orders",
      "TableCapture lake-people",
      "TableCatalog lake-orders-catalog",
      "TableCatalog lake-people-catalog",
      "TableCompaction lake-orders-compaction",
      "TableCompaction lake-people-compaction",
      "TableReconcile lake-orders-reconcile",
      "TableReconcile lake-people-reconcile",
      "TableSnapshot lake-orders-snapshot",
      "TableSnapshot lake-people-snapshot",
    ]);
    assert.equal(cloud.ofType("aws:s3/bucket:Bucket").length, 1);
    // Each table is resolved once, and every part gets that one resolution.
    assert.deepEqual(cloud.invokes.filter((i) => i.token === "aws:dynamodb/getTable:getTable").map((i) => i.inputs).sort((x, y) => String(x.name).localeCompare(String(y.name))), [
      { name: "customers" },
      { name: "orders" },
    ]);
    // Each table's on-demand reconcile job scans its own table.
    const reconcileArguments = (job: string): string[] => {
      const args = cloud.one("aws:glue/job:Job", job).inputs.defaultArguments as Record<string, string>;
      return [args["--table_name"]!, args["--scan"]!, args["--read_percent"]!];
    };
    assert.deepEqual(reconcileArguments("lake-orders-reconcile-job"), ["orders", "true", "0.25"]);
    assert.deepEqual(reconcileArguments("lake-people-reconcile-job"), ["customers", "true", "0.25"]);
    // Each table's settings reach its own capture path.
    assert.equal(cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "lake-orders-stream").inputs.batchSize, 100);
    assert.equal(cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "lake-people-stream").inputs.batchSize, 500);
    assert.equal(
      cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "lake-people-stream").inputs.eventSourceArn,
      streamArnOf("customers"),
    );
    const people = cloud.one("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "lake-people-delivery").inputs
      .extendedS3Configuration as Record<string, unknown>;
    assert.deepEqual([people.bucketArn, people.bufferingInterval, people.prefix], [
      "arn:aws:s3:::lake-bucket-0a1b2c3",
      0,
      "changes/customers/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
    ]);
  });

  void it("without alarmTopicArn, sends every table's job failures to one topic of the lake, which each table's rule may publish to", async () => {
    const lake = new DynamoDbLake("lake", twoTables);
    await settled(lake);
    const mockArn = (type: string, name: string): string => `arn:aws:mock:us-west-2:${ACCOUNT}:${type}/${name}-0a1b2c3`;
    const topicArn = mockArn("aws:sns/topic:Topic", "lake-alarms");
    assert.deepEqual(cloud.ofType("aws:sns/topic:Topic").map((t) => t.name), ["lake-alarms"]);
    assert.equal(await valueOf(lake.alarmTopicArn), topicArn);
    const targets = ["lake-orders-compaction-job-failed-notify", "lake-people-compaction-job-failed-notify"];
    assert.deepEqual(targets.map((t) => cloud.one("aws:cloudwatch/eventTarget:EventTarget", t).inputs.arn), [topicArn, topicArn]);
    const policies = cloud.ofType("aws:sns/topicPolicy:TopicPolicy");
    assert.deepEqual(policies.map((p) => p.name), ["lake-alarms-policy"]);
    const rules = ["lake-orders-compaction-job-failed", "lake-people-compaction-job-failed"].map((r) => mockArn("aws:cloudwatch/eventRule:EventRule", r));
    assert.deepEqual(parseJson(policies[0]!.inputs.policy), topicPublishPolicy(topicArn, rules));
  });

  void it("with alarmTopicArn, creates no topic and sends job failures there", async () => {
    const given = "arn:aws:sns:us-west-2:123456789012:ops-alarms";
    const lake = new DynamoDbLake("lake", { ...twoTables, alarmTopicArn: given });
    await settled(lake);
    assert.deepEqual(cloud.ofType("aws:sns/topic:Topic"), []);
    assert.deepEqual(cloud.ofType("aws:sns/topicPolicy:TopicPolicy"), []);
    assert.equal(await valueOf(lake.alarmTopicArn), given);
    assert.equal(cloud.one("aws:cloudwatch/eventTarget:EventTarget", "lake-people-compaction-job-failed-notify").inputs.arn, given);
  });

  void it("creates the snapshot job and the compaction schedule (which starts the snapshot) only once capture is live", async () => {
    const { transformation, dependsOn } = dependencyRecorder();
    const lake = new DynamoDbLake("lake", twoTables, { transformations: [transformation] });
    await settled(lake);
    for (const id of ["orders", "people"]) {
      // Depending on the TableCapture component waits for all of it, the event source mapping included.
      assert.deepEqual(dependsOn.get(`lake-${id}-snapshot-job`), [`lake-${id}-snapshot-policy`, `lake-${id}`]);
      assert.deepEqual(dependsOn.get(`lake-${id}-compaction-compaction-schedule`), [`lake-${id}`]);
    }
    const order = cloud.resources.map((r) => r.name);
    for (const id of ["orders", "people"]) {
      assert.ok(order.indexOf(`lake-${id}-snapshot-job`) > order.indexOf(`lake-${id}-stream`));
    }
  });

  void it("names the catalog after the component and exports per-table names", async () => {
    const lake = new DynamoDbLake("dynamodb-lake-dev", twoTables);
    await settled(lake);
    assert.equal(await valueOf(lake.databaseName), "dynamodb_lake_dev");
    assert.equal(await valueOf(lake.workgroupName), "dynamodb-lake-dev");
    assert.equal(await valueOf(lake.bucketName), "dynamodb-lake-dev-bucket-0a1b2c3");
    const tables = await valueOf(lake.tables);
    assert.deepEqual(Object.keys(tables), ["orders", "people"]);
    assert.deepEqual(
      {
        tableName: tables.orders!.tableName,
        functionName: tables.orders!.functionName,
        deliveryStreamName: tables.orders!.deliveryStreamName,
        deadLetterQueueUrl: tables.orders!.deadLetterQueueUrl,
        currentTable: tables.orders!.currentTable,
        changesTable: tables.orders!.changesTable,
        liveView: tables.orders!.liveView,
        reconcileJobName: tables.orders!.reconcileJobName,
      },
      {
        tableName: "orders",
        functionName: "dynamodb-lake-dev-orders-function-0a1b2c3",
        deliveryStreamName: "dynamodb-lake-dev-orders-delivery-0a1b2c3",
        deadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/dynamodb-lake-dev-orders-dlq-0a1b2c3`,
        currentTable: "orders_current",
        changesTable: "orders_changes",
        liveView: "orders_live",
        reconcileJobName: "dynamodb-lake-dev-orders-reconcile-job-0a1b2c3",
      },
    );
    assert.equal(tables.people!.tableName, "customers");
    for (const t of Object.values(tables)) {
      assert.ok(t.snapshotJobName && t.compactionJobName && t.maintenanceJobName && t.reconcileJobName);
    }
  });

  void it("names every child within AWS's limits for a 60-character table name and a long stack name", async () => {
    // Unshortened, `<lake>-<table>-compaction-maintenance-role` alone would be 116 characters against IAM's 64.
    const long = "customer-order-events-by-region-and-day-for-billing.archive2";
    assert.equal(long.length, 60);
    cloud.addLakeTable(long, { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], pointInTimeRecovery: true });
    // The mock fails a resource whose auto-name would pass its type's limit or hold characters AWS refuses, as a deploy would.
    const lake = new DynamoDbLake("dynamodb-lake-production-eu", { bucket: { create: {} }, scriptsDirectory, tables: [{ table: long }] });
    await settled(lake);
    const tables = await valueOf(lake.tables);
    const t = tables[long]!;
    assert.equal(t.functionName, "dynamodb-lake-production-eu-customer-o-6a260cf5-function-0a1b2c3");
    assert.equal(t.functionName.length, 64);
    assert.equal(t.deadLetterQueueUrl.split("/").at(-1)!.length, 80);
    assert.equal(t.deliveryStreamName, "dynamodb-lake-production-eu-customer-o-79b8440e-delivery-0a1b2c3");
    assert.equal(t.deadLetterQueueUrl, `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/dynamodb-lake-production-eu-customer-order-events-by-region-78998b53-dlq-0a1b2c3`);
    const roles = cloud.ofType("aws:iam/role:Role").map((r) => r.state.name as string);
    assert.equal(roles.length, 6);
    for (const role of roles) assert.ok(role.length <= 64, role);
    // Distinct however much is cut: the two roles of the capture path and the four job roles.
    assert.equal(new Set(roles).size, 6);
    assert.ok(roles.every((r) => r.startsWith("dynamodb-lake-production-eu-")), JSON.stringify(roles));
    // What the table is called stays whole where it is data, not a resource name.
    assert.equal(t.currentTable, "customer_order_events_by_region_and_day_for_billing_archive2_current");
  });

  void it("shares an existing bucket and the lake's KMS key with every role", async () => {
    const lake = new DynamoDbLake("lake", { ...twoTables, bucket: { existingBucketName: "my-lake" }, kmsKeyArn: KEY });
    await settled(lake);
    assert.equal(cloud.ofType("aws:s3/bucket:Bucket").length, 0);
    assert.equal(cloud.invokes.filter((i) => i.token === "aws:s3/getBucket:getBucket").length, 1);
    const delivery = cloud.one("aws:iam/rolePolicy:RolePolicy", "lake-orders-delivery-policy");
    assert.deepEqual(
      parseJson(delivery.inputs.policy),
      firehoseDeliveryPolicy({
        bucket: "arn:aws:s3:::my-lake",
        prefixes: ["changes/orders/", "errors/orders/"],
        logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/kinesisfirehose/lake-orders-0a1b2c3`,
        kmsKeyArns: [KEY],
      }),
    );
    for (const policy of cloud.ofType("aws:iam/rolePolicy:RolePolicy")) {
      assert.match(String(policy.inputs.policy), /kms:/, `${policy.name} may use the lake's key`);
    }
    const workgroup = cloud.ofType("aws:athena/workgroup:Workgroup")[0]!;
    const config = workgroup.inputs.configuration as { resultConfiguration: { encryptionConfiguration: unknown } };
    assert.deepEqual(config.resultConfiguration.encryptionConfiguration, { encryptionOption: "SSE_KMS", kmsKeyArn: KEY });
  });

  void it("deploys the Athena reader policy of all the lake's tables and exports its ARN", async () => {
    const lake = new DynamoDbLake("lake", { ...twoTables, bucket: { existingBucketName: "my-lake" }, kmsKeyArn: KEY, tags: { team: "data" } });
    await settled(lake);
    const reader = cloud.one("aws:iam/policy:Policy", "lake-athena-reader");
    assert.equal(await valueOf(lake.athenaReaderPolicyArn), `arn:aws:iam::${ACCOUNT}:policy/lake-athena-reader-0a1b2c3`);
    assert.deepEqual(reader.inputs.tags, { team: "data" });
    assert.deepStrictEqual(parseJson(reader.inputs.policy), expectedReaderPolicy("lake", "my-lake", "lake", ["orders", "customers"], [KEY]));
  });

  void it("gives the Athena reader policy no key statement when the lake uses SSE-S3", async () => {
    const lake = new DynamoDbLake("dynamodb-lake-dev", { ...twoTables, tables: [twoTables.tables[0]!] });
    await settled(lake);
    const reader = cloud.one("aws:iam/policy:Policy", "dynamodb-lake-dev-athena-reader");
    assert.deepStrictEqual(
      parseJson(reader.inputs.policy),
      expectedReaderPolicy("dynamodb-lake-dev", "dynamodb-lake-dev-bucket-0a1b2c3", "dynamodb_lake_dev", ["orders"]),
    );
  });

  void it("takes a table declared in the same program, given an id", async () => {
    const table = streamedTable("events", { pointInTimeRecovery: { enabled: true } });
    const lake = new DynamoDbLake("lake", { bucket: { create: {} }, scriptsDirectory, tables: [{ table, id: "events" }] });
    await settled(lake);
    assert.equal(
      cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "lake-events-stream").inputs.eventSourceArn,
      streamArnOf("events-0a1b2c3"),
    );
  });

  void it("refuses a table resource without an id, and duplicate ids, when constructed", () => {
    const table = new aws.dynamodb.Table("t", { attributes: [{ name: "pk", type: "S" }], hashKey: "pk" });
    assert.throws(() => new DynamoDbLake("a", { bucket: { create: {} }, scriptsDirectory, tables: [{ table }] }), {
      message: "tables[0]: give an id (used in resource names) when the table is an aws.dynamodb.Table or an output",
    });
    assert.throws(
      () => new DynamoDbLake("b", { bucket: { create: {} }, scriptsDirectory, tables: [{ table: "orders" }, { table: "orders" }] }),
      { message: 'tables: the id "orders" is used twice; give each table a distinct id' },
    );
    const both = { existingBucketName: "my-lake", create: {} } as unknown as LakeBucketChoice;
    assert.throws(() => new DynamoDbLake("c", { bucket: both, scriptsDirectory, tables: [{ table: "orders" }] }), {
      message: "bucket: pass either existingBucketName (a bucket you already have) or create (a new bucket with safe defaults), not both",
    });
  });

  void it("fails the preview for a table whose stream is off", async () => {
    cloud.addLakeTable("quiet", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], pointInTimeRecovery: true });
    cloud.addTable({ name: "quiet", streamEnabled: false });
    const message =
      "table quiet has no stream: enable streams with stream_view_type NEW_AND_OLD_IMAGES: aws dynamodb update-table --table-name quiet --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES";
    const failures = await previewFailures(async () => {
      const lake = new DynamoDbLake("lake", { bucket: { create: {} }, scriptsDirectory, tables: [{ table: "quiet", snapshotMode: "glue" }] });
      await assert.rejects(valueOf(lake.captures.quiet!.streamArn), carriesMessage(message));
    });
    assertOnlyFailure(failures, message);
  });
});
