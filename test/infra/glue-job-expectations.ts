/**
 * What the table jobs' Glue definitions must hold, written out by hand (not built with the
 * code under test) for the fixtures the component tests share: the lake bucket `lake-bucket`,
 * the database `lake_db`, and the source table `Orders` keyed by pk (S) and sk (N).
 */
import { ACCOUNT } from "./pulumi-mocks";

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

/** A Glue 5.0 job on two G.1X workers, run one at a time and never retried, with role `<component>-role`. */
export function expectedGlueJob(j: {
  description: string;
  /** The job's component name: its role is `<component>-role`. */
  component: string;
  hash: string;
  script: string;
  timeout: number;
  defaultArguments: Record<string, string>;
}): Record<string, unknown> {
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
