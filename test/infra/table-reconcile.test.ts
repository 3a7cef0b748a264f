import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { glueTrustPolicy } from "../../infra/iam";
import { TableReconcile, type TableReconcileArgs } from "../../infra/table-reconcile";
import { glueJobTail } from "../iam/expected-statements";
import { assertGlueJob, assertTunedJob, deployedTableJob, expectedRuntimeArguments, type MakeTableJob, ORDERS_TABLE, ORDERS_TABLE_ARGUMENTS, TUNED_JOB, TUNED_KMS_KEY } from "./glue-job-expectations";
import { ACCOUNT, parseJson, REGION, tableArn, valueOf } from "./pulumi-mocks";

const TRIGGER = "aws:glue/trigger:Trigger";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LAKE = "arn:aws:s3:::lake-bucket";
const GLUE = `arn:aws:glue:us-west-2:${ACCOUNT}`;

function reconcile(args: Partial<TableReconcileArgs> = {}): MakeTableJob<TableReconcile> {
  return (name, scripts) => new TableReconcile(name, { ...ORDERS_TABLE, scripts, ...args });
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
      ...glueJobTail(REGION, ACCOUNT),
      ...(kmsKeyArn === undefined
        ? []
        : [{ Sid: "UseDecryptionKeys", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kmsKeyArn], Condition: { StringEquals: { "kms:ViaService": ["s3.us-west-2.amazonaws.com"] } } }]),
    ],
  };
}

void describe("TableReconcile", () => {
  void it("defines reconcile.py scanning a quarter of the read capacity, on demand, with a read-only role", async () => {
    const { cloud, component, hash } = await deployedTableJob("orders-reconcile", reconcile());
    const description = "dynamodb-lake: compare orders_current with a scan of Orders (on demand)";
    assertGlueJob(cloud, hash, { component: "orders-reconcile", script: "reconcile.py", timeout: 120, description }, {
      ...expectedRuntimeArguments(hash),
      ...ORDERS_TABLE_ARGUMENTS,
      "--scan": "true",
      "--read_percent": "0.25",
      "--table_arn": tableArn("Orders"),
    });
    assert.deepEqual(cloud.ofType(TRIGGER), [], "no schedule: it runs when someone asks");
    assert.deepEqual(parseJson(cloud.one(ROLE, "orders-reconcile-role").inputs.assumeRolePolicy), glueTrustPolicy(ACCOUNT));
    assert.equal(cloud.one(ROLE, "orders-reconcile-role").inputs.description, "dynamodb-lake reconcile job");
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "orders-reconcile-policy").inputs.policy), expectedPolicy());
    assert.equal(cloud.one(ROLE_POLICY, "orders-reconcile-policy").inputs.role, "orders-reconcile-role-id");
    assert.equal(await valueOf(component.jobName), "orders-reconcile-job-0a1b2c3");
  });

  void it("takes the read share, workers, timeout, declared columns, key and tags", async () => {
    const { cloud } = await deployedTableJob("tuned", reconcile({ ...TUNED_JOB, readPercent: 0.5 }));
    assert.equal(assertTunedJob(cloud, "tuned-job")["--read_percent"], "0.5");
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "tuned-policy").inputs.policy), expectedPolicy(TUNED_KMS_KEY));
  });
});
