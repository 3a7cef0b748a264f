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
import { DEFAULT_SNAPSHOT_MODE, glueRuntimeArguments, loadSnapshotArguments, warehouseUriOf, type SnapshotMode } from "./glue-job-arguments";
import { glueJobWithRole } from "./glue-job-with-role";
import { GLUE_ASSETS_PREFIX } from "./glue-scripts-asset";
import { snapshotJobPolicy } from "./iam";
import { lakeScope } from "./lake-scope";
import type { LakeJobArgs, LakeLocationArgs } from "./lake-table-args";
import { currentTableName, exportsPrefix, warehouseTablePrefix } from "./layout";
import { sourceTableOf, type SourceTable, type SourceTableInput } from "./source-table";
import { tombstonesTableName, type KeyAttribute } from "./views/table-spec";

export const DEFAULT_SNAPSHOT_TIMEOUT_MINUTES = 2880;

export interface TableSnapshotArgs extends LakeLocationArgs, LakeJobArgs {
  /** The source table: a table resource of the same stack, the name or ARN of an existing table (looked up at preview), or a resolved table (`resolveSourceTable`). */
  readonly table: SourceTableInput | SourceTable;
  /** "export" (default): PITR export to `exports/<table>/`, then load; needs point-in-time recovery on the table. "glue": a parallel Scan inside the Glue job, capped at `readPercent` of the read capacity, keeping numbers exact (DynamoDB JSON end to end). */
  readonly mode?: SnapshotMode;
  /** "glue" mode: share of the table's read capacity the scan may use, above 0 and at most 1. Default 0.25. */
  readonly readPercent?: pulumi.Input<number>;
  /** Hash buckets of `_key` the current table is created with; more for very large tables. Read when the table is created. Default 16. */
  readonly buckets?: pulumi.Input<number>;
  /** Athena type of number key columns, by key attribute (default `decimal(38,0)`), e.g. `{ sk: "string" }`; only with an unresolved `table`. */
  readonly keyColumnTypes?: Record<string, string>;
  /** Job timeout in minutes. Default 2880 (48 h). */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /** Resources the job must come after: the capture path's event source mapping, so capture is live before any snapshot. */
  readonly captureReady?: pulumi.Resource[];
  /** "export" mode, table in another account: the exporter role there, which this job assumes to start and poll the export. */
  readonly exporterRoleArn?: pulumi.Input<string>;
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
    const source = sourceTableOf(args.table, { parent: this }, args.keyColumnTypes === undefined ? {} : { keyColumnTypes: args.keyColumnTypes });

    // Every table-derived value flows through this check, so a failing check stops the preview.
    this.tableName = pulumi.all([source.tableName, source.pointInTimeRecovery]).apply(([table, pitr]) => {
      checkSnapshotSource(table, mode, pitr);
      return table;
    });
    this.keys = source.keys;
    this.currentTableName = this.tableName.apply(currentTableName);

    const scope = lakeScope({ parent: this });
    const policy = pulumi
      .all([scope, this.tableName, source.tableArn, args.bucket, args.database, args.kmsKeyArns ?? [], args.exporterRoleArn])
      .apply(([s, table, tableArn, bucket, database, kmsKeyArns, exporterRoleArn]) =>
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
          ...(exporterRoleArn ? { exporterRoleArns: [exporterRoleArn] } : {}),
        }),
      );

    // Two groups: pulumi.all keeps element types for up to eight inputs.
    const where = pulumi.all([this.tableName, source.tableArn, this.keys, args.bucket, args.database, scope]);
    const how = pulumi.all([args.declaredColumns ?? {}, args.readPercent, args.buckets, args.scripts.extraPyFilesUri, args.scripts.extraJarsUri, args.exporterRoleArn]);
    const defaultArguments = pulumi
      .all([where, how])
      .apply(([[table, tableArn, keys, bucket, database, s], [declared, readPercent, buckets, extraPyFiles, extraJars, exporterRoleArn]]) => ({
        ...glueRuntimeArguments(warehouseUriOf(bucket), extraPyFiles),
        // The export parser; without it the job parses in Python (and says so).
        "--extra-jars": extraJars,
        // Every run replaces the table; `lake resnapshot` overrides --repair so repairs stand out in the run history.
        ...loadSnapshotArguments({
          tableName: table,
          database,
          bucket,
          keys,
          declaredColumns: declared,
          region: s.region,
          mode,
          tableArn,
          readPercent,
          buckets,
          // A table in another account: its exporter role starts the export into the lake account's bucket.
          ...(exporterRoleArn ? { exporterRoleArn, exportBucketOwner: s.account } : {}),
        }),
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
