/**
 * The snapshot's configuration checks during `pulumi preview` (dryRun): the
 * table lookup is an invoke, so it runs at preview and a bad table fails the
 * preview itself, before anything is created.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as aws from "@pulumi/aws";
import { TableSnapshot } from "../../infra/table-snapshot";
import { tableJob } from "./glue-job-expectations";
import { useLakeMockCloud } from "./lake-mocks";
import { assertOnlyFailure, itRunsAsPreview, previewFailures, settled, valueOf } from "./pulumi-mocks";

const PITR_OFF = (table: string): string =>
  `table ${table}: snapshot mode "export" needs point-in-time recovery (PITR), which is off. ` +
  "Turn it on in the table definition (Pulumi: pointInTimeRecovery: { enabled: true }; Terraform: point_in_time_recovery { enabled = true }) " +
  `or run: aws dynamodb update-continuous-backups --table-name ${table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true ; ` +
  'or choose snapshot mode "glue".';

const KEYS = { hashKey: "pk", attributes: [{ name: "pk", type: "S" }] };

function snapshotOf(name: string, table: aws.dynamodb.Table | string): TableSnapshot {
  return tableJob(name, (n, scripts) => new TableSnapshot(n, { table, bucket: "lake-bucket", database: "lake_db", scripts })).component;
}

void describe("TableSnapshot during a preview", () => {
  itRunsAsPreview(useLakeMockCloud);

  void it("plans the job for a table with PITR on", async () => {
    const cloud = await useLakeMockCloud(true);
    cloud.addLakeTable("Orders", { ...KEYS, pointInTimeRecovery: true });
    const snapshot = snapshotOf("orders", "Orders");
    await settled(snapshot);
    assert.equal(cloud.ofType("aws:glue/job:Job").length, 1);
  });

  void it("fails the preview for an existing table with PITR off, naming the fix, and plans no job", async () => {
    const cloud = await useLakeMockCloud(true);
    cloud.addLakeTable("Legacy", { ...KEYS, pointInTimeRecovery: false });
    const failures = await previewFailures(async () => {
      const snapshot = snapshotOf("legacy", "Legacy");
      await assert.rejects(valueOf(snapshot.tableName), { message: PITR_OFF("Legacy") });
    });
    assertOnlyFailure(failures, PITR_OFF("Legacy"));
    assert.deepEqual(cloud.ofType("aws:glue/job:Job"), []);
  });

  void it("fails the preview for a table ARN of another account, instead of snapshotting a same-named table", async () => {
    const cloud = await useLakeMockCloud(true);
    cloud.addLakeTable("Orders", { ...KEYS, pointInTimeRecovery: true });
    const arn = "arn:aws:dynamodb:us-west-2:210987654321:table/Orders";
    const message =
      `table ${arn} is in account 210987654321, but this stack deploys to account 123456789012 ` +
      "(where the lookup found arn:aws:dynamodb:us-west-2:123456789012:table/Orders): the pipeline must run in the table's account; deploy with credentials for account 210987654321";
    const failures = await previewFailures(async () => {
      const snapshot = snapshotOf("foreign", arn);
      await assert.rejects(valueOf(snapshot.tableName), { message });
    });
    assertOnlyFailure(failures, message);
    assert.deepEqual(cloud.ofType("aws:glue/job:Job"), []);
  });

  void it("fails the preview for a table of the same program declared with PITR off", async () => {
    const cloud = await useLakeMockCloud(true);
    const failures = await previewFailures(async () => {
      const table = new aws.dynamodb.Table("declared", { name: "Declared", ...KEYS, pointInTimeRecovery: { enabled: false } });
      const snapshot = snapshotOf("declared-snapshot", table);
      await assert.rejects(valueOf(snapshot.tableName), { message: PITR_OFF("Declared") });
    });
    assertOnlyFailure(failures, PITR_OFF("Declared"));
    assert.deepEqual(cloud.ofType("aws:glue/job:Job"), []);
  });
});
