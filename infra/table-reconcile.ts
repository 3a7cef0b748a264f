/**
 * One table's reconcile job, run on demand (`lake reconcile --job <name>`):
 * reconcile.py scans the source table and compares it with `<table>_current`,
 * printing "N items, M differences" to the run's log and failing the run when
 * M > 0. Its role reads the lake and scans the table; it writes nothing.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueRuntimeArguments, reconcileArguments, warehouseUriOf } from "./glue-job-arguments";
import { glueJobWithRole } from "./glue-job-with-role";
import { GLUE_ASSETS_PREFIX } from "./glue-scripts-asset";
import { reconcileJobPolicy } from "./iam";
import { lakeScope } from "./lake-scope";
import type { LakeJobArgs, LakeTableArgs } from "./lake-table-args";
import { currentTableName, warehouseTablePrefix } from "./layout";
import { tombstonesTableName } from "./views/table-spec";

export const DEFAULT_RECONCILE_TIMEOUT_MINUTES = 120;

export interface TableReconcileArgs extends LakeTableArgs, LakeJobArgs {
  /** Share of the table's read capacity the scan may use, above 0 and at most 1 (`--read_percent`). Default 0.25. */
  readonly readPercent?: pulumi.Input<number>;
  /** Timeout in minutes. Default 120. */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /** The table's ARN when it is in another account than the lake (its resource policy admits this job's role). Default: the table in the lake's account. */
  readonly tableArn?: pulumi.Input<string>;
}

export class TableReconcile extends pulumi.ComponentResource {
  public readonly job: aws.glue.Job;
  public readonly role: aws.iam.Role;
  /** Physical name of the Glue job (for `lake reconcile --job`). */
  public readonly jobName: pulumi.Output<string>;

  constructor(name: string, args: TableReconcileArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args hold resources (the scripts): not recorded as component inputs, which would make this component wait for them.
    super("dynamodb-lake:index:TableReconcile", name, {}, opts);
    const scope = lakeScope({ parent: this });
    const table = pulumi.output(args.tableName);
    // The scan reads the table by ARN: the one given (another account), or the table in the lake's own account and region.
    const tableArn = pulumi
      .all([scope, table, args.tableArn])
      .apply(([s, t, arn]) => arn ?? `arn:${s.partition}:dynamodb:${s.region}:${s.account}:table/${t}`);

    const policy = pulumi
      .all([scope, table, args.bucket, args.database, pulumi.output(args.kmsKeyArns ?? []), tableArn])
      .apply(([s, t, bucket, database, kms, arn]) => {
        const catalogTables = [currentTableName(t), tombstonesTableName(t)];
        return reconcileJobPolicy({
          scope: s,
          tables: [arn],
          lake: `s3://${bucket}/`,
          warehousePrefixes: catalogTables.map((c) => warehouseTablePrefix(database, c)),
          assetsPrefix: GLUE_ASSETS_PREFIX,
          database,
          catalogTables,
          ...(kms.length > 0 ? { kmsKeyArns: kms } : {}),
        });
      });

    // Two groups: pulumi.all keeps element types for up to eight inputs.
    const where = pulumi.all([table, tableArn, args.keys, args.bucket, args.database, scope]);
    const how = pulumi.all([args.declaredColumns ?? {}, args.scripts.extraPyFilesUri, args.readPercent]);
    const defaultArguments = pulumi
      .all([where, how])
      .apply(([[t, arn, keys, bucket, database, s], [declared, extraPyFiles, readPercent]]) => ({
        ...glueRuntimeArguments(warehouseUriOf(bucket), extraPyFiles),
        ...reconcileArguments({ tableName: t, database, bucket, keys, declaredColumns: declared, region: s.region, readPercent, tableArn: arn }),
      }));

    const { role, job } = glueJobWithRole(this, name, {
      account: scope.apply((s) => s.account),
      roleDescription: "dynamodb-lake reconcile job",
      description: pulumi.interpolate`dynamodb-lake: compare ${table.apply(currentTableName)} with a scan of ${table} (on demand)`,
      policy,
      script: args.scripts.scriptUri("reconcile"),
      workerType: args.workerType,
      numberOfWorkers: args.numberOfWorkers,
      timeout: args.timeoutMinutes ?? DEFAULT_RECONCILE_TIMEOUT_MINUTES,
      defaultArguments,
      tags: args.tags,
    });
    this.role = role;
    this.job = job;
    this.jobName = job.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}
