/**
 * The Glue job settings every lake job shares, and the per-table arguments of
 * the scripts (the `--key value` contract of glue-scripts/). Pure, so the
 * components and their tests build the same maps.
 */
import { formatKeySchema, resolveSpec, type KeyAttribute } from "./views/table-spec";

/** Glue 5.0: Spark 3.5.4, Python 3.11, Iceberg 1.7.1. */
export const GLUE_VERSION = "5.0";
export const DEFAULT_WORKER_TYPE = "G.1X";
export const DEFAULT_NUMBER_OF_WORKERS = 2;
/** The Spark catalog name the scripts use for the lake's Iceberg tables. */
export const SPARK_CATALOG = "lake";

/**
 * The value of Glue's single `--conf` argument: Glue takes one `--conf`, so
 * further settings are chained inside its value with ` --conf `.
 */
export function icebergSparkConf(warehouseUri: string): string {
  const c = `spark.sql.catalog.${SPARK_CATALOG}`;
  return [
    "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
    `${c}=org.apache.iceberg.spark.SparkCatalog`,
    `${c}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
    `${c}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
    `${c}.warehouse=${warehouseUri}`,
  ].join(" --conf ");
}

/** Glue's own arguments: Iceberg, the shared package, no bookmarks (the scripts keep their own ledger), logs and metrics. */
export function glueRuntimeArguments(warehouseUri: string, extraPyFilesUri: string): Record<string, string> {
  return {
    "--job-language": "python",
    "--datalake-formats": "iceberg",
    "--conf": icebergSparkConf(warehouseUri),
    "--extra-py-files": extraPyFilesUri,
    "--job-bookmark-option": "job-bookmark-disable",
    "--enable-continuous-cloudwatch-log": "true",
    "--enable-metrics": "true",
    "--enable-observability-metrics": "true",
  };
}

export interface TableJobInputs {
  tableName: string;
  database: string;
  /** Lake bucket name (no s3://). */
  bucket: string;
  warehouseUri: string;
  keys: KeyAttribute[];
  declaredColumns: Record<string, string>;
  /** Region of the table and the lake, for the scripts' AWS calls. */
  region: string;
}

/**
 * The arguments every table job script takes (see the Glue job argument contract).
 * The spec is checked first (key schema, declared column names and types), so
 * bad configuration fails at preview instead of in the job.
 */
export function tableJobArguments(i: TableJobInputs): Record<string, string> {
  resolveSpec({ tableName: i.tableName, database: i.database, bucket: i.bucket, keys: i.keys, declaredColumns: i.declaredColumns });
  const declared: Record<string, string> = {};
  // Sorted, so the job definition does not change with the object's key order.
  for (const name of Object.keys(i.declaredColumns).sort()) declared[name] = i.declaredColumns[name] as string;
  return {
    "--table_name": i.tableName,
    "--database": i.database,
    "--catalog_impl": "glue",
    "--warehouse": i.warehouseUri,
    "--key_schema": formatKeySchema(i.keys),
    "--declared_columns": JSON.stringify(declared),
    "--region": i.region,
  };
}
