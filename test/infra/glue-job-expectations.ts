/**
 * What the table jobs' Glue definitions must hold, written out by hand (not built with the
 * code under test) for the fixtures the component tests share: the lake bucket `lake-bucket`,
 * the database `lake_db`, and the source table `Orders` keyed by pk (S) and sk (N); and the
 * factories that build a table job over them.
 */
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { GlueScripts } from "../../infra/glue-scripts-asset";
import type { LakeTableArgs } from "../../infra/lake-table-args";
import { fakeScriptsDirectory, useLakeMockCloud, type LakeMockCloud } from "./lake-mocks";
import { ACCOUNT, settled } from "./pulumi-mocks";

/** Orders as the lake-side table components take it. */
export const ORDERS_TABLE: LakeTableArgs = {
  tableName: "Orders",
  keys: [
    { name: "pk", type: "S" },
    { name: "sk", type: "N" },
  ],
  bucket: "lake-bucket",
  database: "lake_db",
};

/** Builds a table job component of the given name over the given scripts. */
export type MakeTableJob<C> = (name: string, scripts: GlueScripts) => C;

/** A table job component over stand-in scripts uploaded to lake-bucket, and those scripts' hash. */
export function tableJob<C>(name: string, make: MakeTableJob<C>): { component: C; hash: string } {
  const scripts = new GlueScripts(`${name}-scripts`, { bucket: "lake-bucket", scriptsDirectory: fakeScriptsDirectory() });
  return { component: make(name, scripts), hash: scripts.contentHash };
}

/** The same, in an empty lake cloud, once every resource of the component is registered. */
export async function deployedTableJob<C extends pulumi.Resource>(
  name: string,
  make: MakeTableJob<C>,
): Promise<{ cloud: LakeMockCloud; component: C; hash: string }> {
  const cloud = await useLakeMockCloud();
  const job = tableJob(name, make);
  await settled(job.component);
  return { cloud, ...job };
}

/** Glue's own arguments of a job whose package was uploaded under `_assets/glue/<hash>/`. */
export function expectedRuntimeArguments(hash: string): Record<string, string> {
  return {
    "--job-language": "python",
    "--datalake-formats": "iceberg",
    "--conf":
      "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions" +
      " --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog" +
      " --conf spark.sql.catalog.lake.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog" +
      " --conf spark.sql.catalog.lake.io-impl=org.apache.iceberg.aws.s3.S3FileIO" +
      " --conf spark.sql.catalog.lake.warehouse=s3://lake-bucket/warehouse/",
    "--extra-py-files": `s3://lake-bucket/_assets/glue/${hash}/dynamodb_lake.zip`,
    "--job-bookmark-option": "job-bookmark-disable",
    "--enable-continuous-cloudwatch-log": "true",
    "--enable-metrics": "true",
    "--enable-observability-metrics": "true",
  };
}

/** The table arguments every job script of Orders takes. */
export const ORDERS_TABLE_ARGUMENTS: Readonly<Record<string, string>> = {
  "--table_name": "Orders",
  "--database": "lake_db",
  "--catalog_impl": "glue",
  "--warehouse": "s3://lake-bucket/warehouse/",
  "--key_schema": "pk:S,sk:N",
  "--declared_columns": "{}",
  "--region": "us-west-2",
};

/** What sets one table job apart from the others. */
export interface JobIdentity {
  /** The job's component name: the job is `<component>-job`, its role `<component>-role`. */
  component: string;
  script: string;
  timeout: number;
  description: string;
}

/** A Glue 5.0 job on two G.1X workers, run one at a time and never retried, with role `<component>-role`. */
export function expectedGlueJob(j: JobIdentity & { hash: string; defaultArguments: Record<string, string> }): Record<string, unknown> {
  return {
    description: j.description,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${j.component}-role-0a1b2c3`,
    glueVersion: "5.0",
    command: { name: "glueetl", pythonVersion: "3", scriptLocation: `s3://lake-bucket/_assets/glue/${j.hash}/${j.script}` },
    workerType: "G.1X",
    numberOfWorkers: 2,
    timeout: j.timeout,
    maxRetries: 0,
    executionProperty: { maxConcurrentRuns: 1 },
    defaultArguments: j.defaultArguments,
  };
}

/** Asserts that the job `<component>-job` is exactly the expected Glue job with these arguments. */
export function assertGlueJob(cloud: LakeMockCloud, hash: string, job: JobIdentity, defaultArguments: Record<string, string>): void {
  assert.deepEqual(cloud.one("aws:glue/job:Job", `${job.component}-job`).inputs, expectedGlueJob({ ...job, hash, defaultArguments }));
}

/** A KMS key the tuned jobs are given. */
export const TUNED_KMS_KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** The settings every Glue job of the lake takes, each away from its default, and declared columns. */
export const TUNED_JOB = {
  workerType: "G.2X",
  numberOfWorkers: 6,
  timeoutMinutes: 30,
  declaredColumns: { total: "decimal(38,2)" },
  kmsKeyArns: [TUNED_KMS_KEY],
  tags: { team: "data" },
};

/** Asserts that the job `jobName` took TUNED_JOB's settings; returns its arguments for the job's own. */
export function assertTunedJob(cloud: LakeMockCloud, jobName: string): Record<string, string> {
  const job = cloud.one("aws:glue/job:Job", jobName).inputs as Record<string, unknown> & { defaultArguments: Record<string, string> };
  assert.deepEqual(
    [job.workerType, job.numberOfWorkers, job.timeout, job.tags, job.defaultArguments["--declared_columns"]],
    ["G.2X", 6, 30, { team: "data" }, '{"total":"decimal(38,2)"}'],
    jobName,
  );
  return job.defaultArguments;
}
