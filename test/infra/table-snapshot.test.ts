import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as aws from "@pulumi/aws";
import { glueTrustPolicy, snapshotJobPolicy } from "../../infra/iam";
import { checkSnapshotSource, TableSnapshot, type TableSnapshotArgs } from "../../infra/table-snapshot";
import { assertGlueJob, expectedRuntimeArguments, type MakeTableJob, ORDERS_TABLE_ARGUMENTS, tableJob } from "./glue-job-expectations";
import { useLakeMockCloud } from "./lake-mocks";
import { ACCOUNT, assertOnlyFailure, gatedResource, parseJson, previewFailures, settled, tableArn, valueOf } from "./pulumi-mocks";

const JOB = "aws:glue/job:Job";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SCOPE = { partition: "aws", region: "us-west-2", account: ACCOUNT };
const GLUE_TRUST = glueTrustPolicy(ACCOUNT);

const ORDERS_KEYS = {
  hashKey: "pk",
  rangeKey: "sk",
  attributes: [
    { name: "pk", type: "S" },
    { name: "sk", type: "N" },
    { name: "gsi", type: "S" },
  ],
};

function snapshot(args: Partial<TableSnapshotArgs> & Pick<TableSnapshotArgs, "table">): MakeTableJob<TableSnapshot> {
  return (name, scripts) => new TableSnapshot(name, { bucket: "lake-bucket", database: "lake_db", scripts, ...args });
}

/** The snapshot role's policy for source table `table` in lake-bucket/lake_db. */
function expectedPolicy(table: string, mode: "export" | "glue", extra: { kmsKeyArns?: string[] } = {}): unknown {
  const c = table.toLowerCase();
  return snapshotJobPolicy({
    scope: SCOPE,
    tables: [tableArn(table)],
    mode,
    lake: "s3://lake-bucket/",
    exportsPrefixes: [`exports/${table}/`],
    warehousePrefixes: [`warehouse/lake_db.db/${c}_current/`, `warehouse/lake_db.db/${c}_tombstones/`],
    assetsPrefix: "_assets/glue/",
    database: "lake_db",
    catalogTables: [`${c}_current`, `${c}_tombstones`],
    ...extra,
  });
}

void describe("TableSnapshot, export mode (default)", () => {
  void it("runs load_snapshot.py on Glue 5.0, starting a PITR export into exports/<table>/, with the whole snapshot policy", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Orders", { ...ORDERS_KEYS, pointInTimeRecovery: true });
    const { component, hash } = tableJob("orders-snapshot", snapshot({ table: "Orders" }));
    await settled(component);
    const description = "dynamodb-lake: snapshot of Orders into orders_current (export mode)";
    assertGlueJob(cloud, hash, { component: "orders-snapshot", script: "load_snapshot.py", timeout: 2880, description }, {
      ...expectedRuntimeArguments(hash),
      "--extra-jars": `s3://lake-bucket/_assets/glue/${hash}/dynamodb-lake-udf.jar`,
      ...ORDERS_TABLE_ARGUMENTS,
      "--buckets": "16",
      "--mode": "export",
      "--start_export": "true",
      "--export_uri": "s3://lake-bucket/exports/Orders/",
      "--table_arn": tableArn("Orders"),
      "--export_bucket": "lake-bucket",
      "--export_prefix": "exports/Orders/",
      "--repair": "false",
    });

    assert.deepEqual(parseJson(cloud.one(ROLE, "orders-snapshot-role").inputs.assumeRolePolicy), GLUE_TRUST);
    const policy = cloud.one(ROLE_POLICY, "orders-snapshot-policy").inputs;
    assert.equal(policy.role, "orders-snapshot-role-id");
    assert.deepStrictEqual(parseJson(policy.policy), expectedPolicy("Orders", "export"));

    assert.equal(await valueOf(component.jobName), "orders-snapshot-job-0a1b2c3");
    assert.equal(await valueOf(component.tableName), "Orders");
    assert.equal(await valueOf(component.currentTableName), "orders_current");
    assert.deepEqual(await valueOf(component.keys), [
      { name: "pk", type: "S" },
      { name: "sk", type: "N" },
    ]);
  });

  void it("takes the table by ARN, and workers, timeout, buckets, declared columns, number key types, KMS keys and tags", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Orders", { ...ORDERS_KEYS, pointInTimeRecovery: true });
    const kms = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { component } = tableJob("tuned", snapshot({
      table: tableArn("Orders"),
      workerType: "G.2X",
      numberOfWorkers: 10,
      timeoutMinutes: 600,
      buckets: 64,
      declaredColumns: { status: "string", price: "decimal(38,2)" },
      keyColumnTypes: { sk: "decimal(38,6)" },
      kmsKeyArns: [kms],
      tags: { team: "data" },
    }));
    await settled(component);
    const job = cloud.one(JOB, "tuned-job").inputs as Record<string, unknown> & { defaultArguments: Record<string, string> };
    assert.equal(job.workerType, "G.2X");
    assert.equal(job.numberOfWorkers, 10);
    assert.equal(job.timeout, 600);
    assert.deepEqual(job.tags, { team: "data" });
    assert.equal(job.defaultArguments["--buckets"], "64");
    assert.equal(job.defaultArguments["--key_schema"], "pk:S,sk:N:decimal(38,6)");
    assert.equal(job.defaultArguments["--declared_columns"], '{"price":"decimal(38,2)","status":"string"}');
    assert.deepEqual(cloud.one(ROLE, "tuned-role").inputs.tags, { team: "data" });
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "tuned-policy").inputs.policy), expectedPolicy("Orders", "export", { kmsKeyArns: [kms] }));
    assert.deepEqual(await valueOf(component.keys), [
      { name: "pk", type: "S" },
      { name: "sk", type: "N", columnType: "decimal(38,6)" },
    ]);
  });

  void it("is registered only after the capture path it is given", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Orders", { ...ORDERS_KEYS, pointInTimeRecovery: true });
    const capture = gatedResource("capture-mapping");
    const { component } = tableJob("ordered", snapshot({ table: "Orders", captureReady: [capture.resource] }));
    await valueOf(component.role.urn);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(cloud.ofType(JOB), [], "the job waits for the capture path");
    capture.open();
    await settled(component);
    const order = cloud.resources.map((r) => r.name);
    assert.ok(order.indexOf("capture-mapping") < order.indexOf("ordered-job"), order.join(", "));
  });

  const PITR_OFF = (table: string): string =>
    `table ${table}: snapshot mode "export" needs point-in-time recovery (PITR), which is off. ` +
    "Turn it on in the table definition (Pulumi: pointInTimeRecovery: { enabled: true }; Terraform: point_in_time_recovery { enabled = true }) " +
    `or run: aws dynamodb update-continuous-backups --table-name ${table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true ; ` +
    'or choose snapshot mode "glue".';

  void it("fails the preview when a looked-up table has PITR off, naming the fix", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("NoPitr", { ...ORDERS_KEYS, pointInTimeRecovery: false });
    const failures = await previewFailures(async () => {
      const { component } = tableJob("no-pitr", snapshot({ table: "NoPitr" }));
      await assert.rejects(valueOf(component.tableName), { message: PITR_OFF("NoPitr") });
    });
    assertOnlyFailure(failures, PITR_OFF("NoPitr"));
    assert.deepEqual(cloud.ofType(JOB), []);
    assert.deepEqual(cloud.ofType(ROLE_POLICY), []);
  });

  void it("fails the preview when a same-stack table has PITR off or unset", async () => {
    const cloud = await useLakeMockCloud();
    const failures = await previewFailures(async () => {
      const off = new aws.dynamodb.Table("pitr-off", {
        name: "PitrOff",
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        pointInTimeRecovery: { enabled: false },
      });
      const unset = new aws.dynamodb.Table("pitr-unset", { name: "PitrUnset", hashKey: "pk", attributes: [{ name: "pk", type: "S" }] });
      const a = tableJob("stack-off", snapshot({ table: off })).component;
      const b = tableJob("stack-unset", snapshot({ table: unset })).component;
      await assert.rejects(valueOf(a.tableName), { message: PITR_OFF("PitrOff") });
      await assert.rejects(valueOf(b.tableName), { message: PITR_OFF("PitrUnset") });
    });
    assert.deepEqual(new Set(failures.map((f) => f.replace(/^.*: (table )/, "$1"))), new Set([PITR_OFF("PitrOff"), PITR_OFF("PitrUnset")]));
    assert.deepEqual(cloud.ofType(JOB), []);
  });

  void it("accepts a same-stack table with PITR on and reads its keys", async () => {
    const cloud = await useLakeMockCloud();
    const table = new aws.dynamodb.Table("events", {
      name: "Events",
      hashKey: "id",
      attributes: [{ name: "id", type: "B" }],
      pointInTimeRecovery: { enabled: true },
    });
    const { component } = tableJob("events-snapshot", snapshot({ table }));
    await settled(component);
    const args = (cloud.one(JOB, "events-snapshot-job").inputs as { defaultArguments: Record<string, string> }).defaultArguments;
    assert.equal(args["--key_schema"], "id:B");
    assert.equal(args["--table_arn"], tableArn("Events"));
    assert.equal(args["--start_export"], "true");
  });
});

void describe("TableSnapshot, glue mode", () => {
  void it("scans with a read-capacity share, needs no PITR, and gets the scan policy", async () => {
    const cloud = await useLakeMockCloud();
    const table = new aws.dynamodb.Table("plain", { name: "Plain", hashKey: "pk", attributes: [{ name: "pk", type: "S" }] });
    const { component } = tableJob("plain-snapshot", snapshot({ table, mode: "glue", readPercent: 0.5 }));
    await settled(component);
    const job = cloud.one(JOB, "plain-snapshot-job").inputs as { description: string; defaultArguments: Record<string, string> };
    assert.equal(job.description, "dynamodb-lake: snapshot of Plain into plain_current (glue mode)");
    const args = job.defaultArguments;
    assert.deepEqual(
      Object.fromEntries(Object.entries(args).filter(([k]) => ["--mode", "--read_percent", "--start_export", "--export_uri", "--table_arn", "--repair"].includes(k))),
      { "--mode": "scan", "--read_percent": "0.5", "--table_arn": tableArn("Plain"), "--repair": "false" },
    );
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "plain-snapshot-policy").inputs.policy), expectedPolicy("Plain", "glue"));
  });

  void it("uses a quarter of the read capacity by default", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Scanned", { hashKey: "pk", attributes: [{ name: "pk", type: "N" }], pointInTimeRecovery: false });
    const { component } = tableJob("scanned", snapshot({ table: "Scanned", mode: "glue" }));
    await settled(component);
    const args = (cloud.one(JOB, "scanned-job").inputs as { defaultArguments: Record<string, string> }).defaultArguments;
    assert.equal(args["--read_percent"], "0.25");
    assert.equal(args["--key_schema"], "pk:N");
  });

  void it("fails the preview on a read share above the table's whole read capacity", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Greedy", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], pointInTimeRecovery: false });
    const message = "readPercent must be above 0 and at most 1 (a share of the table's read capacity, e.g. 0.25); got 1.5";
    const failures = await previewFailures(async () => {
      const { component } = tableJob("greedy", snapshot({ table: "Greedy", mode: "glue", readPercent: 1.5 }));
      await valueOf(component.role.urn);
    });
    assertOnlyFailure(failures, message);
    assert.deepEqual(cloud.ofType(JOB), []);
  });
});

void describe("TableSnapshot, bad configuration", () => {
  void it("fails the preview on a declared column that takes a bookkeeping column's name", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Clash", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], pointInTimeRecovery: true });
    const message = 'declared column "_seq" maps to column _seq, already used by a bookkeeping column; declare another attribute or drop it';
    const failures = await previewFailures(async () => {
      const { component } = tableJob("clash", snapshot({ table: "Clash", declaredColumns: { _seq: "string" } }));
      await valueOf(component.role.urn);
    });
    assertOnlyFailure(failures, message);
  });

  void it("fails the preview on a key column type for an attribute that is not a key", async () => {
    const cloud = await useLakeMockCloud();
    cloud.addLakeTable("Typed", { ...ORDERS_KEYS, pointInTimeRecovery: true });
    const message = 'table Typed: keyColumnTypes names "gsi", which is not a key attribute (pk, sk)';
    const failures = await previewFailures(async () => {
      const { component } = tableJob("typed", snapshot({ table: "Typed", keyColumnTypes: { gsi: "string" } }));
      await assert.rejects(valueOf(component.keys), { message });
    });
    assertOnlyFailure(failures, message);
  });
});

void describe("checkSnapshotSource", () => {
  void it("lets export mode through with PITR on, and glue mode either way", () => {
    checkSnapshotSource("t1", "export", true);
    checkSnapshotSource("t1", "glue", false);
    checkSnapshotSource("t1", "glue", true);
  });
  void it("rejects export mode without PITR, and unknown modes", () => {
    assert.throws(() => checkSnapshotSource("t1", "export", false), /^Error: table t1: snapshot mode "export" needs point-in-time recovery/);
    assert.throws(() => checkSnapshotSource("t1", "scan" as never, true), { message: 'table t1: snapshot mode must be "export" or "glue", got "scan"' });
  });
});
