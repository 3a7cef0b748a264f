import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { load } from "js-yaml";
import { LakeConfigError, lakeTableIds } from "../../infra/dynamodb-lake";
import { StackConfigError, readStackConfig, type ConfigKey } from "../../infra/stack-config";

/** The config of one stack as `pulumi.Config` would hand it over. */
const from = (values: Partial<Record<ConfigKey, unknown>>) => (key: ConfigKey) => values[key];
const ok = { tables: [{ table: "orders" }], bucket: { create: {} } };

void describe("readStackConfig", () => {
  void it("reads the example stack Pulumi.dev.yaml", () => {
    const file = load(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    const args = readStackConfig((key) => file.config[`dynamodb-lake:${key}`]);
    assert.deepEqual(args, {
      tables: [
        {
          table: "orders",
          snapshotMode: "export",
          declaredColumns: { status: "string", total: "decimal(38,2)" },
          capture: { batchSize: 500, maximumBatchingWindowInSeconds: 1, bufferingIntervalSeconds: 60 },
        },
        {
          table: "arn:aws:dynamodb:us-west-2:123456789012:table/customers",
          id: "customers",
          snapshotMode: "glue",
          keyColumnTypes: { customer_no: "string" },
          snapshot: { readPercent: 0.25 },
          capture: { bufferingIntervalSeconds: 0, parallelizationFactor: 2 },
          compaction: { schedule: "cron(0/30 * * * ? *)" },
        },
      ],
      bucket: { create: { versioning: false, abortIncompleteMultipartUploadDays: 1 } },
      tags: { project: "dynamodb-lake", environment: "dev" },
    });
    assert.equal(file.config["aws:region"], "us-west-2");
  });

  void it("passes the optional top-level settings through", () => {
    const args = readStackConfig(
      from({
        ...ok,
        kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/abc",
        alarmTopicArn: "arn:aws:sns:us-west-2:123456789012:alarms",
        catalog: { databaseName: "lake", bytesScannedCutoffPerQuery: 1e9 },
        tags: { team: "data" },
      }),
    );
    assert.deepEqual(args, {
      ...ok,
      kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/abc",
      alarmTopicArn: "arn:aws:sns:us-west-2:123456789012:alarms",
      catalog: { databaseName: "lake", bytesScannedCutoffPerQuery: 1e9 },
      tags: { team: "data" },
    });
  });

  const rejected: [string, Partial<Record<ConfigKey, unknown>>, string][] = [
    [
      "no tables",
      { bucket: { create: {} } },
      "dynamodb-lake:tables must list at least one table, e.g.\n  dynamodb-lake:tables:\n    - table: orders\n      snapshotMode: export",
    ],
    [
      "an empty table list",
      { ...ok, tables: [] },
      "dynamodb-lake:tables must list at least one table, e.g.\n  dynamodb-lake:tables:\n    - table: orders\n      snapshotMode: export",
    ],
    ["a table that is a string", { ...ok, tables: ["orders"] }, 'dynamodb-lake:tables[0] must be a map with at least "table", got "orders"'],
    ["a table without table", { ...ok, tables: [{ id: "x" }] }, "dynamodb-lake:tables[0].table is missing: give the table's name or ARN"],
    [
      "a misspelt table setting",
      { ...ok, tables: [{ table: "orders", snapshotmode: "glue" }] },
      "dynamodb-lake:tables[0].snapshotmode is not a setting; the settings are: table, id, keyColumnTypes, declaredColumns, snapshotMode, capture, snapshot, compaction, reconcile, catalog, sourceAccount",
    ],
    [
      "a table setting named like an object property",
      { ...ok, tables: [{ table: "orders", constructor: "x" }] },
      "dynamodb-lake:tables[0].constructor is not a setting; the settings are: table, id, keyColumnTypes, declaredColumns, snapshotMode, capture, snapshot, compaction, reconcile, catalog, sourceAccount",
    ],
    [
      "a capture setting named like an object property",
      { ...ok, tables: [{ table: "orders", capture: { toString: 1 } }] },
      "dynamodb-lake:tables[0].capture.toString is not a setting; the settings are: batchSize, maximumBatchingWindowInSeconds, parallelizationFactor, maximumRetryAttempts, maximumRecordAgeInSeconds, functionMemorySize, functionTimeoutSeconds, logRetentionInDays, bufferingIntervalSeconds, bufferingSizeMiB, iteratorAgeAlarmThresholdSeconds, deliveryFreshnessAlarmThresholdSeconds",
    ],
    [
      "an unknown snapshot mode",
      { ...ok, tables: [{ table: "orders", snapshotMode: "scan" }] },
      'dynamodb-lake:tables[0].snapshotMode must be one of "export", "glue", got "scan"',
    ],
    [
      "declared columns that are not a map of strings",
      { ...ok, tables: [{ table: "orders", declaredColumns: { total: 2 } }] },
      'dynamodb-lake:tables[0].declaredColumns must be a map of strings, got {"total":2}',
    ],
    [
      "a misspelt capture setting",
      { ...ok, tables: [{ table: "orders", capture: { batchsize: 10 } }] },
      "dynamodb-lake:tables[0].capture.batchsize is not a setting; the settings are: batchSize, maximumBatchingWindowInSeconds, parallelizationFactor, maximumRetryAttempts, maximumRecordAgeInSeconds, functionMemorySize, functionTimeoutSeconds, logRetentionInDays, bufferingIntervalSeconds, bufferingSizeMiB, iteratorAgeAlarmThresholdSeconds, deliveryFreshnessAlarmThresholdSeconds",
    ],
    [
      "a capture setting given as a string",
      { ...ok, tables: [{ table: "orders", capture: { batchSize: "500" } }] },
      'dynamodb-lake:tables[0].capture.batchSize must be a number, got "500"',
    ],
    [
      "a capture setting out of range",
      { ...ok, tables: [{ table: "orders", capture: { maximumRecordAgeInSeconds: 30 } }] },
      "dynamodb-lake:tables[0].capture.maximumRecordAgeInSeconds is 30; it must be a whole number from 60 to 604800 or -1 (-1 means no limit)",
    ],
    [
      "a misspelt compaction setting",
      { ...ok, tables: [{ table: "orders", compaction: { cron: "x" } }] },
      "dynamodb-lake:tables[0].compaction.cron is not a setting; the settings are: schedule, workerType, numberOfWorkers, timeoutMinutes, maintenanceSchedule, maintenanceWorkerType, maintenanceNumberOfWorkers, maintenanceTimeoutMinutes, snapshotRetentionHours, tombstoneRetentionHours",
    ],
    [
      "a malformed table ARN",
      { ...ok, tables: [{ table: "arn:aws:dynamodb:us-west-2:123:table/orders" }] },
      'dynamodb-lake:tables[0].table: table ARN "arn:aws:dynamodb:us-west-2:123:table/orders" is malformed: expected arn:<partition>:dynamodb:<region>:<12-digit account id>:table/<table name>',
    ],
    [
      "the same table twice",
      { ...ok, tables: [{ table: "orders" }, { table: "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }] },
      'dynamodb-lake:tables: the id "orders" is used twice; give each table a distinct id',
    ],
    [
      "no bucket",
      { tables: ok.tables },
      "dynamodb-lake:bucket: pass existingBucketName (a bucket you already have) or create (a new bucket with safe defaults; create: {} takes every default)",
    ],
    [
      "both buckets",
      { ...ok, bucket: { existingBucketName: "my-lake", create: {} } },
      "dynamodb-lake:bucket: pass either existingBucketName (a bucket you already have) or create (a new bucket with safe defaults), not both",
    ],
    [
      "a misspelt bucket key",
      { ...ok, bucket: { existingBucketName: "my-lake", versioning: true } },
      "dynamodb-lake:bucket.versioning is not a setting; the settings are: existingBucketName, create",
    ],
    [
      "a misspelt bucket setting",
      { ...ok, bucket: { create: { versionning: true } } },
      "dynamodb-lake:bucket.create.versionning is not a setting; the settings are: bucketName, kmsKeyArn, abortIncompleteMultipartUploadDays, versioning, noncurrentVersionExpirationDays, forceDestroy, tags",
    ],
    [
      "a bucket setting of the wrong type",
      { ...ok, bucket: { create: { versioning: "yes" } } },
      'dynamodb-lake:bucket.create.versioning must be a boolean, got "yes"',
    ],
    [
      "a KMS key that is not a string",
      { ...ok, kmsKeyArn: { arn: "x" } },
      'dynamodb-lake:kmsKeyArn must be a string, got {"arn":"x"}',
    ],
    [
      "a misspelt catalog setting",
      { ...ok, catalog: { database: "lake" } },
      "dynamodb-lake:catalog.database is not a setting; the settings are: databaseName, workgroupName, bytesScannedCutoffPerQuery, resultsKmsKeyArn, forceDestroyWorkgroup",
    ],
    ["tags that are not strings", { ...ok, tags: { cost: 1 } }, 'dynamodb-lake:tags must be a map of strings, got {"cost":1}'],
  ];
  for (const [label, values, message] of rejected) {
    void it(`rejects ${label}`, () => {
      assert.throws(
        () => readStackConfig(from(values)),
        (e: unknown) => e instanceof Error && e.message === message,
      );
    });
  }

  void it("raises its own error types", () => {
    assert.throws(() => readStackConfig(from({ bucket: {} })), StackConfigError);
    assert.throws(() => readStackConfig(from({ ...ok, tables: [{ table: "orders" }, { table: "orders" }] })), LakeConfigError);
  });
});

void describe("lakeTableIds", () => {
  void it("takes the given id, else the table's name from a name or an ARN", () => {
    assert.deepEqual(
      lakeTableIds([
        { table: "orders" },
        { table: "arn:aws:dynamodb:us-west-2:123456789012:table/customers" },
        { table: "orders-v2", id: "v2" },
      ]),
      ["orders", "customers", "v2"],
    );
  });
  const rejected: [string, Parameters<typeof lakeTableIds>[0], string][] = [
    ["an empty list", [], "tables: list at least one table"],
    ["an id with a space", [{ table: "orders", id: "my id" }], 'tables[0].id "my id" must be 1 to 64 letters, digits, "_", "." or "-"'],
    ["an empty id", [{ table: "orders", id: "" }], 'tables[0].id "" must be 1 to 64 letters, digits, "_", "." or "-"'],
    [
      "an output without an id",
      [{ table: "orders" }, { table: Promise.resolve("x") }],
      "tables[1]: give an id (used in resource names) when the table is an aws.dynamodb.Table or an output",
    ],
    ["a duplicate", [{ table: "a-table", id: "xyz" }, { table: "xyz" }], 'tables: the id "xyz" is used twice; give each table a distinct id'],
  ];
  for (const [label, tables, message] of rejected) {
    void it(`rejects ${label}`, () => {
      assert.throws(() => lakeTableIds(tables), (e: unknown) => e instanceof LakeConfigError && e.message === message);
    });
  }
});
