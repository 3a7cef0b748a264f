/**
 * The documents of the cross-account layout, whole: each resource policy, the
 * exporter role's policy and trust, the lake bucket's and keys' statements,
 * and the snapshot job's switch to assuming the exporter. Bad input fails
 * with a message naming the fix.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  denyInsecureTransportPolicy,
  exporterBucketStatements,
  exporterRolePolicy,
  exporterTrustPolicy,
  lakeBucketPolicy,
  lakeKeyPolicyStatements,
  parseRoleArn,
  parseStreamArn,
  PolicyInputError,
  snapshotJobPolicy,
  sourceKeyPolicyStatements,
  streamResourcePolicy,
  tableResourcePolicy,
  type PolicyDocument,
  type ResourcePolicyDocument,
} from "../../infra/iam";
import { CROSS_ACCOUNT as X, EXAMPLE_KEY, exampleCrossAccountPolicies, exampleKeyPolicies, examplePolicies, exampleSnapshot } from "../../infra/iam/examples";

const A = "444455556666";
const B = "123456789012";
const R = "us-west-2";
const TABLE = `arn:aws:dynamodb:${R}:${A}:table/orders`;
const EXPORTS = "arn:aws:s3:::lake-bucket/exports/orders/*";
const EXPORTER = `arn:aws:iam::${A}:role/orders-exporter`;
const OWNER = { StringEquals: { "s3:x-amz-acl": ["bucket-owner-full-control"] } };

const expected: Record<string, PolicyDocument | ResourcePolicyDocument> = {
  crossAccountStream: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LakeCaptureReadsStream",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${B}:role/orders-capture`] },
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: [`${TABLE}/stream/2024-05-01T00:00:00.000`],
      },
    ],
  },
  crossAccountTable: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LakeJobsScanTable",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${B}:role/orders-load-snapshot`, `arn:aws:iam::${B}:role/orders-reconcile`] },
        Action: ["dynamodb:DescribeTable", "dynamodb:Scan"],
        Resource: [TABLE],
      },
    ],
  },
  crossAccountExporterKms: {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ExportTables", Effect: "Allow", Action: ["dynamodb:ExportTableToPointInTime"], Resource: [TABLE] },
      { Sid: "DescribeTableExports", Effect: "Allow", Action: ["dynamodb:DescribeExport"], Resource: [`${TABLE}/export/*`] },
      { Sid: "WriteTableExports", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: [EXPORTS] },
      { Sid: "SetTableExportOwnership", Effect: "Allow", Action: ["s3:PutObjectAcl"], Resource: [EXPORTS], Condition: OWNER },
      {
        Sid: "UseLakeKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [EXAMPLE_KEY],
        Condition: { StringEquals: { "kms:ViaService": [`s3.${R}.amazonaws.com`] } },
      },
    ],
  },
  crossAccountBucket: {
    Version: "2012-10-17",
    Statement: [
      { Sid: "TableExporterWrites1", Effect: "Allow", Principal: { AWS: [EXPORTER] }, Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: [EXPORTS] },
      { Sid: "TableExporterOwnership1", Effect: "Allow", Principal: { AWS: [EXPORTER] }, Action: ["s3:PutObjectAcl"], Resource: [EXPORTS], Condition: OWNER },
    ],
  },
  crossAccountTableKey: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LakeReadersDecryptTable",
        Effect: "Allow",
        Principal: { AWS: ["orders-capture", "orders-load-snapshot", "orders-reconcile"].map((n) => `arn:aws:iam::${B}:role/${n}`) },
        Action: ["kms:Decrypt"],
        Resource: ["*"],
        Condition: { StringEquals: { "kms:ViaService": [`dynamodb.${R}.amazonaws.com`] } },
      },
    ],
  },
  crossAccountLakeKey: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TableExportersEncrypt",
        Effect: "Allow",
        Principal: { AWS: [EXPORTER] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: ["*"],
        Condition: { StringEquals: { "kms:ViaService": [`s3.${R}.amazonaws.com`] } },
      },
    ],
  },
};

void describe("cross-account documents, whole", () => {
  const all = { ...exampleCrossAccountPolicies(), ...exampleKeyPolicies() };
  for (const [name, doc] of Object.entries(expected)) {
    void it(`generates the exact ${name} document`, () => assert.deepStrictEqual(all[name], doc));
  }

  void it("the exporter without a lake key is the same minus the key statement", () => {
    const plain = all.crossAccountExporter;
    assert.deepStrictEqual(plain?.Statement, expected.crossAccountExporterKms?.Statement.slice(0, 4));
  });

  void it("the exporter role trusts only the snapshot job role, tied by aws:PrincipalArn", () => {
    assert.deepStrictEqual(exporterTrustPolicy(X.snapshotRoleArn, A), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "LakeSnapshotJobAssumes",
          Effect: "Allow",
          Principal: { AWS: X.snapshotRoleArn },
          Action: ["sts:AssumeRole"],
          Condition: { ArnEquals: { "aws:PrincipalArn": X.snapshotRoleArn } },
        },
      ],
    });
  });

  void it("the cross-account snapshot job assumes the exporter instead of exporting, and reads the exports", () => {
    const same = examplePolicies().snapshotExport;
    const cross = all.crossAccountSnapshot;
    assert.ok(same && cross);
    const sids = (d: PolicyDocument): string[] => d.Statement.map((s) => s.Sid);
    assert.deepStrictEqual(sids(cross), ["AssumeTableExporters", ...sids(same).filter((s) => !["ExportTables", "DescribeTableExports", "WriteTableExports", "SetTableExportOwnership"].includes(s))]);
    assert.deepStrictEqual(cross.Statement[0], { Sid: "AssumeTableExporters", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [EXPORTER] });
    assert.deepStrictEqual(cross.Statement.slice(1), same.Statement.slice(4));
  });

  void it("the lake bucket policy keeps the TLS guard first and adds two statements per exporter", () => {
    const policy = lakeBucketPolicy("arn:aws:s3:::lake-bucket", [
      { roleArn: EXPORTER, exportsPrefix: "exports/orders/" },
      { roleArn: `arn:aws:iam::${A}:role/customers-exporter`, exportsPrefix: "exports/customers/" },
    ]) as { Statement: { Sid: string; Resource: string[] }[] };
    assert.deepStrictEqual(policy.Statement.map((s) => s.Sid), [
      "DenyInsecureTransport",
      "TableExporterWrites1",
      "TableExporterOwnership1",
      "TableExporterWrites2",
      "TableExporterOwnership2",
    ]);
    assert.deepStrictEqual(policy.Statement[3]?.Resource, ["arn:aws:s3:::lake-bucket/exports/customers/*"]);
    // Without exporters it is the TLS guard alone (whole document in attached-policies.test.ts).
    assert.deepStrictEqual(lakeBucketPolicy("arn:aws:s3:::lake-bucket"), denyInsecureTransportPolicy("arn:aws:s3:::lake-bucket"));
  });
});

void describe("cross-account input errors name the fix", () => {
  const fails = (f: () => unknown, pattern: RegExp): void => assert.throws(f, (e: unknown) => e instanceof PolicyInputError && pattern.test(e.message));

  void it("stream ARNs are exact", () => {
    fails(() => parseStreamArn(`${TABLE}/stream/*`), /wildcard.*stream_arn/);
    fails(() => parseStreamArn(TABLE), /not a table ARN followed by \/stream\/<label>/);
    fails(() => parseStreamArn(`arn:aws:dynamodb:*:${A}:table/orders/stream/2024-05-01T00:00:00.000`), /wildcard|exact/);
    assert.deepStrictEqual(parseStreamArn(X.streamArn), {
      table: { partition: "aws", region: R, account: A, table: "orders" },
      label: "2024-05-01T00:00:00.000",
      arn: X.streamArn,
    });
  });

  void it("role ARNs are exact roles", () => {
    fails(() => parseRoleArn("readerRoleArns", `arn:aws:iam::${B}:role/orders-*`), /wildcard/);
    fails(() => parseRoleArn("readerRoleArns", `arn:aws:iam::${B}:user/alice`), /does not start with role\//);
    fails(() => parseRoleArn("readerRoleArns", `arn:aws:iam::${B}:root`), /does not start with role\//);
    fails(() => parseRoleArn("readerRoleArns", `arn:aws:iam:us-west-2:${B}:role/x`), /empty region/);
    fails(() => parseRoleArn("readerRoleArns", "arn:aws:iam::12345:role/x"), /not 12 digits/);
    assert.equal(parseRoleArn("r", `arn:aws:iam::${B}:role/service/orders-capture`).account, B);
  });

  void it("resource policies are for the lake account's roles, on one exact table", () => {
    fails(() => streamResourcePolicy({ streamArn: X.streamArn, readerRoleArns: [] }), /readerRoleArns is empty/);
    fails(() => streamResourcePolicy({ streamArn: X.streamArn, readerRoleArns: [`arn:aws:iam::${A}:role/orders-capture`] }), /table's own account/);
    fails(() => tableResourcePolicy({ table: `arn:aws:dynamodb:${R}:${A}:table/orders*`, scanRoleArns: [X.reconcileRoleArn] }), /one exact table/);
    fails(() => sourceKeyPolicyStatements({ table: X.table, readerRoleArns: [`arn:aws-cn:iam::${B}:role/x`] }), /mixes partitions/);
  });

  void it("the exporter and the lake's grants to it", () => {
    fails(() => exporterTrustPolicy(`arn:aws:iam::${A}:role/orders-load-snapshot`, A), /table's own account/);
    fails(() => exporterRolePolicy({ table: X.table, lake: "s3://lake-bucket/", exportsPrefix: "exports/" + "orders" }), /does not end with "\/"/);
    fails(() => exporterRolePolicy({ table: X.table, lake: "s3://lake-bucket/exports/", exportsPrefix: X.exportsPrefix }), /give the bucket alone/);
    fails(
      () => exporterBucketStatements("s3://lake-bucket/", [
        { roleArn: EXPORTER, exportsPrefix: "exports/orders/" },
        { roleArn: `arn:aws:iam::${A}:role/other`, exportsPrefix: "exports/orders/" },
      ]),
      /two exporters share it/,
    );
    fails(() => lakeKeyPolicyStatements({ keyArn: "arn:aws:kms:us-west-2:123456789012:alias/aws/s3", exporterRoleArns: [EXPORTER] }), /alias ARN/);
    fails(() => snapshotJobPolicy({ ...exampleSnapshot, mode: "glue", exportsPrefixes: [], exporterRoleArns: [EXPORTER] }), /export mode only/);
  });
});
