/**
 * A table in another account than the lake, with Pulumi mocks and two
 * providers: every child lands in the right account (the provider it was
 * given) with exactly the generated documents, and a wrong layout fails the
 * preview naming the fix.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { DynamoDbLake, type DynamoDbLakeTableArgs } from "../../infra/dynamodb-lake";
import { exporterRolePolicy, exporterTrustPolicy, lakeBucketPolicy, sourceKeyPolicyStatements, streamResourcePolicy, tableResourcePolicy } from "../../infra/iam";
import { readStackConfig, StackConfigError, type SourceAccountConfig } from "../../infra/stack-config";
import { exporterRoleName } from "../../infra/table-source-access";
import { LakeMockCloud, fakeScriptsDirectory, ordersTableKeys } from "./lake-mocks";
import { ACCOUNT as LAKE_ACCOUNT, REGION, assertOnlyFailure, carriesMessage, parseJson, previewFailures, settled, useCloud, valueOf } from "./pulumi-mocks";

const TABLE_ACCOUNT = "444455556666";
const OTHER_ACCOUNT = "999988887777";
const TABLE = `arn:aws:dynamodb:${REGION}:${TABLE_ACCOUNT}:table/orders`;
const STREAM = `${TABLE}/stream/2026-11-21T00:00:00.000`;
const AWS_MANAGED_KEY = `arn:aws:kms:${REGION}:${TABLE_ACCOUNT}:key/aaaa0000-0000-0000-0000-000000000000`;
const scriptsDirectory = fakeScriptsDirectory();

/** Two accounts: invokes and resources through a provider named `account-<12 digits>` are in that account. */
class TwoAccountCloud extends LakeMockCloud {
  readonly providerOf = new Map<string, string>();
  readonly awsManagedKeys = new Set<string>();
  tableKey: string | undefined;

  override reset(): void {
    super.reset();
    this.providerOf.clear();
    this.awsManagedKeys.clear();
    this.tableKey = undefined;
  }

  private static accountOf(provider: string | undefined): string {
    return /::account-(\d{12})::/.exec(provider ?? "")?.[1] ?? LAKE_ACCOUNT;
  }

  override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const account = TwoAccountCloud.accountOf(args.provider);
    const result = super.newResource(args);
    this.providerOf.set(`${args.type} ${args.name}`, account);
    if (account !== LAKE_ACCOUNT && typeof result.state.arn === "string") result.state.arn = result.state.arn.replace(LAKE_ACCOUNT, account);
    return result;
  }

  override call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const account = TwoAccountCloud.accountOf(args.provider);
    if (args.token === "aws:kms/getKey:getKey") {
      this.invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
      const keyId = (args.inputs as { keyId: string }).keyId;
      return { id: keyId, arn: keyId, keyManager: this.awsManagedKeys.has(keyId) ? "AWS" : "CUSTOMER" };
    }
    const out = super.call(args);
    if (account === LAKE_ACCOUNT) return out;
    if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { ...out, id: account, accountId: account, arn: `arn:aws:iam::${account}:user/test` };
    if (args.token !== "aws:dynamodb/getTable:getTable") return out;
    const swap = (v: unknown): unknown => (typeof v === "string" ? v.replace(`:${LAKE_ACCOUNT}:`, `:${account}:`) : v);
    return { ...out, arn: swap(out.arn), streamArn: swap(out.streamArn), serverSideEncryption: this.tableKey ? { enabled: true, kmsKeyArn: this.tableKey } : { enabled: false, kmsKeyArn: "" } };
  }
}

const provider = (account: string): aws.Provider => new aws.Provider(`account-${account}`, { region: REGION });
const lakeOf = (table: Partial<DynamoDbLakeTableArgs>): DynamoDbLake =>
  new DynamoDbLake("lake", { bucket: { create: {} }, scriptsDirectory, tables: [{ table: TABLE, id: "orders", ...table }] });

void describe("a table in another account (Pulumi mocks, two providers)", () => {
  let cloud: TwoAccountCloud;
  beforeEach(async () => {
    cloud = await useCloud(TwoAccountCloud);
    cloud.addLakeTable("orders", ordersTableKeys());
  });

  void it("creates the stream and table policies and the exporter role in the table's account, everything else in the lake's", async () => {
    const lake = lakeOf({ sourceProvider: provider(TABLE_ACCOUNT) });
    await settled(lake);
    const inTableAccount = [...cloud.providerOf].filter(([, a]) => a === TABLE_ACCOUNT).map(([r]) => r).sort();
    assert.deepEqual(inTableAccount, [
      "aws:dynamodb/resourcePolicy:ResourcePolicy lake-orders-source-stream-policy",
      "aws:dynamodb/resourcePolicy:ResourcePolicy lake-orders-source-table-policy",
      "aws:iam/role:Role lake-orders-source-exporter",
      "aws:iam/rolePolicy:RolePolicy lake-orders-source-exporter-policy",
    ]);
    assert.deepEqual([...new Set(cloud.providerOf.values())].sort(), [LAKE_ACCOUNT, TABLE_ACCOUNT]);
    // The table is looked up in its own account.
    assert.ok(cloud.invokes.some((i) => i.token === "aws:dynamodb/getTable:getTable"));

    const roleArn = (logical: string): string => cloud.one("aws:iam/role:Role", logical).state.arn as string;
    const captureRole = roleArn("lake-orders-function-role");
    const snapshotRole = roleArn("lake-orders-snapshot-role");
    const reconcileRole = roleArn("lake-orders-reconcile-role");
    const stream = cloud.one("aws:dynamodb/resourcePolicy:ResourcePolicy", "lake-orders-source-stream-policy").inputs;
    assert.equal(stream.resourceArn, STREAM);
    assert.deepStrictEqual(parseJson(stream.policy), streamResourcePolicy({ streamArn: STREAM, readerRoleArns: [captureRole] }));
    const table = cloud.one("aws:dynamodb/resourcePolicy:ResourcePolicy", "lake-orders-source-table-policy").inputs;
    assert.equal(table.resourceArn, TABLE);
    assert.deepStrictEqual(parseJson(table.policy), tableResourcePolicy({ table: TABLE, scanRoleArns: [reconcileRole] }));

    const exporter = cloud.one("aws:iam/role:Role", "lake-orders-source-exporter");
    assert.equal(exporter.inputs.name, exporterRoleName("lake", "orders"));
    assert.equal(exporter.state.arn, `arn:aws:iam::${TABLE_ACCOUNT}:role/lake-orders-exporter`);
    assert.deepStrictEqual(parseJson(exporter.inputs.assumeRolePolicy), exporterTrustPolicy(snapshotRole, TABLE_ACCOUNT));
    const bucket = cloud.ofType("aws:s3/bucket:Bucket")[0]!.state.bucket as string;
    assert.deepStrictEqual(
      parseJson(cloud.one("aws:iam/rolePolicy:RolePolicy", "lake-orders-source-exporter-policy").inputs.policy),
      exporterRolePolicy({ table: TABLE, lake: `s3://${bucket}/`, exportsPrefix: "exports/orders/" }),
    );

    // The lake bucket's policy lets exactly the exporter write exactly its exports prefix (and keeps the TLS guard).
    const bucketPolicy = cloud.ofType("aws:s3/bucketPolicy:BucketPolicy")[0]!.inputs.policy;
    assert.deepStrictEqual(
      parseJson(bucketPolicy),
      lakeBucketPolicy(`arn:aws:s3:::${bucket}`, [{ roleArn: `arn:aws:iam::${TABLE_ACCOUNT}:role/lake-orders-exporter`, exportsPrefix: "exports/orders/" }]),
    );
    assert.equal(cloud.providerOf.get(`aws:s3/bucketPolicy:BucketPolicy ${cloud.ofType("aws:s3/bucketPolicy:BucketPolicy")[0]!.name}`), LAKE_ACCOUNT);

    // The lake's side: capture maps A's stream; the snapshot job assumes the exporter instead of exporting; reconcile scans A's table.
    assert.equal(cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "lake-orders-stream").inputs.eventSourceArn, STREAM);
    const statements = (logical: string): { Sid: string; Action: string[]; Resource: string[] }[] =>
      (parseJson(cloud.one("aws:iam/rolePolicy:RolePolicy", logical).inputs.policy) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] }).Statement;
    const snapshot = statements("lake-orders-snapshot-policy");
    assert.deepEqual(snapshot[0], { Sid: "AssumeTableExporters", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [`arn:aws:iam::${TABLE_ACCOUNT}:role/lake-orders-exporter`] });
    assert.ok(!snapshot.some((s) => s.Action.includes("dynamodb:ExportTableToPointInTime")));
    assert.deepEqual(statements("lake-orders-reconcile-policy").find((s) => s.Sid === "ScanTables")?.Resource, [TABLE]);

    // The jobs' arguments: the snapshot job exports A's table as the exporter, into the lake account's bucket; reconcile scans it by ARN.
    const jobArguments = (logical: string): Record<string, string> => cloud.one("aws:glue/job:Job", logical).inputs.defaultArguments as Record<string, string>;
    const exportArguments = ["--table_arn", "--export_bucket", "--export_prefix", "--exporter_role_arn", "--export_bucket_owner"];
    const snapshotJob = jobArguments("lake-orders-snapshot-job");
    assert.deepEqual(Object.fromEntries(exportArguments.map((k) => [k, snapshotJob[k]])), {
      "--table_arn": TABLE,
      "--export_bucket": bucket,
      "--export_prefix": "exports/orders/",
      "--exporter_role_arn": `arn:aws:iam::${TABLE_ACCOUNT}:role/lake-orders-exporter`,
      "--export_bucket_owner": LAKE_ACCOUNT,
    });
    assert.equal(jobArguments("lake-orders-reconcile-job")["--table_arn"], TABLE);
  });

  void it("in glue snapshot mode the table policy admits the snapshot job too, and there is no exporter", async () => {
    const lake = lakeOf({ sourceProvider: provider(TABLE_ACCOUNT), snapshotMode: "glue" });
    await settled(lake);
    const roleArn = (logical: string): string => cloud.one("aws:iam/role:Role", logical).state.arn as string;
    assert.deepStrictEqual(
      parseJson(cloud.one("aws:dynamodb/resourcePolicy:ResourcePolicy", "lake-orders-source-table-policy").inputs.policy),
      tableResourcePolicy({ table: TABLE, scanRoleArns: [roleArn("lake-orders-snapshot-role"), roleArn("lake-orders-reconcile-role")] }),
    );
    assert.equal(cloud.ofType("aws:iam/role:Role").filter((r) => r.name.includes("exporter")).length, 0);
    // The snapshot job scans A's table by ARN, with its own role.
    const snapshotJob = cloud.one("aws:glue/job:Job", "lake-orders-snapshot-job").inputs.defaultArguments as Record<string, string>;
    assert.equal(snapshotJob["--table_arn"], TABLE);
    assert.deepEqual(Object.keys(snapshotJob).filter((k) => k.startsWith("--export")), []);
  });

  async function failsWith(table: Partial<DynamoDbLakeTableArgs>, message: string, read: (lake: DynamoDbLake) => pulumi.Output<unknown>): Promise<void> {
    const failures = await previewFailures(async () => {
      const lake = lakeOf(table);
      await assert.rejects(valueOf(read(lake)), carriesMessage(message));
    });
    assertOnlyFailure(failures, message);
  }
  const tableName = (lake: DynamoDbLake): pulumi.Output<unknown> => lake.snapshots.orders!.tableName;

  void it("a table in another account without a source provider fails the preview naming the fix", async () => {
    await failsWith(
      {},
      `table ${TABLE} is in account ${TABLE_ACCOUNT}, the lake in account ${LAKE_ACCOUNT}: give the table a sourceProvider for account ${TABLE_ACCOUNT}, ` +
        `e.g. new aws.Provider("table-account", { region: "${REGION}", assumeRoles: [{ roleArn: "arn:aws:iam::${TABLE_ACCOUNT}:role/<a deploy role in ${TABLE_ACCOUNT}>" }] }) ` +
        `(stack config: sourceAccount: { roleArn: arn:aws:iam::${TABLE_ACCOUNT}:role/…, region: ${REGION} })`,
      tableName,
    );
  });

  void it("a source provider of another account than the table's fails the preview naming the fix", async () => {
    await failsWith(
      { sourceProvider: provider(OTHER_ACCOUNT) },
      `table ${TABLE} is in account ${TABLE_ACCOUNT}, but its sourceProvider deploys to account ${OTHER_ACCOUNT}: point the provider at account ${TABLE_ACCOUNT} (its assumeRoles roleArn, or credentials, in ${TABLE_ACCOUNT})`,
      tableName,
    );
  });

  void it("a source provider for a table in the lake's own account fails the preview", async () => {
    const own = `arn:aws:dynamodb:${REGION}:${LAKE_ACCOUNT}:table/orders`;
    const failures = await previewFailures(async () => {
      const lake = new DynamoDbLake("lake", { bucket: { create: {} }, scriptsDirectory, tables: [{ table: own, sourceProvider: provider(LAKE_ACCOUNT) }] });
      await assert.rejects(valueOf(lake.snapshots.orders!.tableName), carriesMessage(`table ${own} is in the lake's own account ${LAKE_ACCOUNT}: drop its sourceProvider (it is for a table in another account)`));
    });
    assertOnlyFailure(failures, `table ${own} is in the lake's own account ${LAKE_ACCOUNT}: drop its sourceProvider (it is for a table in another account)`);
  });

  void it("a cross-account table encrypted with the AWS managed key fails the preview naming the fix", async () => {
    cloud.tableKey = AWS_MANAGED_KEY;
    cloud.awsManagedKeys.add(AWS_MANAGED_KEY);
    await failsWith(
      { sourceProvider: provider(TABLE_ACCOUNT) },
      `table ${TABLE} is encrypted with the AWS managed key aws/dynamodb, which cannot be shared with the lake's account: ` +
        `switch it to a customer managed key (aws dynamodb update-table --table-name orders --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<key ARN>) ` +
        `or to the AWS owned key (--sse-specification Enabled=false), then add the lake's statements to that key's policy`,
      (lake) => lake.sourceAccess.orders!.tableKeyPolicyStatements,
    );
  });

  void it("a cross-account table with a customer managed key gets the key-policy statements for its readers", async () => {
    const key = `arn:aws:kms:${REGION}:${TABLE_ACCOUNT}:key/bbbb0000-0000-0000-0000-000000000000`;
    cloud.tableKey = key;
    const lake = lakeOf({ sourceProvider: provider(TABLE_ACCOUNT) });
    const statements = await valueOf(lake.sourceAccess.orders!.tableKeyPolicyStatements);
    await settled(lake);
    const roleArn = (logical: string): string => cloud.one("aws:iam/role:Role", logical).state.arn as string;
    assert.deepStrictEqual(statements, sourceKeyPolicyStatements({ table: TABLE, readerRoleArns: [roleArn("lake-orders-function-role"), roleArn("lake-orders-reconcile-role")] }));
  });

  void it("a cross-account table without a stream fails the preview naming the fix", async () => {
    cloud.addTable({ name: "orders", streamEnabled: false });
    await failsWith(
      { sourceProvider: provider(TABLE_ACCOUNT) },
      "table orders has no stream: enable streams with stream_view_type NEW_AND_OLD_IMAGES: aws dynamodb update-table --table-name orders --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
      (lake) => lake.captures.orders!.streamArn,
    );
  });
});

void describe("stack config: sourceAccount builds the table account's provider", () => {
  const get = (tables: unknown) => (key: string): unknown => (key === "tables" ? tables : key === "bucket" ? { create: {} } : undefined);
  const made: [string, SourceAccountConfig][] = [];
  const factory = (id: string, account: SourceAccountConfig): aws.Provider => {
    made.push([id, account]);
    return { marker: id } as unknown as aws.Provider;
  };

  void it("hands each table's sourceAccount to the factory and its provider to the table", () => {
    made.length = 0;
    const args = readStackConfig(get([{ table: TABLE, sourceAccount: { roleArn: `arn:aws:iam::${TABLE_ACCOUNT}:role/lake-deploy`, region: REGION } }, { table: "customers" }]), factory);
    assert.deepEqual(made, [["orders", { roleArn: `arn:aws:iam::${TABLE_ACCOUNT}:role/lake-deploy`, region: REGION }]]);
    assert.deepEqual(args.tables.map((t) => (t.sourceProvider as unknown as { marker: string } | undefined)?.marker), ["orders", undefined]);
    assert.ok(!("sourceAccount" in args.tables[0]!));
  });

  void it("refuses a role in another account than the table's, a table by name, and a malformed role", () => {
    const fails = (sourceAccount: unknown, table: string, message: RegExp): void =>
      assert.throws(() => readStackConfig(get([{ table, sourceAccount }]), factory), (e: unknown) => e instanceof StackConfigError && message.test(e.message));
    fails({ roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/lake-deploy` }, TABLE, new RegExp(`is in account ${OTHER_ACCOUNT}, but the table .* is in account ${TABLE_ACCOUNT}: name a role in ${TABLE_ACCOUNT}`));
    fails({ roleArn: `arn:aws:iam::${TABLE_ACCOUNT}:role/lake-deploy` }, "orders", /is named by its ARN/);
    fails({ roleArn: "lake-deploy" }, TABLE, /must be the ARN of a role in the table's account/);
    fails({ roleArn: `arn:aws:iam::${TABLE_ACCOUNT}:role/x`, profile: "a" }, TABLE, /sourceAccount.profile is not a setting; the settings are: roleArn, region/);
  });
});
