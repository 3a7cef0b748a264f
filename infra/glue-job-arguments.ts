/**
 * The `--key value` contract of glue-scripts/: Glue's own settings every lake job
 * shares, and one pure function per job script building the complete argument
 * map a deployed job gets. The components, the local pipeline (with local
 * overrides: folder catalog, warehouse, lake root) and the scripts' tests all
 * build their arguments here.
 */
import { changesPrefix, exportsPrefix, LAKE_PREFIXES, ledgerPrefix, quarantinePrefix } from "./layout";
import { formatKeySchema, resolveSpec, type KeyAttribute } from "./views/table-spec";

/** Glue 5.0: Spark 3.5.4, Python 3.11, Iceberg 1.7.1. */
export const GLUE_VERSION = "5.0";
export const DEFAULT_WORKER_TYPE = "G.1X";
export const DEFAULT_NUMBER_OF_WORKERS = 2;
/** The Spark catalog name the scripts use for the lake's Iceberg tables. */
export const SPARK_CATALOG = "lake";

/** "export": a PITR export, then load; "glue": a read-capacity-capped parallel Scan inside the job. */
export type SnapshotMode = "export" | "glue";
export const DEFAULT_SNAPSHOT_MODE: SnapshotMode = "export";
/** Share of the table's read capacity a "glue" snapshot scan may use. */
export const DEFAULT_READ_PERCENT = 0.25;
/** Hash buckets of `_key` the current table is created with (Iceberg bucket partitioning). */
export const DEFAULT_BUCKETS = 16;
/** A quarter of the table's read capacity: a check must not starve the application. */
export const DEFAULT_RECONCILE_READ_PERCENT = 0.25;
/** Iceberg snapshots and orphan files older than this are removed by maintenance. */
export const DEFAULT_SNAPSHOT_RETENTION_HOURS = 72;
/** Tombstones older than this are pruned; must exceed the longest time a delta file can land late. */
export const DEFAULT_TOMBSTONE_RETENTION_HOURS = 168;

/** A job's arguments, `--key` → value. */
export type JobArguments = Readonly<Record<string, string>>;

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
export function glueRuntimeArguments(warehouseUri: string, extraPyFilesUri: string): JobArguments {
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

/** `s3://<bucket>/`, the root every lake prefix is under. */
export const bucketUri = (bucket: string): string => `s3://${bucket}/`;
/** `s3://<bucket>/warehouse/`, the Iceberg warehouse of the lake. */
export const warehouseUriOf = (bucket: string): string => `${bucketUri(bucket)}${LAKE_PREFIXES.warehouse}`;

/** What every table job is told. The optional fields default to the deployed job's values. */
export interface TableJobInputs {
  readonly tableName: string;
  /** Glue database of the lake. */
  readonly database: string;
  /** Lake bucket name (no s3://). */
  readonly bucket: string;
  /** Key attributes of the source table, in key order. */
  readonly keys: readonly KeyAttribute[];
  /** Extra typed columns, name → Athena type. */
  readonly declaredColumns: Readonly<Record<string, string>>;
  /** Region of the table and the lake, for the scripts' AWS calls. */
  readonly region: string;
  /** "glue" (GlueCatalog, deployed) or "hadoop" (a folder catalog, local runs). Default "glue". */
  readonly catalogImpl?: "glue" | "hadoop";
  /** Iceberg warehouse. Default `s3://<bucket>/warehouse/`. */
  readonly warehouseUri?: string;
  /** Root of the lake's prefixes (changes/, quarantine/, _lake/, exports/). Default `s3://<bucket>/`; a folder in the scripts' tests. */
  readonly lakeUri?: string;
}

function lakeRoot(i: TableJobInputs): string {
  const root = i.lakeUri ?? bucketUri(i.bucket);
  return root.endsWith("/") ? root : `${root}/`;
}

/**
 * The arguments every table job script takes (dynamodb_lake/args.py COMMON).
 * The spec is checked first (key schema, declared column names and types), so
 * bad configuration fails at preview instead of in the job.
 */
export function tableJobArguments(i: TableJobInputs): JobArguments {
  resolveSpec({ tableName: i.tableName, database: i.database, bucket: i.bucket, keys: [...i.keys], declaredColumns: { ...i.declaredColumns } });
  const declared: Record<string, string> = {};
  // Sorted, so the job definition does not change with the object's key order.
  for (const name of Object.keys(i.declaredColumns).sort()) declared[name] = i.declaredColumns[name] as string;
  return {
    "--table_name": i.tableName,
    "--database": i.database,
    "--catalog_impl": i.catalogImpl ?? "glue",
    "--warehouse": i.warehouseUri ?? warehouseUriOf(i.bucket),
    "--key_schema": formatKeySchema([...i.keys]),
    "--declared_columns": JSON.stringify(declared),
    "--region": i.region,
  };
}

/**
 * A scan's share of the table's read capacity. The scripts' scan is its own rate limiter, so the share is a
 * promise to the application: never more than the whole capacity. `setting` names it in the message.
 */
export function checkReadPercent(readPercent: number, setting = "readPercent"): string {
  if (!(readPercent > 0 && readPercent <= 1)) {
    throw new Error(`${setting} must be above 0 and at most 1 (a share of the table's read capacity, e.g. 0.25); got ${readPercent}`);
  }
  return String(readPercent);
}

export function checkBuckets(buckets: number): string {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1024) {
    throw new Error(`buckets must be a whole number from 1 to 1024 (hash buckets of _key in the current table); got ${buckets}`);
  }
  return String(buckets);
}

export function checkHours(name: string, hours: number): string {
  if (!(hours > 0) || !Number.isFinite(hours)) throw new Error(`${name} must be a positive number of hours; got ${hours}`);
  return String(hours);
}

export interface LoadSnapshotInputs extends TableJobInputs {
  /** Default "export". */
  readonly mode?: SnapshotMode;
  /** "glue" mode: share of the table's read capacity the scan may use. Default 0.25. */
  readonly readPercent?: number;
  /** Hash buckets of `_key` the current table is created with. Default 16. */
  readonly buckets?: number;
  /** The table's ARN: "export" mode exports it into `exports/<table>/`; "glue" mode scans it (by ARN, so a table in another account is reached). */
  readonly tableArn?: string;
  /** "export" mode, table in another account: the exporter role there, which the job assumes to start and poll the export. */
  readonly exporterRoleArn?: string;
  /** With exporterRoleArn: the lake's account, which owns the bucket the export is written to (the export's S3BucketOwner). */
  readonly exportBucketOwner?: string;
  /** "export" mode: load this existing export (`exports/<table>/` or one export directory) instead of starting one. */
  readonly exportUri?: string;
  /** Marks the run as a repair in the run history (`lake resnapshot`); the load is the same. Default false. */
  readonly repair?: boolean;
}

/** load_snapshot.py: fill `<table>_current` from a PITR export (started by the job, or given) or from a capped scan. */
export function loadSnapshotArguments(i: LoadSnapshotInputs): JobArguments {
  const mode = i.mode ?? DEFAULT_SNAPSHOT_MODE;
  const crossAccount = i.exporterRoleArn !== undefined || i.exportBucketOwner !== undefined;
  if (crossAccount && (i.exporterRoleArn === undefined || i.exportBucketOwner === undefined)) {
    throw new Error(`table ${i.tableName}: an export from another account needs both exporterRoleArn (the role there) and exportBucketOwner (the lake's account)`);
  }
  if (crossAccount && (mode !== "export" || i.exportUri !== undefined)) {
    throw new Error(`table ${i.tableName}: exporterRoleArn and exportBucketOwner are for an export the job starts (mode "export" without exportUri)`);
  }
  const source = (): JobArguments => {
    if (mode === "glue") {
      return {
        "--mode": "scan",
        "--read_percent": checkReadPercent(i.readPercent ?? DEFAULT_READ_PERCENT),
        ...(i.tableArn === undefined ? {} : { "--table_arn": i.tableArn }),
      };
    }
    if (i.exportUri !== undefined) return { "--mode": "export", "--export_uri": i.exportUri };
    if (i.tableArn === undefined) throw new Error(`table ${i.tableName}: snapshot mode "export" starts an export and needs the table's ARN (or give exportUri)`);
    return {
      "--mode": "export",
      "--start_export": "true",
      "--export_uri": `${lakeRoot(i)}${exportsPrefix(i.tableName)}`,
      "--table_arn": i.tableArn,
      "--export_bucket": i.bucket,
      "--export_prefix": exportsPrefix(i.tableName),
      ...(i.exporterRoleArn === undefined || i.exportBucketOwner === undefined
        ? {}
        : { "--exporter_role_arn": i.exporterRoleArn, "--export_bucket_owner": i.exportBucketOwner }),
    };
  };
  return {
    ...tableJobArguments(i),
    "--buckets": checkBuckets(i.buckets ?? DEFAULT_BUCKETS),
    ...source(),
    "--repair": String(i.repair ?? false),
  };
}

export interface CompactInputs extends TableJobInputs {
  /** The table's snapshot job, started while `<table>_current` does not exist yet. Default: none (local runs load the snapshot themselves). */
  readonly snapshotJobName?: string;
  /** Put CloudWatch metrics of each run. Default true. */
  readonly metrics?: boolean;
}

/** compact.py: merge new delta files into `<table>_current`, with its ledger under `_lake/<table>/`. */
export function compactArguments(i: CompactInputs): JobArguments {
  const root = lakeRoot(i);
  return {
    ...tableJobArguments(i),
    "--changes_uri": `${root}${changesPrefix(i.tableName)}`,
    "--quarantine_uri": `${root}${quarantinePrefix(i.tableName)}`,
    "--state_uri": `${root}${ledgerPrefix(i.tableName)}`,
    "--metrics": String(i.metrics ?? true),
    ...(i.snapshotJobName === undefined ? {} : { "--start_snapshot_job": i.snapshotJobName }),
  };
}

export interface MaintenanceInputs extends TableJobInputs {
  /** Age in hours after which Iceberg snapshots, orphan files and unused ledger objects are removed. Default 72. */
  readonly snapshotRetentionHours?: number;
  /** Age in hours after which tombstones are pruned. Default 168. */
  readonly tombstoneRetentionHours?: number;
}

/** maintenance.py: expire snapshots, rewrite small files, remove orphans, prune tombstones and the ledger. */
export function maintenanceArguments(i: MaintenanceInputs): JobArguments {
  return {
    ...tableJobArguments(i),
    "--state_uri": `${lakeRoot(i)}${ledgerPrefix(i.tableName)}`,
    "--older_than_hours": checkHours("snapshotRetentionHours", i.snapshotRetentionHours ?? DEFAULT_SNAPSHOT_RETENTION_HOURS),
    "--tombstone_retention_hours": checkHours("tombstoneRetentionHours", i.tombstoneRetentionHours ?? DEFAULT_TOMBSTONE_RETENTION_HOURS),
  };
}

export interface ReconcileInputs extends TableJobInputs {
  /** Share of the table's read capacity the scan may use. Default 0.25. */
  readonly readPercent?: number;
  /** Compare with this export instead of scanning the table. */
  readonly exportUri?: string;
  /** The table's ARN, which the scan reads it by (a table in another account). Default: the table named tableName in the job's account. */
  readonly tableArn?: string;
}

/** reconcile.py: compare `<table>_current` with a scan of the table (or an export); fails the run on differences. */
export function reconcileArguments(i: ReconcileInputs): JobArguments {
  return {
    ...tableJobArguments(i),
    ...(i.exportUri === undefined
      ? {
          "--scan": "true",
          "--read_percent": checkReadPercent(i.readPercent ?? DEFAULT_RECONCILE_READ_PERCENT, "reconcile readPercent"),
          ...(i.tableArn === undefined ? {} : { "--table_arn": i.tableArn }),
        }
      : { "--export_uri": i.exportUri }),
  };
}

/** The map as a command line: `["--key", "value", …]`, for running a script locally. */
export function jobArgv(args: JobArguments): string[] {
  return Object.entries(args).flatMap(([key, value]) => [key, value]);
}
