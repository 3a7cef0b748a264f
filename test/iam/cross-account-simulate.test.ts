/**
 * A table in account A, the lake in account B, proven with a policy engine:
 * each lake role's requests on A's stream, table and exporter role are
 * allowed by its identity policy in B and the resource policy in A together,
 * the exporter's writes by its policy in A and the lake bucket's policy in B
 * together; the same requests from any other role, account or table are
 * denied. (The emulator does not evaluate resource policies: this is the proof.)
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  captureFunctionPolicy,
  exporterTrustPolicy,
  lakeBucketPolicy,
  reconcileJobPolicy,
  snapshotJobPolicy,
  type PolicyDocument,
} from "../../infra/iam";
import {
  CROSS_ACCOUNT as X,
  EXAMPLE_ACCOUNT as B,
  EXAMPLE_KEY as LAKE_KEY,
  exampleCapture,
  exampleCrossAccountPolicies,
  exampleKeyPolicies,
  exampleReconcile,
  exampleSnapshot,
  TABLE_ACCOUNT as A,
} from "../../infra/iam/examples";
import { decideAcross, type CrossAccountRequest, type Decision } from "./simulate";

const C = "999988887777";
const R = "us-west-2";
const LAKE = "arn:aws:s3:::lake-bucket";
const OTHER_TABLE = `arn:aws:dynamodb:${R}:${A}:table/customers`;
const OTHER_STREAM = `${OTHER_TABLE}/stream/2024-05-01T00:00:00.000`;
const TLS = { "aws:SecureTransport": "true" };

const docs = exampleCrossAccountPolicies();
const keys = exampleKeyPolicies();
const doc = (name: string): PolicyDocument => {
  const d = docs[name] ?? keys[name];
  assert.ok(d, name);
  return d;
};

/** A role whose own account grants it everything: only the other side's policy can stop it. */
const EVERYTHING: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Everything", Effect: "Allow", Action: ["dynamodb:*", "s3:*", "sts:AssumeRole", "kms:*"], Resource: ["*"] }],
};

const identities = {
  capture: captureFunctionPolicy({ ...exampleCapture, tables: [X.table], kmsKeyArns: [X.tableKeyArn] }),
  snapshotScan: snapshotJobPolicy({ ...exampleSnapshot, mode: "glue", exportsPrefixes: [], tables: [X.table] }),
  snapshotExport: doc("crossAccountSnapshot"),
  reconcile: reconcileJobPolicy({ ...exampleReconcile, tables: [X.table] }),
  exporter: doc("crossAccountExporterKms"),
};

interface Case extends CrossAccountRequest {
  identity: PolicyDocument;
  resourcePolicy?: object;
}

async function wrong(cases: readonly Case[], expected: Decision): Promise<string[]> {
  const out: string[] = [];
  for (const c of cases) {
    const got = await decideAcross(c.identity, c.resourcePolicy, c);
    if (got !== expected) out.push(`${c.principal} ${c.action} ${c.resource}${c.context ? ` ${JSON.stringify(c.context)}` : ""} → ${got}`);
  }
  return out;
}

async function check(allowed: Case[], denied: Case[]): Promise<void> {
  assert.deepEqual(await wrong(allowed, "Allowed"), [], "needed requests that were denied");
  assert.deepEqual(await wrong(denied, "Denied"), [], "forbidden requests that were allowed");
}

const role = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`;

void describe("a table in another account: lake roles reach exactly what they need", () => {
  void it("the capture role reads exactly this stream; no other role, account or stream", async () => {
    const stream = doc("crossAccountStream");
    const read = (principal: string, identity: PolicyDocument, resource: string = X.streamArn) =>
      ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"].map((action) => ({ principal, identity, resourcePolicy: stream, action, resource }));
    await check(read(X.captureRoleArn, identities.capture), [
      ...read(role(B, "orders-compaction"), EVERYTHING),
      ...read(role(C, "orders-capture"), EVERYTHING),
      ...read(X.reconcileRoleArn, identities.reconcile),
      // The policy of this stream, were it attached to another table's stream, admits nothing there.
      ...read(X.captureRoleArn, EVERYTHING, OTHER_STREAM),
      // Without the stream's policy the capture role's own grant is not enough across accounts.
      ...read(X.captureRoleArn, identities.capture).map((c) => ({ ...c, resourcePolicy: undefined })),
    ]);
  });

  void it("the scanning jobs describe and scan exactly this table; nothing else of it, and no one else", async () => {
    const table = doc("crossAccountTable");
    const scan = (principal: string, identity: PolicyDocument, resource: string = X.table) =>
      ["dynamodb:DescribeTable", "dynamodb:Scan"].map((action) => ({ principal, identity, resourcePolicy: table, action, resource }));
    await check(
      [...scan(X.snapshotRoleArn, identities.snapshotScan), ...scan(X.reconcileRoleArn, identities.reconcile)],
      [
        ...scan(X.captureRoleArn, EVERYTHING),
        ...scan(role(C, "orders-reconcile"), EVERYTHING),
        ...scan(X.reconcileRoleArn, EVERYTHING, OTHER_TABLE),
        ...["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:ExportTableToPointInTime"].map((action) => ({
          principal: X.reconcileRoleArn,
          identity: EVERYTHING,
          resourcePolicy: table,
          action,
          resource: X.table,
        })),
      ],
    );
  });

  void it("only the snapshot job role assumes the exporter role", async () => {
    const trust = exporterTrustPolicy(X.snapshotRoleArn, A);
    const assume = (principal: string, identity: PolicyDocument, resource: string = X.exporterRoleArn): Case => ({
      principal,
      identity,
      resourcePolicy: trust,
      action: "sts:AssumeRole",
      resource,
    });
    await check(
      [assume(X.snapshotRoleArn, identities.snapshotExport)],
      [
        assume(X.reconcileRoleArn, EVERYTHING),
        assume(X.captureRoleArn, EVERYTHING),
        assume(role(C, "orders-load-snapshot"), EVERYTHING),
        assume(role(A, "orders-load-snapshot"), EVERYTHING),
        // The job role's own grant names the exporter only: another role of A trusting it is still out of reach.
        assume(X.snapshotRoleArn, identities.snapshotExport, role(A, "admin")),
        assume(X.snapshotRoleArn, identities.snapshotExport, X.exporterRoleArn.replace(A, C)),
      ],
    );
  });

  void it("the exporter exports exactly this table and watches its exports", async () => {
    const own = (action: string, resource: string): Case => ({ principal: X.exporterRoleArn, identity: identities.exporter, action, resource });
    await check(
      [own("dynamodb:ExportTableToPointInTime", X.table), own("dynamodb:DescribeExport", `${X.table}/export/01700000000000-abcdef12`)],
      [
        own("dynamodb:ExportTableToPointInTime", OTHER_TABLE),
        own("dynamodb:DescribeExport", `${OTHER_TABLE}/export/01700000000000-abcdef12`),
        own("dynamodb:Scan", X.table),
        own("dynamodb:GetRecords", X.streamArn),
      ],
    );
  });

  void it("the exporter writes exactly its exports prefix of the lake bucket, handing the files to the lake", async () => {
    const bucket = lakeBucketPolicy(LAKE, [{ roleArn: X.exporterRoleArn, exportsPrefix: X.exportsPrefix }]);
    const put = (principal: string, identity: PolicyDocument, action: string, key: string, context: Record<string, string> = {}): Case => ({
      principal,
      identity,
      resourcePolicy: bucket,
      action,
      resource: `${LAKE}/${key}`,
      resourceAccount: B,
      context: { ...TLS, ...context },
    });
    const owner = { "s3:x-amz-acl": "bucket-owner-full-control" };
    const file = "exports/orders/AWSDynamoDB/01700000000000-abcdef12/data/part-0.json.gz";
    const ex = identities.exporter;
    await check(
      [
        put(X.exporterRoleArn, ex, "s3:PutObject", file, owner),
        put(X.exporterRoleArn, ex, "s3:AbortMultipartUpload", file),
        put(X.exporterRoleArn, ex, "s3:PutObjectAcl", file, owner),
      ],
      [
        put(X.exporterRoleArn, ex, "s3:PutObject", "exports/customers/AWSDynamoDB/x/data/part-0.json.gz", owner),
        put(X.exporterRoleArn, ex, "s3:PutObject", "warehouse/lake.db/orders_current/data/x.parquet", owner),
        put(X.exporterRoleArn, ex, "s3:PutObject", "changes/orders/x.json", owner),
        put(X.exporterRoleArn, ex, "s3:PutObjectAcl", file, { "s3:x-amz-acl": "public-read" }),
        put(X.exporterRoleArn, ex, "s3:GetObject", file),
        put(X.exporterRoleArn, ex, "s3:DeleteObject", file),
        { ...put(X.exporterRoleArn, ex, "s3:PutObject", file, owner), context: { "aws:SecureTransport": "false", ...owner } },
        put(role(A, "orders-app"), EVERYTHING, "s3:PutObject", file, owner),
        put(role(C, "orders-exporter"), EVERYTHING, "s3:PutObject", file, owner),
      ],
    );
  });

  void it("key policies: the exporter encrypts with the lake key and the readers decrypt the table key, each only through its service", async () => {
    const lakeKey = doc("crossAccountLakeKey");
    const tableKey = doc("crossAccountTableKey");
    const use = (principal: string, identity: PolicyDocument, keyPolicy: object, action: string, key: string, via?: string): Case => ({
      principal,
      identity,
      resourcePolicy: keyPolicy,
      action,
      resource: key,
      ...(via ? { context: { "kms:ViaService": `${via}.${R}.amazonaws.com` } } : {}),
    });
    await check(
      [
        use(X.exporterRoleArn, identities.exporter, lakeKey, "kms:GenerateDataKey", LAKE_KEY, "s3"),
        use(X.exporterRoleArn, identities.exporter, lakeKey, "kms:Decrypt", LAKE_KEY, "s3"),
        use(X.captureRoleArn, identities.capture, tableKey, "kms:Decrypt", X.tableKeyArn, "dynamodb"),
      ],
      [
        use(X.exporterRoleArn, identities.exporter, lakeKey, "kms:GenerateDataKey", LAKE_KEY),
        use(X.exporterRoleArn, EVERYTHING, lakeKey, "kms:GenerateDataKey", LAKE_KEY, "dynamodb"),
        use(role(A, "orders-app"), EVERYTHING, lakeKey, "kms:GenerateDataKey", LAKE_KEY, "s3"),
        use(X.captureRoleArn, identities.capture, tableKey, "kms:Decrypt", X.tableKeyArn, "s3"),
        use(role(B, "orders-compaction"), EVERYTHING, tableKey, "kms:Decrypt", X.tableKeyArn, "dynamodb"),
        use(role(C, "orders-capture"), EVERYTHING, tableKey, "kms:Decrypt", X.tableKeyArn, "dynamodb"),
        use(X.captureRoleArn, EVERYTHING, tableKey, "kms:Encrypt", X.tableKeyArn, "dynamodb"),
      ],
    );
  });
});
