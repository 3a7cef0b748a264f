/**
 * Example inputs for every role policy, covering wildcards, KMS keys, both
 * snapshot modes and a second partition. The tests assert on them and the
 * policy linter runs over them; `node --import tsx infra/iam/examples.ts`
 * prints every generated policy as one JSON object keyed by example name.
 */
import { athenaReaderPolicy, type AthenaReaderPolicyInput } from "./athena";
import { captureFunctionPolicy, type CaptureFunctionPolicyInput } from "./capture";
import { compactionJobPolicy, type CompactionJobPolicyInput } from "./compaction";
import { firehoseDeliveryPolicy, type FirehoseDeliveryPolicyInput } from "./firehose";
import type { Scope } from "./patterns";
import type { PolicyDocument } from "./policy";
import { reconcileJobPolicy, type ReconcileJobPolicyInput } from "./reconcile";
import { snapshotJobPolicy, type SnapshotJobPolicyInput } from "./snapshot";
import { exporterBucketStatements, lakeKeyPolicyStatements } from "./lake-account";
import { exporterRolePolicy, sourceKeyPolicyStatements, streamResourcePolicy, tableResourcePolicy } from "./source-account";

export const EXAMPLE_ACCOUNT = "123456789012";
export const EXAMPLE_REGION = "us-west-2";
export const EXAMPLE_SCOPE: Scope = { partition: "aws", region: EXAMPLE_REGION, account: EXAMPLE_ACCOUNT };
export const EXAMPLE_KEY = `arn:aws:kms:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

export const exampleCapture: CaptureFunctionPolicyInput = {
  tables: [`arn:aws:dynamodb:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:table/orders`],
  deliveryStreamArns: [`arn:aws:firehose:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:deliverystream/orders-changes`],
  overflow: "s3://lake-bucket/overflow/orders/",
  deadLetterQueueArn: `arn:aws:sqs:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:orders-capture-dlq`,
  logGroupArn: `arn:aws:logs:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:log-group:/aws/lambda/orders-capture`,
};

export const exampleFirehose: FirehoseDeliveryPolicyInput = {
  bucket: "s3://lake-bucket/",
  prefixes: ["changes/orders/", "errors/orders/"],
  logGroupArn: `arn:aws:logs:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:log-group:/aws/kinesisfirehose/orders-changes`,
};

export const exampleSnapshot: SnapshotJobPolicyInput = {
  scope: EXAMPLE_SCOPE,
  tables: [`arn:aws:dynamodb:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:table/orders`],
  mode: "export",
  lake: "s3://lake-bucket/",
  exportsPrefixes: ["exports/orders/"],
  warehousePrefixes: ["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/"],
  assetsPrefix: "_assets/",
  database: "lake",
  catalogTables: ["orders_current", "orders_tombstones"],
};

export const exampleCompaction: CompactionJobPolicyInput = {
  scope: EXAMPLE_SCOPE,
  lake: "s3://lake-bucket/",
  readPrefixes: ["changes/orders/", "overflow/orders/"],
  movePrefixes: ["changes/orders/"],
  writePrefixes: ["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/", "quarantine/orders/", "_lake/orders/"],
  assetsPrefix: "_assets/",
  database: "lake",
  catalogTables: ["orders_current", "orders_tombstones"],
  startJobNames: ["orders-load-snapshot"],
};

export const exampleReconcile: ReconcileJobPolicyInput = {
  scope: EXAMPLE_SCOPE,
  tables: [`arn:aws:dynamodb:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:table/orders`],
  lake: "s3://lake-bucket/",
  warehousePrefixes: ["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/"],
  assetsPrefix: "_assets/",
  database: "lake",
  catalogTables: ["orders_current", "orders_tombstones"],
};

export const exampleAthena: AthenaReaderPolicyInput = {
  scope: EXAMPLE_SCOPE,
  workgroup: "dynamodb-lake",
  lake: "s3://lake-bucket/",
  readPrefixes: ["warehouse/", "changes/orders/", "overflow/orders/"],
  resultsPrefix: "athena-results/",
  database: "lake",
  catalogTables: ["orders_current", "orders_changes", "orders_live", "orders_tombstones"],
};

/** The table's own account in the cross-account examples; the lake is EXAMPLE_ACCOUNT. */
export const TABLE_ACCOUNT = "444455556666";
const lakeRole = (name: string): string => `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/${name}`;
export const CROSS_ACCOUNT = {
  table: `arn:aws:dynamodb:${EXAMPLE_REGION}:${TABLE_ACCOUNT}:table/orders`,
  streamArn: `arn:aws:dynamodb:${EXAMPLE_REGION}:${TABLE_ACCOUNT}:table/orders/stream/2024-05-01T00:00:00.000`,
  exporterRoleArn: `arn:aws:iam::${TABLE_ACCOUNT}:role/orders-exporter`,
  tableKeyArn: `arn:aws:kms:${EXAMPLE_REGION}:${TABLE_ACCOUNT}:key/0000bbbb-0000-0000-0000-000000000000`,
  captureRoleArn: lakeRole("orders-capture"),
  snapshotRoleArn: lakeRole("orders-load-snapshot"),
  reconcileRoleArn: lakeRole("orders-reconcile"),
  lake: "s3://lake-bucket/",
  exportsPrefix: "exports/orders/",
} as const;

/** Every document a cross-account table adds, in both accounts: resource policies, the exporter role, the lake's grants to it. */
export function exampleCrossAccountPolicies(): Record<string, PolicyDocument> {
  const x = CROSS_ACCOUNT;
  return {
    crossAccountStream: streamResourcePolicy({ streamArn: x.streamArn, readerRoleArns: [x.captureRoleArn] }),
    crossAccountTable: tableResourcePolicy({ table: x.table, scanRoleArns: [x.snapshotRoleArn, x.reconcileRoleArn] }),
    crossAccountExporter: exporterRolePolicy({ table: x.table, lake: x.lake, exportsPrefix: x.exportsPrefix }),
    crossAccountExporterKms: exporterRolePolicy({ table: x.table, lake: x.lake, exportsPrefix: x.exportsPrefix, kmsKeyArns: [EXAMPLE_KEY] }),
    crossAccountBucket: { Version: "2012-10-17", Statement: exporterBucketStatements(x.lake, [{ roleArn: x.exporterRoleArn, exportsPrefix: x.exportsPrefix }]) },
    crossAccountSnapshot: snapshotJobPolicy({ ...exampleSnapshot, tables: [x.table], exporterRoleArns: [x.exporterRoleArn] }),
  };
}

/** Key-policy statements (Resource "*" means the key the policy is attached to), kept apart from ARN-scoped documents. */
export function exampleKeyPolicies(): Record<string, PolicyDocument> {
  const x = CROSS_ACCOUNT;
  return {
    crossAccountTableKey: {
      Version: "2012-10-17",
      Statement: sourceKeyPolicyStatements({ table: x.table, readerRoleArns: [x.captureRoleArn, x.snapshotRoleArn, x.reconcileRoleArn] }),
    },
    crossAccountLakeKey: { Version: "2012-10-17", Statement: lakeKeyPolicyStatements({ keyArn: EXAMPLE_KEY, exporterRoleArns: [x.exporterRoleArn] }) },
  };
}

const CN = { partition: "aws-cn", region: "cn-north-1", account: "210987654321" };

/** Every role with and without keys, wildcard patterns, glue mode, maintenance, and the aws-cn partition. */
export function examplePolicies(): Record<string, PolicyDocument> {
  const keys = { kmsKeyArns: [EXAMPLE_KEY] };
  return {
    capture: captureFunctionPolicy(exampleCapture),
    captureKms: captureFunctionPolicy({ ...exampleCapture, ...keys }),
    captureWildcards: captureFunctionPolicy({
      ...exampleCapture,
      tables: ["arn:aws:dynamodb:*:*:table/prod*", `arn:aws:dynamodb:*:${EXAMPLE_ACCOUNT}:table/audit`],
      kmsKeyArns: ["arn:aws:kms:*:*:key/*"],
    }),
    firehose: firehoseDeliveryPolicy(exampleFirehose),
    firehoseKms: firehoseDeliveryPolicy({ ...exampleFirehose, ...keys }),
    snapshotExport: snapshotJobPolicy(exampleSnapshot),
    snapshotExportKms: snapshotJobPolicy({ ...exampleSnapshot, ...keys }),
    snapshotGlue: snapshotJobPolicy({ ...exampleSnapshot, mode: "glue", exportsPrefixes: [] }),
    compaction: compactionJobPolicy(exampleCompaction),
    compactionKms: compactionJobPolicy({ ...exampleCompaction, ...keys }),
    maintenance: compactionJobPolicy({
      ...exampleCompaction,
      readPrefixes: [],
      movePrefixes: [],
      writePrefixes: ["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/", "_lake/orders/"],
      startJobNames: [],
    }),
    reconcile: reconcileJobPolicy(exampleReconcile),
    reconcileKms: reconcileJobPolicy({ ...exampleReconcile, ...keys }),
    athena: athenaReaderPolicy(exampleAthena),
    athenaKms: athenaReaderPolicy({ ...exampleAthena, ...keys }),
    captureChina: captureFunctionPolicy({
      tables: [`arn:aws-cn:dynamodb:${CN.region}:${CN.account}:table/orders`],
      deliveryStreamArns: [`arn:aws-cn:firehose:${CN.region}:${CN.account}:deliverystream/orders-changes`],
      overflow: "s3://lake-bucket/overflow/orders/",
      deadLetterQueueArn: `arn:aws-cn:sqs:${CN.region}:${CN.account}:orders-capture-dlq`,
      logGroupArn: `arn:aws-cn:logs:${CN.region}:${CN.account}:log-group:/aws/lambda/orders-capture`,
      kmsKeyArns: [`arn:aws-cn:kms:${CN.region}:${CN.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
    }),
    compactionChina: compactionJobPolicy({ ...exampleCompaction, scope: CN }),
    ...exampleCrossAccountPolicies(),
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify({ ...examplePolicies(), ...exampleKeyPolicies() }, null, 2)}\n`);
}
