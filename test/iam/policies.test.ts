import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  athenaReaderPolicy,
  captureFunctionPolicy,
  compactionJobPolicy,
  type CompactionJobPolicyInput,
  firehoseDeliveryPolicy,
  PolicyInputError,
  snapshotJobPolicy,
  type PolicyDocument,
  type Statement,
} from "../../infra/iam";
import {
  EXAMPLE_KEY,
  exampleAthena,
  exampleCapture,
  exampleCompaction,
  exampleFirehose,
  examplePolicies,
  exampleSnapshot,
} from "../../infra/iam/examples";
import { glueJobTail } from "./expected-statements";

const A = "123456789012";
const R = "us-west-2";
const LAKE = "arn:aws:s3:::lake-bucket";
const GLUE = `arn:aws:glue:${R}:${A}`;

const GLUE_JOB_TAIL = glueJobTail(R, A);

const kmsViaS3: Statement = {
  Sid: "UseEncryptionKeys",
  Effect: "Allow",
  Action: ["kms:Decrypt", "kms:GenerateDataKey"],
  Resource: [EXAMPLE_KEY],
  Condition: { StringEquals: { "kms:ViaService": [`s3.${R}.amazonaws.com`] } },
};

const catalogWrite: Statement[] = [
  { Sid: "ReadCatalogDatabase", Effect: "Allow", Action: ["glue:GetDatabase"], Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake`] },
  {
    Sid: "WriteCatalogTables",
    Effect: "Allow",
    Action: ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable"],
    Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake`, `${GLUE}:table/lake/orders_current`, `${GLUE}:table/lake/orders_tombstones`],
  },
];

/** The orders capture statements between the stream read and the key use: the same whatever tables or keys are given. */
const ORDERS_CAPTURE_BODY: Statement[] = [
  { Sid: "ListTableStreams", Effect: "Allow", Action: ["dynamodb:ListStreams"], Resource: ["*"] },
  { Sid: "PutDeltaRecords", Effect: "Allow", Action: ["firehose:PutRecordBatch"], Resource: [`arn:aws:firehose:${R}:${A}:deliverystream/orders-changes`] },
  { Sid: "WriteOverflowRecords", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${LAKE}/overflow/orders/*`] },
  { Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:${R}:${A}:orders-capture-dlq`] },
  {
    Sid: "WriteFunctionLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [`arn:aws:logs:${R}:${A}:log-group:/aws/lambda/orders-capture:log-stream:*`],
  },
];

const expected: Record<string, PolicyDocument> = {
  captureKms: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadTableStreams",
        Effect: "Allow",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: [`arn:aws:dynamodb:${R}:${A}:table/orders/stream/*`],
      },
      ...ORDERS_CAPTURE_BODY,
      {
        Sid: "UseEncryptionKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [EXAMPLE_KEY],
        Condition: { StringEquals: { "kms:ViaService": [`dynamodb.${R}.amazonaws.com`, `s3.${R}.amazonaws.com`, `sqs.${R}.amazonaws.com`] } },
      },
    ],
  },
  captureWildcards: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadTableStreams",
        Effect: "Allow",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: ["arn:aws:dynamodb:*:*:table/prod*/stream/*", `arn:aws:dynamodb:*:${A}:table/audit/stream/*`],
      },
      ...ORDERS_CAPTURE_BODY,
      {
        Sid: "UseEncryptionKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: ["arn:aws:kms:*:*:key/*"],
        Condition: { StringLike: { "kms:ViaService": ["dynamodb.*.amazonaws.com", "s3.*.amazonaws.com", "sqs.*.amazonaws.com"] } },
      },
    ],
  },
  captureChina: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadTableStreams",
        Effect: "Allow",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: ["arn:aws-cn:dynamodb:cn-north-1:210987654321:table/orders/stream/*"],
      },
      { Sid: "ListTableStreams", Effect: "Allow", Action: ["dynamodb:ListStreams"], Resource: ["*"] },
      { Sid: "PutDeltaRecords", Effect: "Allow", Action: ["firehose:PutRecordBatch"], Resource: ["arn:aws-cn:firehose:cn-north-1:210987654321:deliverystream/orders-changes"] },
      { Sid: "WriteOverflowRecords", Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws-cn:s3:::lake-bucket/overflow/orders/*"] },
      { Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws-cn:sqs:cn-north-1:210987654321:orders-capture-dlq"] },
      {
        Sid: "WriteFunctionLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: ["arn:aws-cn:logs:cn-north-1:210987654321:log-group:/aws/lambda/orders-capture:log-stream:*"],
      },
      {
        Sid: "UseEncryptionKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: ["arn:aws-cn:kms:cn-north-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        Condition: {
          StringEquals: { "kms:ViaService": ["dynamodb.cn-north-1.amazonaws.com.cn", "s3.cn-north-1.amazonaws.com.cn", "sqs.cn-north-1.amazonaws.com.cn"] },
        },
      },
    ],
  },
  firehoseKms: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteDeliveredObjects",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        Resource: [`${LAKE}/changes/orders/*`, `${LAKE}/errors/orders/*`],
      },
      { Sid: "LocateDeliveryBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: [LAKE] },
      {
        Sid: "ListDeliveryPrefixes",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [LAKE],
        Condition: { StringLike: { "s3:prefix": ["changes/orders/*", "errors/orders/*"] } },
      },
      {
        Sid: "WriteDeliveryLogs",
        Effect: "Allow",
        Action: ["logs:PutLogEvents"],
        Resource: [`arn:aws:logs:${R}:${A}:log-group:/aws/kinesisfirehose/orders-changes:log-stream:*`],
      },
      kmsViaS3,
    ],
  },
  snapshotExportKms: {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ExportTables", Effect: "Allow", Action: ["dynamodb:ExportTableToPointInTime"], Resource: [`arn:aws:dynamodb:${R}:${A}:table/orders`] },
      { Sid: "DescribeTableExports", Effect: "Allow", Action: ["dynamodb:DescribeExport"], Resource: [`arn:aws:dynamodb:${R}:${A}:table/orders/export/*`] },
      { Sid: "WriteTableExports", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: [`${LAKE}/exports/orders/*`] },
      {
        Sid: "SetTableExportOwnership",
        Effect: "Allow",
        Action: ["s3:PutObjectAcl"],
        Resource: [`${LAKE}/exports/orders/*`],
        Condition: { StringEquals: { "s3:x-amz-acl": ["bucket-owner-full-control"] } },
      },
      { Sid: "ReadTableExports", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/exports/orders/*`] },
      {
        Sid: "ReadWriteWarehouse",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: [`${LAKE}/warehouse/lake.db/orders_current/*`, `${LAKE}/warehouse/lake.db/orders_tombstones/*`],
      },
      {
        Sid: "ListLakePrefixes",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [LAKE],
        Condition: { StringLike: { "s3:prefix": ["exports/orders/*", "warehouse/lake.db/orders_current/*", "warehouse/lake.db/orders_tombstones/*"] } },
      },
      { Sid: "ReadJobAssets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/_assets/*`] },
      ...catalogWrite,
      ...GLUE_JOB_TAIL,
      kmsViaS3,
    ],
  },
  snapshotGlue: {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ScanTables", Effect: "Allow", Action: ["dynamodb:DescribeTable", "dynamodb:Scan"], Resource: [`arn:aws:dynamodb:${R}:${A}:table/orders`] },
      {
        Sid: "ReadWriteWarehouse",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: [`${LAKE}/warehouse/lake.db/orders_current/*`, `${LAKE}/warehouse/lake.db/orders_tombstones/*`],
      },
      { Sid: "ListLakePrefixes", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [LAKE], Condition: { StringLike: { "s3:prefix": ["warehouse/lake.db/orders_current/*", "warehouse/lake.db/orders_tombstones/*"] } } },
      { Sid: "ReadJobAssets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/_assets/*`] },
      ...catalogWrite,
      ...GLUE_JOB_TAIL,
    ],
  },
  compactionKms: {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadLakeObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/changes/orders/*`, `${LAKE}/overflow/orders/*`] },
      { Sid: "DeleteMovedObjects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: [`${LAKE}/changes/orders/*`] },
      {
        Sid: "ReadWriteLakeObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: [`${LAKE}/warehouse/lake.db/orders_current/*`, `${LAKE}/warehouse/lake.db/orders_tombstones/*`, `${LAKE}/quarantine/orders/*`, `${LAKE}/_lake/orders/*`],
      },
      {
        Sid: "ListLakePrefixes",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [LAKE],
        Condition: { StringLike: { "s3:prefix": ["changes/orders/*", "overflow/orders/*", "warehouse/lake.db/orders_current/*", "warehouse/lake.db/orders_tombstones/*", "quarantine/orders/*", "_lake/orders/*"] } },
      },
      { Sid: "ReadJobAssets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/_assets/*`] },
      ...catalogWrite,
      { Sid: "StartFollowOnJobs", Effect: "Allow", Action: ["glue:GetJobRuns", "glue:StartJobRun"], Resource: [`${GLUE}:job/orders-load-snapshot`] },
      ...GLUE_JOB_TAIL,
      kmsViaS3,
    ],
  },
  maintenance: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadWriteLakeObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        Resource: [`${LAKE}/warehouse/lake.db/orders_current/*`, `${LAKE}/warehouse/lake.db/orders_tombstones/*`, `${LAKE}/_lake/orders/*`],
      },
      {
        Sid: "ListLakePrefixes",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [LAKE],
        Condition: { StringLike: { "s3:prefix": ["warehouse/lake.db/orders_current/*", "warehouse/lake.db/orders_tombstones/*", "_lake/orders/*"] } },
      },
      { Sid: "ReadJobAssets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/_assets/*`] },
      ...catalogWrite,
      ...GLUE_JOB_TAIL,
    ],
  },
  reconcileKms: {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ScanTables", Effect: "Allow", Action: ["dynamodb:DescribeTable", "dynamodb:Scan"], Resource: [`arn:aws:dynamodb:${R}:${A}:table/orders`] },
      {
        Sid: "ReadWarehouse",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`${LAKE}/warehouse/lake.db/orders_current/*`, `${LAKE}/warehouse/lake.db/orders_tombstones/*`],
      },
      { Sid: "ListLakePrefixes", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [LAKE], Condition: { StringLike: { "s3:prefix": ["warehouse/lake.db/orders_current/*", "warehouse/lake.db/orders_tombstones/*"] } } },
      { Sid: "ReadJobAssets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/_assets/*`] },
      { Sid: "ReadCatalogDatabase", Effect: "Allow", Action: ["glue:GetDatabase"], Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake`] },
      {
        Sid: "ReadCatalogTables",
        Effect: "Allow",
        Action: ["glue:GetTable"],
        Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake`, `${GLUE}:table/lake/orders_current`, `${GLUE}:table/lake/orders_tombstones`],
      },
      ...GLUE_JOB_TAIL,
      { ...kmsViaS3, Sid: "UseDecryptionKeys", Action: ["kms:Decrypt"] },
    ],
  },
  athenaKms: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunQueriesInWorkgroup",
        Effect: "Allow",
        Action: ["athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
        Resource: [`arn:aws:athena:${R}:${A}:workgroup/dynamodb-lake`],
      },
      { Sid: "ReadCatalogDatabase", Effect: "Allow", Action: ["glue:GetDatabase"], Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake`] },
      {
        Sid: "ReadCatalogTables",
        Effect: "Allow",
        Action: ["glue:GetTable"],
        Resource: [
          `${GLUE}:catalog`,
          `${GLUE}:database/lake`,
          `${GLUE}:table/lake/orders_current`,
          `${GLUE}:table/lake/orders_changes`,
          `${GLUE}:table/lake/orders_live`,
          `${GLUE}:table/lake/orders_tombstones`,
        ],
      },
      {
        Sid: "ReadLakeObjects",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`${LAKE}/warehouse/*`, `${LAKE}/changes/orders/*`, `${LAKE}/overflow/orders/*`],
      },
      {
        Sid: "WriteQueryResults",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: [`${LAKE}/athena-results/*`],
      },
      { Sid: "LocateLakeBucket", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [LAKE] },
      {
        Sid: "ListLakePrefixes",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [LAKE],
        Condition: { StringLike: { "s3:prefix": ["warehouse/*", "changes/orders/*", "overflow/orders/*", "athena-results/*"] } },
      },
      kmsViaS3,
    ],
  },
};

void describe("whole role policies", () => {
  const policies = examplePolicies();
  for (const [name, doc] of Object.entries(expected)) {
    void it(`generates the exact ${name} policy`, () => assert.deepStrictEqual(policies[name], doc));
  }

  void it("adds the KMS statement only when keys are given", () => {
    for (const [plain, withKeys] of [
      ["capture", "captureKms"],
      ["firehose", "firehoseKms"],
      ["snapshotExport", "snapshotExportKms"],
      ["compaction", "compactionKms"],
      ["reconcile", "reconcileKms"],
      ["athena", "athenaKms"],
    ] as const) {
      assert.deepStrictEqual(policies[plain], { ...policies[withKeys], Statement: policies[withKeys]?.Statement.slice(0, -1) }, plain);
    }
  });

  void it("uses the deployment's partition for an s3:// location", () => {
    const doc = compactionJobPolicy({ ...exampleCompaction, scope: { partition: "aws-us-gov", region: "us-gov-west-1", account: A } });
    assert.deepStrictEqual(doc.Statement[0]?.Resource, ["arn:aws-us-gov:s3:::lake-bucket/changes/orders/*", "arn:aws-us-gov:s3:::lake-bucket/overflow/orders/*"]);
  });

  void it("takes the bucket as an ARN as well as an s3:// URI", () => {
    assert.deepStrictEqual(firehoseDeliveryPolicy({ ...exampleFirehose, bucket: "arn:aws:s3:::lake-bucket" }), policies.firehose);
    assert.deepStrictEqual(
      captureFunctionPolicy({ ...exampleCapture, overflow: "arn:aws:s3:::lake-bucket/overflow/orders/*" }),
      policies.capture,
    );
  });

  void it("refuses a move prefix the job may not read", () => {
    assert.throws(
      () => compactionJobPolicy({ ...exampleCompaction, movePrefixes: ["changes/other/"] }),
      (e: unknown) => e instanceof PolicyInputError && e.message === 'movePrefixes ["changes/other/"] must also be in readPrefixes: a move reads the object before deleting it',
    );
  });

  void it("keeps a policy without movePrefixes as it was: no delete outside the written prefixes", () => {
    const withoutMoves: CompactionJobPolicyInput = { ...exampleCompaction };
    delete withoutMoves.movePrefixes;
    const doc = compactionJobPolicy(withoutMoves);
    assert.deepStrictEqual(doc, { ...policies.compaction, Statement: policies.compaction?.Statement.filter((st) => st.Sid !== "DeleteMovedObjects") });
    assert.equal(doc.Statement.length, (policies.compaction?.Statement.length ?? 0) - 1);
  });

  void it("lists the same table, prefix or key once", () => {
    const doc = captureFunctionPolicy({ ...exampleCapture, tables: [...exampleCapture.tables, ...exampleCapture.tables], kmsKeyArns: [EXAMPLE_KEY, EXAMPLE_KEY] });
    assert.deepStrictEqual(doc, policies.captureKms);
  });
});

void describe("role inputs that cannot make a policy", () => {
  const cases: [string, () => unknown, string][] = [
    ["no tables", () => captureFunctionPolicy({ ...exampleCapture, tables: [] }), "tables is empty; expected at least one, e.g. arn:aws:dynamodb:us-west-2:123456789012:table/orders"],
    [
      "tables in two partitions",
      () => captureFunctionPolicy({ ...exampleCapture, tables: [`arn:aws:dynamodb:${R}:${A}:table/a-1`, `arn:aws-cn:dynamodb:cn-north-1:${A}:table/a-1`] }),
      "tables mixes partitions aws and aws-cn; one role lives in one partition",
    ],
    [
      "a key in another partition",
      () => captureFunctionPolicy({ ...exampleCapture, kmsKeyArns: [`arn:aws-cn:kms:cn-north-1:${A}:key/k-1`] }),
      "capture function ARNs mixes partitions aws and aws-cn; one role lives in one partition",
    ],
    [
      "overflow at the bucket root",
      () => captureFunctionPolicy({ ...exampleCapture, overflow: "s3://lake-bucket/" }),
      'overflow "s3://lake-bucket/": it names the whole bucket; expected the overflow prefix, e.g. s3://lake-bucket/overflow/orders/',
    ],
    [
      "a lake with a prefix",
      () => compactionJobPolicy({ ...exampleCompaction, lake: "s3://lake-bucket/warehouse/" }),
      'lake "s3://lake-bucket/warehouse/": it names the prefix "warehouse/"; give the bucket alone and the prefixes separately; expected s3://lake-bucket/',
    ],
    [
      "a lake ARN in another partition than the scope",
      () => compactionJobPolicy({ ...exampleCompaction, lake: "arn:aws-cn:s3:::lake-bucket" }),
      'lake "arn:aws-cn:s3:::lake-bucket": its partition aws-cn differs from the deployment\'s partition aws; expected an ARN in partition aws',
    ],
    [
      "no warehouse prefixes",
      () => snapshotJobPolicy({ ...exampleSnapshot, warehousePrefixes: [] }),
      'warehousePrefixes is empty; expected at least one, e.g. ["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/"]',
    ],
    [
      "no write prefixes",
      () => compactionJobPolicy({ ...exampleCompaction, writePrefixes: [] }),
      'writePrefixes is empty; expected at least one, e.g. ["warehouse/lake.db/orders_current/", "quarantine/orders/", "_lake/orders/"]',
    ],
    [
      "a prefix without its slash",
      () => athenaReaderPolicy({ ...exampleAthena, resultsPrefix: "athena-results" }),
      'resultsPrefix "athena-results": the prefix "athena-results" does not end with "/" (write "athena-results/"); expected a key prefix like "changes/orders/" (no leading "/", ending in "/", no wildcards)',
    ],
    [
      "an unknown snapshot mode",
      () => snapshotJobPolicy({ ...exampleSnapshot, mode: "scan" as "glue" }),
      'snapshot mode "scan": it is not a snapshot mode; expected "export" or "glue"',
    ],
    [
      "export mode without exports prefixes",
      () => snapshotJobPolicy({ ...exampleSnapshot, exportsPrefixes: [] }),
      'exportsPrefixes is empty; expected at least one, e.g. ["exports/orders/"]',
    ],
    [
      "a table name where an ARN is expected",
      () => snapshotJobPolicy({ ...exampleSnapshot, tables: ["orders"] }),
      'table ARN pattern "orders": it is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>); expected arn:<partition>:dynamodb:<region>:<account>:table/<name> (region and account exact or *, name may use * wildcards), e.g. arn:aws:dynamodb:us-west-2:123456789012:table/prod*',
    ],
    [
      "no catalog tables",
      () => athenaReaderPolicy({ ...exampleAthena, catalogTables: [] }),
      'catalogTables is empty; expected at least one, e.g. ["orders_current", "orders_tombstones"]',
    ],
    [
      "a bad workgroup",
      () => athenaReaderPolicy({ ...exampleAthena, workgroup: "lake/primary" }),
      'Athena workgroup name "lake/primary": it is not 1-128 characters of A-Z a-z 0-9 . _ -; expected a workgroup name such as dynamodb-lake',
    ],
    [
      "a bad job name",
      () => compactionJobPolicy({ ...exampleCompaction, startJobNames: ["orders:snapshot"] }),
      'Glue job name "orders:snapshot": it is not 1-255 characters of A-Z a-z 0-9 . _ -; expected a job name such as orders-load-snapshot',
    ],
    [
      "an AWS metric namespace",
      () => compactionJobPolicy({ ...exampleCompaction, metricNamespaces: ["AWS/Glue"] }),
      'metric namespace "AWS/Glue": it is not a custom CloudWatch namespace; expected 1-255 characters of A-Z a-z 0-9 . _ - / # :, not starting with AWS/',
    ],
    [
      "a scope with a partial wildcard",
      () => athenaReaderPolicy({ ...exampleAthena, scope: { partition: "aws", region: "us-*", account: A } }),
      'scope {"partition":"aws","region":"us-*","account":"123456789012"}: the region "us-*" is not a region name like us-west-2 (or * for any); expected { partition: "aws", region: "us-west-2", account: "123456789012" } (region and account exact or *)',
    ],
  ];
  for (const [name, make, message] of cases) {
    void it(`rejects ${name}`, () =>
      assert.throws(make, (e: unknown) => {
        assert.ok(e instanceof PolicyInputError, `expected PolicyInputError, got ${String(e)}`);
        assert.equal(e.message, message);
        return true;
      }));
  }
});
