/**
 * The cross-account layout end to end on the emulator: the table in one
 * account, the lake in another. Capture lands the stream in the lake
 * account's bucket, the exporter role of the table's account (assumed by the
 * lake's snapshot job role) exports into the lake's bucket with S3BucketOwner,
 * the snapshot loads, compaction applies the deltas, and reconcile against a
 * fresh export finds 0 differences. moto does not evaluate resource policies
 * (see local/emulator/two-accounts.ts): the policy engine tests prove those.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DescribeTableCommand, GetResourcePolicyCommand } from "@aws-sdk/client-dynamodb";
import { GetBucketPolicyCommand } from "@aws-sdk/client-s3";
import { exportsPrefix } from "../../infra/layout";
import { startCapture } from "../../local/capture/capture";
import { listKeys } from "../../local/capture/deltas";
import { startEnvironment, type LocalEnvironment } from "../../local/emulator/environment";
import { LocalLake } from "../../local/lake/lake";
import { LOCAL_ACCOUNT } from "../../local/emulator/moto";
import { reconcileLake } from "../../local/lake/reconcile";
import { createCrossAccountTable, crossAccountDocuments, TABLE_ACCOUNT, twoAccounts, type TwoAccounts } from "../../local/emulator/two-accounts";
import { Workload } from "../../local/source/workload";

let env: LocalEnvironment;
let accounts: TwoAccounts;
before(async () => {
  env = await startEnvironment();
  accounts = await twoAccounts(env.clients, "orders");
});
after(async () => {
  accounts.stop();
  await env.stop();
});

void test("a table in one account, its lake in another: capture, export by the assumed exporter, load, compact, reconcile with 0 differences", async () => {
  const table = await createCrossAccountTable(accounts, "orders", "lake-two-accounts");
  assert.equal(table.tableArn, `arn:aws:dynamodb:us-east-1:${TABLE_ACCOUNT}:table/orders`);
  // The accounts are really apart: the lake's own credentials do not find the table.
  await assert.rejects(accounts.lake.dynamodb.send(new DescribeTableCommand({ TableName: table.tableArn })), { name: "ResourceNotFoundException" });
  // The generated documents are attached as generated.
  const docs = crossAccountDocuments(table, accounts.roles);
  const attached = await accounts.tableOwner.dynamodb.send(new GetResourcePolicyCommand({ ResourceArn: table.tableArn }));
  assert.deepEqual(JSON.parse(attached.Policy ?? "{}"), docs.table);
  assert.deepEqual(JSON.parse((await accounts.lake.s3.send(new GetBucketPolicyCommand({ Bucket: table.bucket }))).Policy ?? "{}"), docs.bucketGrants);

  const workload = new Workload(accounts.pipeline, table, { items: 30, ops: 80, seed: 8, nearLimitItems: 1 });
  const capture = await startCapture({
    clients: accounts.pipeline,
    table,
    ttlDeletes: workload.ttlDeletes,
    settings: { batchSize: 25, maximumBatchingWindowInSeconds: 0, functionTimeoutMs: 20_000 },
  });
  // The lake's jobs run with the lake account's credentials; only the export goes through the exporter role.
  const lake = new LocalLake({ ...accounts.lake, dynamodb: accounts.exporter.dynamodb }, table, "lake_two_accounts", env.spark);
  let snapshot: string;
  try {
    await workload.loadInitialItems();
    snapshot = await lake.exportTable();
    await workload.runOperations();
    await capture.poller.caughtUp();
  } finally {
    await capture.stop();
  }
  // The export landed in the lake account's bucket, under the table's exports prefix.
  assert.ok(snapshot.startsWith(`s3://${table.bucket}/${exportsPrefix("orders")}AWSDynamoDB/`), snapshot);
  assert.ok((await listKeys(accounts.lake.s3, table.bucket, exportsPrefix("orders"))).some((k) => k.includes("/data/")));
  assert.deepEqual(capture.poller.destination, []);

  await lake.loadSnapshot(snapshot);
  const compacted = await lake.compact();
  assert.ok(compacted.records > 0, JSON.stringify(compacted));
  const report = await reconcileLake(lake, { exportUri: await lake.exportTable() });
  assert.equal(report.summary, `reconcile: ${report.items} items, 0 differences (missing 0, extra 0, differing 0)`);
  assert.ok(report.items > 0);
  assert.equal(report.exitCode, 0);
  assert.notEqual(TABLE_ACCOUNT, LOCAL_ACCOUNT);
});
