/**
 * Least privilege, proven with a policy engine: each role is allowed the
 * requests its part makes, and denied the ones it must not make.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EXAMPLE_KEY, examplePolicies } from "../../infra/iam/examples";
import { mismatches, type Request } from "./simulate";

const A = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const R = "us-west-2";
const TABLE = `arn:aws:dynamodb:${R}:${A}:table/orders`;
const STREAM_LABEL = "2024-05-01T00:00:00.000";
const LAKE = "arn:aws:s3:::lake-bucket";
const GLUE = `arn:aws:glue:${R}:${A}`;
const OTHER_KEY = `arn:aws:kms:${R}:${A}:key/0000aaaa-0000-0000-0000-000000000000`;
const via = (service: string, region = R): Record<string, string> => ({ "kms:ViaService": `${service}.${region}.amazonaws.com` });
const prefix = (p: string): Record<string, string> => ({ "s3:prefix": p });

const policies = examplePolicies();

async function check(policyName: string, allowed: Request[], denied: Request[]): Promise<void> {
  const policy = policies[policyName];
  assert.ok(policy, policyName);
  assert.deepEqual(await mismatches(policy, allowed, "Allowed"), [], `${policyName}: needed requests that were denied`);
  assert.deepEqual(await mismatches(policy, denied, "Denied"), [], `${policyName}: forbidden requests that were allowed`);
}

const glueJobNeeds: Request[] = [
  { action: "s3:GetObject", resource: `${LAKE}/_assets/glue-scripts/compact.py` },
  { action: "logs:CreateLogGroup", resource: `arn:aws:logs:${R}:${A}:log-group:/aws-glue/jobs/output` },
  { action: "logs:CreateLogStream", resource: `arn:aws:logs:${R}:${A}:log-group:/aws-glue/jobs/logs-v2:log-stream:jr_0123abcd` },
  { action: "logs:PutLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/aws-glue/jobs/error:log-stream:jr_0123abcd` },
  { action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": "Glue" } },
  { action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": "DynamoDbLake" } },
  { action: "glue:GetDatabase", resource: `${GLUE}:database/lake` },
  { action: "glue:GetDatabase", resource: `${GLUE}:catalog` },
  { action: "glue:GetTable", resource: `${GLUE}:table/lake/orders_current` },
  { action: "glue:CreateTable", resource: `${GLUE}:table/lake/orders_current` },
  { action: "glue:UpdateTable", resource: `${GLUE}:table/lake/orders_current` },
  { action: "glue:UpdateTable", resource: `${GLUE}:table/lake/orders_tombstones` },
  { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_tombstones/data/00000-1.parquet` },
  { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/lake.db/orders_tombstones/metadata/") },
];

/** Other tables' Iceberg files: each job role touches only its own table's folders. */
const otherTablesFiles: Request[] = [
  { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/customers_current/data/x.parquet` },
  { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/customers_tombstones/data/x.parquet` },
  { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/customers_current/metadata/v1.metadata.json` },
  { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_current_old/data/x.parquet` },
  { action: "s3:PutObject", resource: `${LAKE}/warehouse/otherdb.db/orders_current/data/x.parquet` },
  { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/") },
  { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/lake.db/") },
];

const glueJobMustNot: Request[] = [
  { action: "s3:PutObject", resource: `${LAKE}/_assets/glue-scripts/compact.py` },
  { action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": "AWS/Lambda" } },
  { action: "cloudwatch:PutMetricData", resource: "*" },
  { action: "logs:PutLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/orders-capture:log-stream:x` },
  { action: "logs:PutLogEvents", resource: `arn:aws:logs:eu-west-1:${A}:log-group:/aws-glue/jobs/output:log-stream:x` },
  { action: "glue:DeleteTable", resource: `${GLUE}:table/lake/orders_current` },
  { action: "glue:UpdateTable", resource: `${GLUE}:table/lake/customers_current` },
  { action: "glue:UpdateTable", resource: `${GLUE}:table/lake/orders_live` },
  { action: "glue:CreateTable", resource: `${GLUE}:table/otherdb/orders_current` },
  { action: "glue:GetDatabase", resource: `${GLUE}:database/otherdb` },
  { action: "glue:GetTable", resource: `arn:aws:glue:${R}:${OTHER_ACCOUNT}:table/lake/orders_current` },
  { action: "glue:DeleteDatabase", resource: `${GLUE}:database/lake` },
  { action: "s3:GetObject", resource: "arn:aws:s3:::other-bucket/warehouse/x.parquet" },
  { action: "s3:ListBucket", resource: LAKE, context: prefix("") },
  { action: "s3:ListBucket", resource: LAKE },
  { action: "s3:DeleteBucket", resource: LAKE },
  { action: "s3:PutBucketPolicy", resource: LAKE },
  { action: "dynamodb:DeleteTable", resource: TABLE },
  { action: "iam:PassRole", resource: `arn:aws:iam::${A}:role/lake-role` },
  ...otherTablesFiles,
];

void describe("capture function", () => {
  void it("reads its table's stream, puts to its Firehose stream, overflows and dead-letters, and nothing else", () =>
    check(
      "captureKms",
      [
        { action: "dynamodb:DescribeStream", resource: `${TABLE}/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetShardIterator", resource: `${TABLE}/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `${TABLE}/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `${TABLE}/stream/2025-01-01T00:00:00.000` },
        { action: "dynamodb:ListStreams", resource: "*" },
        { action: "firehose:PutRecordBatch", resource: `arn:aws:firehose:${R}:${A}:deliverystream/orders-changes` },
        { action: "s3:PutObject", resource: `${LAKE}/overflow/orders/0000000000000000000000000000000000000042-ev1.json` },
        { action: "sqs:SendMessage", resource: `arn:aws:sqs:${R}:${A}:orders-capture-dlq` },
        { action: "logs:CreateLogStream", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/orders-capture:log-stream:2024/05/01/[$LATEST]abc` },
        { action: "logs:PutLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/orders-capture:log-stream:2024/05/01/[$LATEST]abc` },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("dynamodb") },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("s3") },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("sqs") },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("sqs") },
      ],
      [
        // another table's stream, the same table in another account or region
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${A}:table/customers/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${A}:table/orders-archive/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${OTHER_ACCOUNT}:table/orders/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetShardIterator", resource: `arn:aws:dynamodb:eu-west-1:${A}:table/orders/stream/${STREAM_LABEL}` },
        // the table itself
        { action: "dynamodb:GetItem", resource: TABLE },
        { action: "dynamodb:Scan", resource: TABLE },
        { action: "dynamodb:PutItem", resource: TABLE },
        { action: "dynamodb:DeleteTable", resource: TABLE },
        { action: "dynamodb:UpdateTable", resource: TABLE },
        // other streams and queues
        { action: "firehose:PutRecordBatch", resource: `arn:aws:firehose:${R}:${A}:deliverystream/customers-changes` },
        { action: "firehose:PutRecord", resource: `arn:aws:firehose:${R}:${A}:deliverystream/orders-changes` },
        { action: "firehose:DeleteDeliveryStream", resource: `arn:aws:firehose:${R}:${A}:deliverystream/orders-changes` },
        { action: "sqs:SendMessage", resource: `arn:aws:sqs:${R}:${A}:other-queue` },
        { action: "sqs:ReceiveMessage", resource: `arn:aws:sqs:${R}:${A}:orders-capture-dlq` },
        { action: "sqs:PurgeQueue", resource: `arn:aws:sqs:${R}:${A}:orders-capture-dlq` },
        // another prefix of the same bucket, another bucket, a read where it only writes
        { action: "s3:PutObject", resource: `${LAKE}/overflow/customers/1-ev.json` },
        { action: "s3:PutObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=00/x` },
        { action: "s3:PutObject", resource: `${LAKE}/overflow/orders-archive/1-ev.json` },
        { action: "s3:PutObject", resource: "arn:aws:s3:::other-bucket/overflow/orders/1-ev.json" },
        { action: "s3:GetObject", resource: `${LAKE}/overflow/orders/1-ev.json` },
        { action: "s3:DeleteObject", resource: `${LAKE}/overflow/orders/1-ev.json` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("overflow/orders/") },
        // logs of other functions; keys through other services, without a service, or other keys
        { action: "logs:PutLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/other:log-stream:x` },
        { action: "logs:CreateLogGroup", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/orders-capture` },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("ec2") },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("s3", "eu-west-1") },
        { action: "kms:Decrypt", resource: OTHER_KEY, context: via("s3") },
        { action: "kms:Encrypt", resource: EXAMPLE_KEY, context: via("s3") },
        { action: "kms:ScheduleKeyDeletion", resource: EXAMPLE_KEY },
      ],
    ));

  void it("with wildcard patterns reads exactly the streams the patterns match", () =>
    check(
      "captureWildcards",
      [
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:eu-west-1:${OTHER_ACCOUNT}:table/prod-orders/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${A}:table/prod/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:ap-south-1:${A}:table/audit/stream/${STREAM_LABEL}` },
        { action: "kms:Decrypt", resource: `arn:aws:kms:eu-west-1:${OTHER_ACCOUNT}:key/k-1`, context: via("dynamodb", "eu-west-1") },
      ],
      [
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${A}:table/staging-orders/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${A}:table/Prod-orders/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${OTHER_ACCOUNT}:table/audit/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:${R}:${A}:table/audit-2/stream/${STREAM_LABEL}` },
        { action: "dynamodb:GetItem", resource: `arn:aws:dynamodb:${R}:${A}:table/prod-orders` },
        { action: "kms:Decrypt", resource: `arn:aws:kms:eu-west-1:${OTHER_ACCOUNT}:key/k-1`, context: via("ec2", "eu-west-1") },
      ],
    ));

  void it("in aws-cn names China endpoints for kms:ViaService", () =>
    check(
      "captureChina",
      [
        { action: "dynamodb:GetRecords", resource: `arn:aws-cn:dynamodb:cn-north-1:210987654321:table/orders/stream/${STREAM_LABEL}` },
        {
          action: "kms:Decrypt",
          resource: "arn:aws-cn:kms:cn-north-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          context: { "kms:ViaService": "dynamodb.cn-north-1.amazonaws.com.cn" },
        },
      ],
      [
        { action: "dynamodb:GetRecords", resource: `arn:aws:dynamodb:cn-north-1:210987654321:table/orders/stream/${STREAM_LABEL}` },
        {
          action: "kms:Decrypt",
          resource: "arn:aws-cn:kms:cn-north-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          context: { "kms:ViaService": "dynamodb.cn-north-1.amazonaws.com" },
        },
      ],
    ));
});

void describe("Firehose delivery", () => {
  void it("writes and lists only its own prefixes", () =>
    check(
      "firehoseKms",
      [
        { action: "s3:PutObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/orders-changes-1-2024-05-01-07-00-00-abc.gz` },
        { action: "s3:AbortMultipartUpload", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:PutObject", resource: `${LAKE}/errors/orders/processing-failed/dt=2024-05-01/x` },
        { action: "s3:GetBucketLocation", resource: LAKE },
        { action: "s3:ListBucketMultipartUploads", resource: LAKE },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/orders/") },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("errors/orders/processing-failed/") },
        { action: "logs:PutLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/kinesisfirehose/orders-changes:log-stream:DestinationDelivery` },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("s3") },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("s3") },
      ],
      [
        { action: "s3:PutObject", resource: `${LAKE}/changes/customers/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:PutObject", resource: `${LAKE}/changes/orders-archive/x.gz` },
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "s3:PutObject", resource: `${LAKE}/changes/x.gz` },
        { action: "s3:PutObject", resource: "arn:aws:s3:::other-bucket/changes/orders/x.gz" },
        { action: "s3:DeleteObject", resource: `${LAKE}/changes/orders/x.gz` },
        { action: "s3:PutObjectAcl", resource: `${LAKE}/changes/orders/x.gz` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/") },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/") },
        { action: "s3:ListBucket", resource: LAKE },
        { action: "s3:GetBucketLocation", resource: "arn:aws:s3:::other-bucket" },
        { action: "s3:PutBucketPolicy", resource: LAKE },
        { action: "logs:PutLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/orders-capture:log-stream:x` },
        { action: "logs:CreateLogStream", resource: `arn:aws:logs:${R}:${A}:log-group:/aws/kinesisfirehose/orders-changes:log-stream:x` },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("sqs") },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY },
      ],
    ));
});

void describe("snapshot job", () => {
  void it("in export mode exports its table, loads the files and commits its catalog tables", () =>
    check(
      "snapshotExportKms",
      [
        { action: "dynamodb:ExportTableToPointInTime", resource: TABLE },
        { action: "dynamodb:DescribeExport", resource: `${TABLE}/export/01714521600000-a1b2c3d4` },
        { action: "s3:PutObject", resource: `${LAKE}/exports/orders/AWSDynamoDB/01714521600000-a1b2c3d4/data/x.json.gz` },
        {
          action: "s3:PutObjectAcl",
          resource: `${LAKE}/exports/orders/AWSDynamoDB/01714521600000-a1b2c3d4/manifest-summary.json`,
          context: { "s3:x-amz-acl": "bucket-owner-full-control" },
        },
        { action: "s3:AbortMultipartUpload", resource: `${LAKE}/exports/orders/AWSDynamoDB/01714521600000-a1b2c3d4/data/x.json.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/exports/orders/AWSDynamoDB/01714521600000-a1b2c3d4/manifest-files.json` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("exports/orders/AWSDynamoDB/") },
        { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/orders_current/metadata/v1.metadata.json` },
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/00000-1.parquet` },
        { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/00000-1.parquet` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/lake.db/orders_current/") },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("s3") },
        ...glueJobNeeds,
      ],
      [
        { action: "dynamodb:ExportTableToPointInTime", resource: `arn:aws:dynamodb:${R}:${A}:table/customers` },
        { action: "dynamodb:ExportTableToPointInTime", resource: `arn:aws:dynamodb:${R}:${OTHER_ACCOUNT}:table/orders` },
        { action: "dynamodb:DescribeExport", resource: `arn:aws:dynamodb:${R}:${A}:table/customers/export/01714521600000-a1b2c3d4` },
        { action: "dynamodb:Scan", resource: TABLE },
        { action: "dynamodb:RestoreTableToPointInTime", resource: TABLE },
        { action: "dynamodb:UpdateContinuousBackups", resource: TABLE },
        { action: "s3:PutObject", resource: `${LAKE}/exports/customers/x` },
        { action: "s3:DeleteObject", resource: `${LAKE}/exports/orders/AWSDynamoDB/x/manifest-summary.json` },
        { action: "s3:PutObjectAcl", resource: `${LAKE}/exports/orders/AWSDynamoDB/x/manifest-summary.json`, context: { "s3:x-amz-acl": "public-read" } },
        { action: "s3:PutObjectAcl", resource: `${LAKE}/exports/orders/AWSDynamoDB/x/manifest-summary.json` },
        { action: "s3:PutObjectAcl", resource: `${LAKE}/warehouse/x`, context: { "s3:x-amz-acl": "bucket-owner-full-control" } },
        { action: "s3:PutObject", resource: `${LAKE}/changes/orders/x` },
        { action: "s3:GetObject", resource: `${LAKE}/changes/orders/x` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/orders/") },
        { action: "glue:StartJobRun", resource: `${GLUE}:job/orders-compact` },
        ...glueJobMustNot,
      ],
    ));

  void it("in glue mode scans its table and touches no export files", () =>
    check(
      "snapshotGlue",
      [
        { action: "dynamodb:DescribeTable", resource: TABLE },
        { action: "dynamodb:Scan", resource: TABLE },
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/00000-1.parquet` },
        ...glueJobNeeds,
      ],
      [
        { action: "dynamodb:Scan", resource: `arn:aws:dynamodb:${R}:${A}:table/customers` },
        { action: "dynamodb:Scan", resource: `${TABLE}/index/by-date` },
        { action: "dynamodb:ExportTableToPointInTime", resource: TABLE },
        { action: "s3:PutObject", resource: `${LAKE}/exports/orders/x` },
        { action: "s3:GetObject", resource: `${LAKE}/exports/orders/x` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("exports/orders/") },
        ...glueJobMustNot,
      ],
    ));
});

void describe("compaction job", () => {
  void it("reads deltas and overflow, writes warehouse, quarantine and ledger, starts the snapshot job", () =>
    check(
      "compactionKms",
      [
        { action: "s3:GetObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/overflow/orders/0000000000000000000000000000000000000042-ev1.json` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/orders/") },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/orders/dt=2024-05-01/") },
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_current/metadata/snap-1.avro` },
        { action: "s3:PutObject", resource: `${LAKE}/quarantine/orders/dt=2024-05-01/hour=07/x.gz` },
        // the second half of moving a corrupt delta file to quarantine
        { action: "s3:DeleteObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/_lake/orders/state.json` },
        { action: "s3:PutObject", resource: `${LAKE}/_lake/orders/state.json` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("_lake/orders/") },
        { action: "glue:GetJobRuns", resource: `${GLUE}:job/orders-load-snapshot` },
        { action: "glue:StartJobRun", resource: `${GLUE}:job/orders-load-snapshot` },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("s3") },
        ...glueJobNeeds,
      ],
      [
        // a write where it only reads (and, under changes/<table>/, deletes)
        { action: "s3:PutObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:PutObject", resource: `${LAKE}/overflow/orders/x.json` },
        // a delete outside its own table's changes
        { action: "s3:DeleteObject", resource: `${LAKE}/changes/customers/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:DeleteObject", resource: `${LAKE}/overflow/orders/0000000000000000000000000000000000000042-ev1.json` },
        { action: "s3:DeleteObject", resource: `${LAKE}/exports/orders/AWSDynamoDB/01/manifest-summary.json` },
        { action: "s3:DeleteObject", resource: "arn:aws:s3:::other-bucket/changes/orders/x.gz" },
        // another table's prefixes
        { action: "s3:GetObject", resource: `${LAKE}/changes/customers/x.gz` },
        { action: "s3:PutObject", resource: `${LAKE}/quarantine/customers/x.gz` },
        { action: "s3:PutObject", resource: `${LAKE}/_lake/customers/state.json` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/customers/") },
        { action: "s3:GetObject", resource: `${LAKE}/exports/orders/x` },
        { action: "s3:GetObject", resource: "arn:aws:s3:::other-bucket/changes/orders/x.gz" },
        { action: "glue:StartJobRun", resource: `${GLUE}:job/customers-load-snapshot` },
        { action: "glue:GetJobRuns", resource: `${GLUE}:job/customers-load-snapshot` },
        { action: "glue:BatchStopJobRun", resource: `${GLUE}:job/orders-load-snapshot` },
        { action: "glue:DeleteJob", resource: `${GLUE}:job/orders-load-snapshot` },
        { action: "dynamodb:ExportTableToPointInTime", resource: TABLE },
        ...glueJobMustNot,
      ],
    ));

  void it("as maintenance writes only the warehouse", () =>
    check(
      "maintenance",
      [
        { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/orphan.parquet` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/lake.db/orders_current/") },
        { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_tombstones/metadata/snap-1.avro` },
        { action: "s3:DeleteObject", resource: `${LAKE}/_lake/orders/consumed/old.json` },
      ],
      [
        ...otherTablesFiles,
        { action: "s3:PutObject", resource: `${LAKE}/quarantine/orders/x.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/changes/orders/x.gz` },
        { action: "s3:DeleteObject", resource: `${LAKE}/changes/orders/x.gz` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/orders/") },
        { action: "glue:StartJobRun", resource: `${GLUE}:job/orders-load-snapshot` },
      ],
    ));
});

void describe("reconcile job", () => {
  void it("scans its table and reads the current and tombstones tables, writing nothing", () =>
    check(
      "reconcileKms",
      [
        { action: "dynamodb:DescribeTable", resource: TABLE },
        { action: "dynamodb:Scan", resource: TABLE },
        { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/orders_current/metadata/v3.metadata.json` },
        { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/00000-1.parquet` },
        { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/orders_tombstones/data/00000-1.parquet` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("warehouse/lake.db/orders_current/metadata/") },
        { action: "s3:GetObject", resource: `${LAKE}/_assets/glue-scripts/reconcile.py` },
        { action: "glue:GetDatabase", resource: `${GLUE}:database/lake` },
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/orders_current` },
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/orders_tombstones` },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("s3") },
        ...glueJobNeeds.filter((r) => r.action.startsWith("logs:") || r.action === "cloudwatch:PutMetricData"),
      ],
      [
        // no writes to the warehouse or the catalog
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/00000-1.parquet` },
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_tombstones/metadata/v4.metadata.json` },
        { action: "s3:AbortMultipartUpload", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "glue:UpdateTable", resource: `${GLUE}:table/lake/orders_current` },
        { action: "glue:CreateTable", resource: `${GLUE}:table/lake/orders_current` },
        { action: "glue:DeleteTable", resource: `${GLUE}:table/lake/orders_current` },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("s3") },
        // other tables, other lake data, table writes
        { action: "dynamodb:Scan", resource: `arn:aws:dynamodb:${R}:${A}:table/customers` },
        { action: "dynamodb:DescribeTable", resource: `arn:aws:dynamodb:${R}:${A}:table/customers` },
        { action: "dynamodb:PutItem", resource: TABLE },
        { action: "dynamodb:GetItem", resource: TABLE },
        { action: "dynamodb:ExportTableToPointInTime", resource: TABLE },
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/customers_current` },
        { action: "s3:GetObject", resource: `${LAKE}/changes/orders/x.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/exports/orders/x` },
        { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/customers_current/data/x.parquet` },
        ...otherTablesFiles,
        ...glueJobMustNot,
      ],
    ));
});

void describe("Athena reader", () => {
  void it("queries in its workgroup, reads the lake and writes only results", () =>
    check(
      "athenaKms",
      [
        { action: "athena:StartQueryExecution", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        { action: "athena:GetQueryExecution", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        { action: "athena:GetQueryResults", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        { action: "athena:StopQueryExecution", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        { action: "athena:GetWorkGroup", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        { action: "glue:GetDatabase", resource: `${GLUE}:database/lake` },
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/orders_live` },
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/orders_current` },
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/orders_changes` },
        { action: "s3:GetObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "s3:GetObject", resource: `${LAKE}/changes/orders/dt=2024-05-01/hour=07/x.gz` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("changes/orders/dt=2024-05-01/hour=07/") },
        { action: "s3:GetBucketLocation", resource: LAKE },
        { action: "s3:PutObject", resource: `${LAKE}/athena-results/0a1b2c3d.csv` },
        { action: "s3:GetObject", resource: `${LAKE}/athena-results/0a1b2c3d.csv` },
        { action: "s3:AbortMultipartUpload", resource: `${LAKE}/athena-results/0a1b2c3d.csv` },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("athena-results/") },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("s3") },
        { action: "kms:GenerateDataKey", resource: EXAMPLE_KEY, context: via("s3") },
      ],
      [
        { action: "athena:StartQueryExecution", resource: `arn:aws:athena:${R}:${A}:workgroup/primary` },
        { action: "athena:UpdateWorkGroup", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        { action: "athena:DeleteWorkGroup", resource: `arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake` },
        // a write where it only reads
        { action: "s3:PutObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "s3:DeleteObject", resource: `${LAKE}/warehouse/lake.db/orders_current/data/x.parquet` },
        { action: "s3:PutObject", resource: `${LAKE}/changes/orders/x.gz` },
        { action: "s3:DeleteObject", resource: `${LAKE}/athena-results/0a1b2c3d.csv` },
        { action: "glue:UpdateTable", resource: `${GLUE}:table/lake/orders_current` },
        { action: "glue:CreateTable", resource: `${GLUE}:table/lake/orders_live` },
        { action: "glue:DeleteTable", resource: `${GLUE}:table/lake/orders_live` },
        // beyond the named tables and prefixes
        { action: "glue:GetTable", resource: `${GLUE}:table/lake/customers_current` },
        { action: "glue:GetTable", resource: `${GLUE}:table/otherdb/orders_current` },
        { action: "s3:GetObject", resource: `${LAKE}/exports/orders/AWSDynamoDB/x/data/y.json.gz` },
        { action: "s3:GetObject", resource: `${LAKE}/_lake/orders/state.json` },
        { action: "s3:GetObject", resource: `${LAKE}/changes/customers/x.gz` },
        { action: "s3:GetObject", resource: "arn:aws:s3:::other-bucket/warehouse/x.parquet" },
        { action: "s3:ListBucket", resource: LAKE, context: prefix("exports/") },
        { action: "s3:ListBucket", resource: LAKE },
        { action: "kms:Decrypt", resource: EXAMPLE_KEY, context: via("athena") },
        { action: "dynamodb:Scan", resource: TABLE },
      ],
    ));
});

void describe("the simulation harness", () => {
  const broad = { Version: "2012-10-17" as const, Statement: [{ Sid: "All", Effect: "Allow" as const, Action: ["s3:*"], Resource: ["*"] }] };

  void it("reports an allow, a deny, and a request the engine cannot judge", async () => {
    assert.deepEqual(await mismatches(broad, [{ action: "s3:PutObject", resource: `${LAKE}/changes/orders/x` }], "Allowed"), []);
    assert.deepEqual(await mismatches(broad, [{ action: "sqs:SendMessage", resource: `arn:aws:sqs:${R}:${A}:q` }], "Denied"), []);
    assert.deepEqual(await mismatches(broad, [{ action: "s3:PutObject", resource: `${LAKE}/x` }], "Denied"), [
      "s3:PutObject arn:aws:s3:::lake-bucket/x → Allowed",
    ]);
    await assert.rejects(
      mismatches(broad, [{ action: "s3:GetObject", resource: `${LAKE}/x`, context: prefix("x") }], "Allowed"),
      /simulator ignored context keys s3:prefix for s3:GetObject/,
    );
    await assert.rejects(mismatches(broad, [{ action: "s3:NoSuchAction", resource: `${LAKE}/x` }], "Denied"), /simulator rejected s3:NoSuchAction/);
  });
});
