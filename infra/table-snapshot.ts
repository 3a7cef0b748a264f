/**
 * One table's snapshot job: load_snapshot.py on Glue 5.0 fills `<table>_current`
 * from a point-in-time export (mode "export", the job starts the export itself)
 * or from a read-capacity-capped scan (mode "glue"). The job only runs when
 * started (by the first compaction run, or `lake snapshot`), and its definition
 * is created after the capture path so deltas are kept from before the
 * snapshot's point in time.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueRuntimeArguments, tableJobArguments } from "./glue-job-arguments";
import { glueJobWithRole } from "./glue-job-with-role";
import { GLUE_ASSETS_PREFIX, type GlueScripts } from "./glue-scripts-asset";
import { snapshotJobPolicy } from "./iam";
import { lakeScope } from "./lake-scope";
import { currentTableName, exportsPrefix, LAKE_PREFIXES, warehouseTablePrefix } from "./layout";
import { describeSourceTable, type SourceTableInput } from "./source-table";
import { tombstonesTableName, type KeyAttribute } from "./views/table-spec";

export type SnapshotMode = "export" | "glue";
export const DEFAULT_SNAPSHOT_MODE: SnapshotMode = "export";
/** Share of the table's read capacity a "glue" scan may use (0.1–1.5, as Glue's DynamoDB read percent). */
export const DEFAULT_READ_PERCENT = 0.25;
export const DEFAULT_SNAPSHOT_TIMEOUT_MINUTES = 2880;
/** Hash buckets of `_key` the current table is created with (Iceberg bucket partitioning). */
export const DEFAULT_BUCKETS = 16;

export interface TableSnapshotArgs {
  /** The source table: a table resource of the same stack, or the name or ARN of an existing table (looked up at preview). */
  readonly table: SourceTableInput;
  /** Name of the lake bucket. */
  readonly bucket: pulumi.Input<string>;
  /** Glue database of the lake. */
  readonly database: pulumi.Input<string>;
  /** The uploaded job scripts. */
  readonly scripts: GlueScripts;
  /** "export" (default): PITR export to `exports/<table>/`, then load; needs point-in-time recovery on the table. "glue": a parallel Scan inside the Glue job, capped at `readPercent` of the read capacity, keeping numbers exact (DynamoDB JSON end to end). */
  readonly mode?: SnapshotMode;
  /** "glue" mode: share of the table's read capacity the scan may use, 0.1–1.5. Default 0.25. */
  readonly readPercent?: pulumi.Input<number>;
  /** Hash buckets of `_key` the current table is created with; more for very large tables. Read when the table is created. Default 16. */
  readonly buckets?: pulumi.Input<number>;
  /** Athena type of number key columns, by key attribute (default `decimal(38,0)`), e.g. `{ sk: "string" }`. */
  readonly keyColumnTypes?: Record<string, string>;
  /** Extra typed columns extracted from each item, name → Athena type, e.g. `{ price: "decimal(38,2)" }`. Default none. */
  readonly declaredColumns?: pulumi.Input<Record<string, string>>;
  /** Glue worker type. Default "G.1X". */
  readonly workerType?: pulumi.Input<string>;
  /** Number of Glue workers. Default 2. */
  readonly numberOfWorkers?: pulumi.Input<number>;
  /** Job timeout in minutes. Default 2880 (48 h). */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /** Resources the job must come after: the capture path's event source mapping, so capture is live before any snapshot. */
  readonly captureReady?: pulumi.Resource[];
  /** KMS keys the job may use (the lake bucket's key, an encrypted table's key). Default none. */
  readonly kmsKeyArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Tags for the job and its role. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Export mode needs point-in-time recovery; the message names both ways to turn it on, and the alternative mode. */
export function checkSnapshotSource(table: string, mode: SnapshotMode, pointInTimeRecovery: boolean): void {
  if (mode !== "export" && mode !== "glue") {
    throw new Error(`table ${table}: snapshot mode must be "export" or "glue", got ${JSON.stringify(mode)}`);
  }
  if (mode === "export" && !pointInTimeRecovery) {
    throw new Error(
      `table ${table}: snapshot mode "export" needs point-in-time recovery (PITR), which is off. ` +
        `Turn it on in the table definition (Pulumi: pointInTimeRecovery: { enabled: true }; Terraform: point_in_time_recovery { enabled = true }) ` +
        `or run: aws dynamodb update-continuous-backups --table-name ${table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true ; ` +
        `or choose snapshot mode "glue".`,
    );
  }
}

export function checkReadPercent(readPercent: number): string {
  if (!(readPercent >= 0.1 && readPercent <= 1.5)) {
    throw new Error(`readPercent must be between 0.1 and 1.5 (share of the table's read capacity); got ${readPercent}`);
  }
  return String(readPercent);
}

export function checkBuckets(buckets: number): string {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1024) {
    throw new Error(`buckets must be a whole number from 1 to 1024 (hash buckets of _key in the current table); got ${buckets}`);
  }
  return String(buckets);
}

/** Arguments that select how load_snapshot.py reads the table. */
export function snapshotModeArguments(mode: SnapshotMode, readPercent: number): Record<string, string> {
  return mode === "export"
    ? { "--mode": "export", "--start_export": "true" }
    : { "--mode": "scan", "--read_percent": checkReadPercent(readPercent) };
}

export class TableSnapshot extends pulumi.ComponentResource {
  public readonly job: aws.glue.Job;
  public readonly role: aws.iam.Role;
  /** Physical name of the Glue job (for `lake snapshot --job`). */
  public readonly jobName: pulumi.Output<string>;
  /** Source table name, once the mode check passed. */
  public readonly tableName: pulumi.Output<string>;
  /** Key attributes of the source table, in key order. */
  public readonly keys: pulumi.Output<KeyAttribute[]>;
  /** `<table>_current`, the Iceberg table this job creates. */
  public readonly currentTableName: pulumi.Output<string>;

  constructor(name: string, args: TableSnapshotArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args hold resources (the table, the scripts, the capture path): not recorded as component inputs,
    // which would make this component wait for them.
    super("dynamodb-lake:index:TableSnapshot", name, {}, opts);
    const mode = args.mode ?? DEFAULT_SNAPSHOT_MODE;
    const source = describeSourceTable(args.table, args.keyColumnTypes, { parent: this });

    // Every table-derived value flows through this check, so a failing check stops the preview.
    this.tableName = pulumi.all([source.name, source.pointInTimeRecovery]).apply(([table, pitr]) => {
      checkSnapshotSource(table, mode, pitr);
      return table;
    });
    this.keys = source.keys;
    this.currentTableName = this.tableName.apply(currentTableName);

    const scope = lakeScope({ parent: this });
    const warehouseUri = pulumi.interpolate`s3://${args.bucket}/${LAKE_PREFIXES.warehouse}`;
    const policy = pulumi
      .all([scope, this.tableName, source.arn, args.bucket, args.database, args.kmsKeyArns ?? []])
      .apply(([s, table, tableArn, bucket, database, kmsKeyArns]) =>
        snapshotJobPolicy({
          scope: s,
          tables: [tableArn],
          mode,
          lake: `s3://${bucket}/`,
          exportsPrefixes: [exportsPrefix(table)],
          warehousePrefixes: [currentTableName(table), tombstonesTableName(table)].map((c) => warehouseTablePrefix(database, c)),
          assetsPrefix: GLUE_ASSETS_PREFIX,
          database,
          catalogTables: [currentTableName(table), tombstonesTableName(table)],
          ...(kmsKeyArns.length > 0 ? { kmsKeyArns } : {}),
        }),
      );

    // Two groups: pulumi.all keeps element types for up to eight inputs.
    const where = pulumi.all([this.tableName, source.arn, this.keys, args.bucket, args.database, warehouseUri, scope]);
    const how = pulumi.all([args.declaredColumns ?? {}, args.readPercent ?? DEFAULT_READ_PERCENT, args.buckets ?? DEFAULT_BUCKETS, args.scripts.extraPyFilesUri]);
    const defaultArguments = pulumi
      .all([where, how])
      .apply(([[table, tableArn, keys, bucket, database, warehouse, s], [declared, readPercent, buckets, extraPyFiles]]) => ({
        ...glueRuntimeArguments(warehouse, extraPyFiles),
        ...tableJobArguments({ tableName: table, database, bucket, warehouseUri: warehouse, keys, declaredColumns: declared, region: s.region }),
        "--buckets": checkBuckets(buckets),
        ...snapshotModeArguments(mode, readPercent),
        ...(mode === "export"
          ? { "--export_uri": `s3://${bucket}/${exportsPrefix(table)}`, "--table_arn": tableArn, "--export_bucket": bucket, "--export_prefix": exportsPrefix(table) }
          : {}),
        // Every run replaces the table; `lake resnapshot` sets true so repairs stand out in the run history.
        "--repair": "false",
      }));

    const { role, job } = glueJobWithRole(this, name, {
      account: scope.apply((s) => s.account),
      roleDescription: "dynamodb-lake snapshot job",
      description: pulumi.interpolate`dynamodb-lake: snapshot of ${this.tableName} into ${this.currentTableName} (${mode} mode)`,
      policy,
      script: args.scripts.scriptUri("load_snapshot"),
      workerType: args.workerType,
      numberOfWorkers: args.numberOfWorkers,
      timeout: args.timeoutMinutes ?? DEFAULT_SNAPSHOT_TIMEOUT_MINUTES,
      defaultArguments,
      tags: args.tags,
      dependsOn: args.captureReady ?? [],
    });
    this.role = role;
    this.job = job;
    this.jobName = this.job.name;
    this.registerOutputs({ jobName: this.jobName, tableName: this.tableName, currentTableName: this.currentTableName });
  }
}
