import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GlueScripts } from "../../infra/glue-scripts-asset";
import { glueTrustPolicy } from "../../infra/iam";
import { checkReadPercent } from "../../infra/glue-job-arguments";
import { TableReconcile, type TableReconcileArgs } from "../../infra/table-reconcile";
import { expectedGlueJob, expectedRuntimeArguments, ORDERS_TABLE_ARGUMENTS } from "./glue-job-expectations";
import { fakeScriptsDirectory, useLakeMockCloud } from "./lake-mocks";
import { ACCOUNT, parseJson, settled, tableArn, valueOf } from "./pulumi-mocks";

const JOB = "aws:glue/job:Job";
const TRIGGER = "aws:glue/trigger:Trigger";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LAKE = "arn:aws:s3:::lake-bucket";
const GLUE = `arn:aws:glue:us-west-2:${ACCOUNT}`;
const GLUE_LOGS = `arn:aws:logs:us-west-2:${ACCOUNT}:log-group:/aws-glue/jobs/*`;

function reconcile(name: string, args: Partial<TableReconcileArgs> = {}): { component: TableReconcile; scripts: GlueScripts } {
  const scripts = new GlueScripts(`${name}-scripts`, { bucket: "lake-bucket", scriptsDirectory: fakeScriptsDirectory() });
  const component = new TableReconcile(name, {
    tableName: "Orders",
    keys: [
      { name: "pk", type: "S" },
      { name: "sk", type: "N" },
    ],
    bucket: "lake-bucket",
    database: "lake_db",
    scripts,
    ...args,
  });
  return { component, scripts };
}

/** Written out by hand: scan Orders, read its two Iceberg tables and their catalog entries, write nothing. */
function expectedPolicy(kmsKeyArn?: string): unknown {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ScanTables", Effect: "Allow", Action: ["dynamodb:DescribeTable", "dynamodb:Scan"], Resource: [`arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/Orders`] },
      {
        Sid: "ReadWarehouse",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`${LAKE}/warehouse/lake_db.db/orders_current/*`, `${LAKE}/warehouse/lake_db.db/orders_tombstones/*`],
      },
      {
        Sid: "ListLakePrefixes",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [LAKE],
        Condition: { StringLike: { "s3:prefix": ["warehouse/lake_db.db/orders_current/*", "warehouse/lake_db.db/orders_tombstones/*"] } },
      },
      { Sid: "ReadJobAssets", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${LAKE}/_assets/glue/*`] },
      { Sid: "ReadCatalogDatabase", Effect: "Allow", Action: ["glue:GetDatabase"], Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake_db`] },
      {
        Sid: "ReadCatalogTables",
        Effect: "Allow",
        Action: ["glue:GetTable"],
        Resource: [`${GLUE}:catalog`, `${GLUE}:database/lake_db`, `${GLUE}:table/lake_db/orders_current`, `${GLUE}:table/lake_db/orders_tombstones`],
      },
      { Sid: "CreateJobLogGroups", Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: [GLUE_LOGS] },
      { Sid: "WriteJobLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${GLUE_LOGS}:log-stream:*`] },
      {
        Sid: "PutJobMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: ["*"],
        Condition: { StringEquals: { "cloudwatch:namespace": ["Glue", "DynamoDbLake"] } },
      },
      ...(kmsKeyArn === undefined
        ? []
        : [{ Sid: "UseDecryptionKeys", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kmsKeyArn], Condition: { StringEquals: { "kms:ViaService": ["s3.us-west-2.amazonaws.com"] } } }]),
    ],
  };
}

void describe("TableReconcile", () => {
  void it("defines reconcile.py scanning a quarter of the read capacity, on demand, with a read-only role", async () => {
    const cloud = await useLakeMockCloud();
    const { component, scripts } = reconcile("orders-reconcile");
    await settled(component);
    const hash = scripts.contentHash;

    assert.deepEqual(
      cloud.one(JOB, "orders-reconcile-job").inputs,
      expectedGlueJob({
        description: "dynamodb-lake: compare orders_current with a scan of Orders (on demand)",
        component: "orders-reconcile",
        hash,
        script: "reconcile.py",
        timeout: 120,
        defaultArguments: { ...expectedRuntimeArguments(hash), ...ORDERS_TABLE_ARGUMENTS, "--scan": "true", "--read_percent": "0.25", "--table_arn": tableArn("Orders") },
      }),
    );
    assert.deepEqual(cloud.ofType(TRIGGER), [], "no schedule: it runs when someone asks");
    assert.deepEqual(parseJson(cloud.one(ROLE, "orders-reconcile-role").inputs.assumeRolePolicy), glueTrustPolicy(ACCOUNT));
    assert.equal(cloud.one(ROLE, "orders-reconcile-role").inputs.description, "dynamodb-lake reconcile job");
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "orders-reconcile-policy").inputs.policy), expectedPolicy());
    assert.equal(cloud.one(ROLE_POLICY, "orders-reconcile-policy").inputs.role, "orders-reconcile-role-id");
    assert.equal(await valueOf(component.jobName), "orders-reconcile-job-0a1b2c3");
  });

  void it("takes the read share, workers, timeout, declared columns, key and tags", async () => {
    const cloud = await useLakeMockCloud();
    const kms = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { component } = reconcile("tuned", {
      readPercent: 0.5,
      workerType: "G.2X",
      numberOfWorkers: 6,
      timeoutMinutes: 30,
      declaredColumns: { total: "decimal(38,2)" },
      kmsKeyArns: [kms],
      tags: { team: "data" },
    });
    await settled(component);
    const job = cloud.one(JOB, "tuned-job").inputs as Record<string, unknown> & { defaultArguments: Record<string, string> };
    assert.deepEqual([job.workerType, job.numberOfWorkers, job.timeout, job.tags], ["G.2X", 6, 30, { team: "data" }]);
    assert.equal(job.defaultArguments["--read_percent"], "0.5");
    assert.equal(job.defaultArguments["--declared_columns"], '{"total":"decimal(38,2)"}');
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "tuned-policy").inputs.policy), expectedPolicy(kms));
  });

  void it("refuses a read share outside (0, 1], naming the fix", () => {
    assert.equal(checkReadPercent(1), "1");
    assert.equal(checkReadPercent(0.05), "0.05");
    for (const readPercent of [0, 1.5, -0.25, Number.NaN]) {
      assert.throws(
        () => checkReadPercent(readPercent, "reconcile readPercent"),
        { message: `reconcile readPercent must be above 0 and at most 1 (a share of the table's read capacity, e.g. 0.25); got ${readPercent}` },
      );
    }
  });
});
