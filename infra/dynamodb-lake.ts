import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlueScripts } from "./glue-scripts-asset";
import { athenaReaderPolicy, topicPublishPolicy } from "./iam";
import { LakeCatalog, type LakeCatalogArgs } from "./lake-catalog";
import { catalogName, exportsPrefix } from "./layout";
import { provideLakeBucket, type LakeBucketChoice } from "./lake-bucket-choice";
import { lakeReaderPolicyInput } from "./lake-reader-policy";
import { lakeScope } from "./lake-scope";
import type { LakeTableArgs } from "./lake-table-args";
import { autoName, NAME_RULES } from "./resource-name";
import { checkSourceAccount } from "./source-account-checks";
import { resolveSourceTable, type SourceTable, type SourceTableInput } from "./source-table";
import { parseTableIdentifier } from "./source-table-checks";
import { TableCapture, type TableCaptureArgs } from "./table-capture";
import { TableCatalog, type TableCatalogArgs } from "./table-catalog";
import { TableCompaction, type TableCompactionArgs } from "./table-compaction";
import { TableReconcile, type TableReconcileArgs } from "./table-reconcile";
import { DEFAULT_SNAPSHOT_MODE, type SnapshotMode } from "./glue-job-arguments";
import { TableSnapshot, type TableSnapshotArgs } from "./table-snapshot";
import { exporterRoleName, TableSourceAccess } from "./table-source-access";

/** Capture tunables of one table (see TableCapture for each default). */
export type LakeTableCaptureArgs = Omit<TableCaptureArgs, "table" | "bucket" | "kmsKeyArn" | "alarmTopicArn" | "tags">;
/** Snapshot tunables of one table (see TableSnapshot for each default). */
export type LakeTableSnapshotArgs = Pick<TableSnapshotArgs, "readPercent" | "buckets" | "workerType" | "numberOfWorkers" | "timeoutMinutes">;
/** Compaction and maintenance tunables of one table (see TableCompaction for each default). */
export type LakeTableCompactionArgs = Pick<
  TableCompactionArgs,
  | "schedule"
  | "workerType"
  | "numberOfWorkers"
  | "timeoutMinutes"
  | "maintenanceSchedule"
  | "maintenanceWorkerType"
  | "maintenanceNumberOfWorkers"
  | "maintenanceTimeoutMinutes"
  | "snapshotRetentionHours"
  | "tombstoneRetentionHours"
>;
/** Reconcile job tunables of one table (see TableReconcile for each default). */
export type LakeTableReconcileArgs = Pick<TableReconcileArgs, "readPercent" | "workerType" | "numberOfWorkers" | "timeoutMinutes">;
/** Catalog tunables of one table (see TableCatalog for each default). */
export type LakeTableCatalogArgs = Pick<TableCatalogArgs, "lookbackDays" | "changesStartDate">;

export interface DynamoDbLakeTableArgs {
  /**
   * The source table: its name, its ARN, or an `aws.dynamodb.Table` from the same program.
   * It needs a stream with view type NEW_AND_OLD_IMAGES (and point-in-time recovery in "export" snapshot mode).
   */
  readonly table: SourceTableInput;
  /**
   * Name used in this table's resource names, unique within the lake (letters, digits, `_`, `.`, `-`).
   * Default: the table name, when `table` is a plain name or ARN; required otherwise.
   */
  readonly id?: string;
  /** Athena type of number key columns, by key attribute name, e.g. `{ sk: "string" }`. Default: `decimal(38,0)`. */
  readonly keyColumnTypes?: Record<string, string>;
  /** Extra typed columns extracted from each item, name → Athena type, e.g. `{ price: "decimal(38,2)" }`. Default: none. */
  readonly declaredColumns?: pulumi.Input<Record<string, string>>;
  /** "export" (PITR export, needs point-in-time recovery) or "glue" (a Glue job scanning the table in parallel, capped at a share of its read capacity). Default: "export". */
  readonly snapshotMode?: SnapshotMode;
  /** Capture settings: batch size and window, retries, record age, buffering, function size, alarm thresholds. */
  readonly capture?: LakeTableCaptureArgs;
  /** Snapshot job settings. */
  readonly snapshot?: LakeTableSnapshotArgs;
  /** Compaction and maintenance job settings. */
  readonly compaction?: LakeTableCompactionArgs;
  /** Settings of the on-demand reconcile job (the lake compared with a scan of the table). */
  readonly reconcile?: LakeTableReconcileArgs;
  /** Settings of the table's `_changes` table and `_live` view. */
  readonly catalog?: LakeTableCatalogArgs;
  /**
   * An `aws.Provider` for the table's account, when it is not the lake's: the table is looked up with it,
   * and its stream's and table's resource policies and the exporter role are created with it (see
   * TableSourceAccess); everything else stays in the lake's account. Required for a table in another account.
   */
  readonly sourceProvider?: aws.Provider;
}

export interface DynamoDbLakeArgs {
  /** The tables to bring into the lake; at least one. */
  readonly tables: readonly DynamoDbLakeTableArgs[];
  /** The lake bucket: `{ existingBucketName: "…" }` or `{ create: { … } }`, exactly one. */
  readonly bucket: LakeBucketChoice;
  /**
   * KMS key ARN the lake's objects are encrypted with; every role is allowed to use it.
   * Default: `bucket.create.kmsKeyArn` when the bucket is created with one, otherwise none (SSE-S3).
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * SNS topic ARN for capture alarms and job failure notifications.
   * Default: capture alarms have no actions, and job failures go to one topic the lake creates (`alarmTopicArn`).
   */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /**
   * Glue database and Athena workgroup settings. Defaults: the database is the component name in
   * lower case with other characters as `_` (e.g. `dynamodb_lake_dev`), the workgroup is the component name,
   * 10 GiB scan limit per query, query results encrypted with the lake's KMS key when there is one (else SSE-S3).
   */
  readonly catalog?: Omit<LakeCatalogArgs, "bucket" | "tags">;
  /** Folder holding the Glue job scripts. Default: the package's own `glue-scripts/`. */
  readonly scriptsDirectory?: string;
  /** Tags for every resource that takes them. Default: none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What a stack exports per table: where to look and what to run. */
export interface LakeTableOutputs {
  readonly tableName: string;
  readonly functionName: string;
  readonly deliveryStreamName: string;
  readonly deadLetterQueueUrl: string;
  readonly snapshotJobName: string;
  readonly compactionJobName: string;
  readonly maintenanceJobName: string;
  /** On demand: `lake reconcile --job <name>` compares the current table with a scan of the source table. */
  readonly reconcileJobName: string;
  readonly currentTable: string;
  readonly changesTable: string;
  readonly liveView: string;
}

export class LakeConfigError extends Error {
  override readonly name = "LakeConfigError";
}

const TABLE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The id of each table (used in resource names): given, or the table's name. Pure; throws
 * LakeConfigError when one is missing, malformed or used twice. `where` names the setting.
 */
export function lakeTableIds(tables: readonly Pick<DynamoDbLakeTableArgs, "table" | "id">[], where = "tables"): string[] {
  if (tables.length === 0) throw new LakeConfigError(`${where}: list at least one table`);
  const ids = tables.map((t, i) => {
    if (t.id !== undefined) {
      if (!TABLE_ID.test(t.id)) {
        throw new LakeConfigError(`${where}[${i}].id ${JSON.stringify(t.id)} must be 1 to 64 letters, digits, "_", "." or "-"`);
      }
      return t.id;
    }
    if (typeof t.table === "string") return parseTableIdentifier(t.table).name;
    throw new LakeConfigError(
      `${where}[${i}]: give an id (used in resource names) when the table is an aws.dynamodb.Table or an output`,
    );
  });
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new LakeConfigError(`${where}: the id ${JSON.stringify(id)} is used twice; give each table a distinct id`);
    seen.add(id);
  }
  return ids;
}

/**
 * A lake of DynamoDB tables: the bucket (created or existing), the catalog and, per table,
 * capture (stream → Firehose → changes/), the snapshot job, the compaction and maintenance jobs,
 * and the table's `_changes` table and `_live` view.
 */
export class DynamoDbLake extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly databaseName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;
  /** `s3://<bucket>/athena-results/`. */
  public readonly athenaResultsUri: pulumi.Output<string>;
  /**
   * ARN of the managed policy `<lake>-athena-reader`: query the lake's tables in its workgroup (read only).
   * Attach it to the roles, groups or users who query the lake.
   */
  public readonly athenaReaderPolicyArn: pulumi.Output<string>;
  /** The topic job failures are published to: the given `alarmTopicArn`, or the one the lake created. */
  public readonly alarmTopicArn: pulumi.Output<string>;
  /** Per table id. */
  public readonly captures: Readonly<Record<string, TableCapture>>;
  public readonly snapshots: Readonly<Record<string, TableSnapshot>>;
  public readonly compactions: Readonly<Record<string, TableCompaction>>;
  public readonly reconciles: Readonly<Record<string, TableReconcile>>;
  public readonly catalogs: Readonly<Record<string, TableCatalog>>;
  /** Per table id of a table in another account: what its own account gets. */
  public readonly sourceAccess: Readonly<Record<string, TableSourceAccess>>;
  /** Per table id: names of what runs and what to query. */
  public readonly tables: pulumi.Output<Record<string, LakeTableOutputs>>;

  constructor(name: string, args: DynamoDbLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args hold resources (tables); not recorded as inputs, which would make the component wait for them.
    super("dynamodb-lake:index:DynamoDbLake", name, {}, opts);
    const ids = lakeTableIds(args.tables);
    const lake = lakeScope({ parent: this });
    // Resolved once (one lookup, one preview error per bad table) and handed to every part; a table in
    // another account is looked up there, and every part waits for the account check.
    const sources = args.tables.map((t, i) => {
      const provider = t.sourceProvider;
      const providerAccount = provider ? aws.getCallerIdentityOutput({}, { parent: this, provider }).accountId : undefined;
      const source = checkedSource(
        resolveSourceTable(precheckedTable(t.table, lake, providerAccount), { parent: this, ...(provider ? { provider } : {}) }, t.keyColumnTypes === undefined ? {} : { keyColumnTypes: t.keyColumnTypes }),
        lake,
        providerAccount,
      );
      const mode = t.snapshotMode ?? DEFAULT_SNAPSHOT_MODE;
      const exporterName = provider && mode === "export" ? exporterRoleName(name, ids[i]!) : undefined;
      const exporterRoleArn = exporterName ? source.tableArn.apply((arn) => `arn:${arn.split(":")[1]}:iam::${arn.split(":")[4]}:role/${exporterName}`) : undefined;
      return { provider, source, mode, exporterName, exporterRoleArn };
    });
    // A created bucket's policy lets each cross-account table's exporter write its exports prefix.
    const tableExporters = pulumi.all(
      sources.flatMap((s) => (s.exporterRoleArn ? [pulumi.all([s.exporterRoleArn, s.source.tableName]).apply(([roleArn, table]) => ({ roleArn, exportsPrefix: exportsPrefix(table) }))] : [])),
    );
    const bucketChoice = sources.some((s) => s.exporterRoleArn) && args.bucket.create ? { create: { ...args.bucket.create, tableExporters } } : args.bucket;
    const bucket = provideLakeBucket(`${name}-bucket`, bucketChoice, this, args.tags);
    const kmsKeyArn = args.kmsKeyArn ?? bucket.kmsKeyArn;
    const kmsKeyArns = pulumi.output(kmsKeyArn).apply((key) => (key ? [key] : []));
    const tags = args.tags;
    const lakeBucket = { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn };

    const scripts = new GlueScripts(
      `${name}-scripts`,
      { bucket: bucket.bucketName, ...(args.scriptsDirectory === undefined ? {} : { scriptsDirectory: args.scriptsDirectory }) },
      { parent: this },
    );
    const catalog = new LakeCatalog(
      `${name}-catalog`,
      {
        ...args.catalog,
        databaseName: args.catalog?.databaseName ?? catalogName(name),
        workgroupName: args.catalog?.workgroupName ?? name,
        resultsKmsKeyArn: args.catalog?.resultsKmsKeyArn ?? kmsKeyArn,
        bucket: bucket.bucketName,
        tags,
      },
      { parent: this },
    );

    // Without a given topic, one topic for the whole lake's job failures; its policy lets each table's failure rule publish.
    let alarmTopic: aws.sns.Topic | undefined;
    let jobAlarmTopicArn: pulumi.Output<string>;
    if (args.alarmTopicArn === undefined) {
      alarmTopic = new aws.sns.Topic(autoName(NAME_RULES.snsTopic, name, "alarms"), { tags }, { parent: this });
      jobAlarmTopicArn = alarmTopic.arn;
    } else {
      jobAlarmTopicArn = pulumi.output(args.alarmTopicArn);
    }

    const captures: Record<string, TableCapture> = {};
    const snapshots: Record<string, TableSnapshot> = {};
    const compactions: Record<string, TableCompaction> = {};
    const reconciles: Record<string, TableReconcile> = {};
    const catalogs: Record<string, TableCatalog> = {};
    const sourceAccess: Record<string, TableSourceAccess> = {};
    const perTable: pulumi.Output<[string, LakeTableOutputs]>[] = [];

    args.tables.forEach((t, i) => {
      const id = ids[i]!;
      const base = `${name}-${id}`;
      const { provider, source, mode, exporterName, exporterRoleArn } = sources[i]!;
      const capture = new TableCapture(
        base,
        { ...t.capture, table: source, bucket: lakeBucket, kmsKeyArn, alarmTopicArn: args.alarmTopicArn, tags },
        { parent: this },
      );
      // Gap-free handoff: no snapshot (and no compaction, which may start one) before capture is live.
      const captureReady = [capture];
      const snapshot = new TableSnapshot(
        `${base}-snapshot`,
        {
          ...t.snapshot,
          table: source,
          bucket: bucket.bucketName,
          database: catalog.databaseName,
          scripts,
          ...(t.snapshotMode === undefined ? {} : { mode: t.snapshotMode }),
          declaredColumns: t.declaredColumns,
          captureReady,
          kmsKeyArns,
          tags,
          ...(exporterRoleArn ? { exporterRoleArn } : {}),
        },
        { parent: this },
      );
      // What every lake-side part of this table is told: which table, its keys and columns, where the lake is.
      const lakeTable: LakeTableArgs = {
        tableName: snapshot.tableName,
        keys: snapshot.keys,
        declaredColumns: t.declaredColumns,
        bucket: bucket.bucketName,
        database: catalog.databaseName,
      };
      const compaction = new TableCompaction(
        `${base}-compaction`,
        { ...t.compaction, ...lakeTable, scripts, snapshotJobName: snapshot.jobName, alarmTopicArn: jobAlarmTopicArn, captureReady, kmsKeyArns, tags },
        { parent: this },
      );
      const reconcile = new TableReconcile(
        `${base}-reconcile`,
        { ...t.reconcile, ...lakeTable, scripts, kmsKeyArns, tags, ...(provider ? { tableArn: source.tableArn } : {}) },
        { parent: this },
      );
      if (provider) {
        sourceAccess[id] = new TableSourceAccess(
          `${base}-source`,
          {
            table: source,
            sourceProvider: provider,
            captureRoleArn: capture.functionRoleArn,
            scanRoleArns: mode === "glue" ? [snapshot.role.arn, reconcile.role.arn] : [reconcile.role.arn],
            ...(exporterName ? { exporter: { snapshotRoleArn: snapshot.role.arn, roleName: exporterName } } : {}),
            bucket: bucket.bucketName,
            lakeKmsKeyArn: kmsKeyArn,
            tags,
          },
          { parent: this },
        );
      }
      const tableCatalog = new TableCatalog(
        `${base}-catalog`,
        { ...t.catalog, ...lakeTable },
        { parent: this },
      );
      captures[id] = capture;
      snapshots[id] = snapshot;
      compactions[id] = compaction;
      reconciles[id] = reconcile;
      catalogs[id] = tableCatalog;
      perTable.push(
        pulumi
          .all([
            pulumi.all([capture.tableName, capture.functionName, capture.deliveryStreamName, capture.deadLetterQueueUrl]),
            pulumi.all([snapshot.jobName, compaction.compactionJobName, compaction.maintenanceJobName, reconcile.jobName]),
            pulumi.all([tableCatalog.currentTableName, tableCatalog.changesTableName, tableCatalog.liveViewName]),
          ])
          .apply(
            ([[tableName, functionName, deliveryStreamName, deadLetterQueueUrl], [snapshotJobName, compactionJobName, maintenanceJobName, reconcileJobName], [currentTable, changesTable, liveView]]): [
              string,
              LakeTableOutputs,
            ] => [
              id,
              {
                tableName,
                functionName,
                deliveryStreamName,
                deadLetterQueueUrl,
                snapshotJobName,
                compactionJobName,
                maintenanceJobName,
                reconcileJobName,
                currentTable,
                changesTable,
                liveView,
              },
            ],
          ),
      );
    });

    if (alarmTopic !== undefined) {
      new aws.sns.TopicPolicy(
        `${name}-alarms-policy`,
        {
          arn: alarmTopic.arn,
          policy: pulumi
            .all([alarmTopic.arn, pulumi.all(Object.values(compactions).map((c) => c.failureRule.arn))])
            .apply(([topicArn, ruleArns]) => JSON.stringify(topicPublishPolicy(topicArn, ruleArns))),
        },
        { parent: this },
      );
    }

    // Read-only access for the people who query the lake, attached by them to their own roles or groups.
    const readerPolicy = new aws.iam.Policy(
      autoName(NAME_RULES.iamPolicy, name, "athena-reader"),
      {
        description: "dynamodb-lake: query the lake's tables in its Athena workgroup (read only)",
        policy: pulumi
          .all([lakeScope({ parent: this }), catalog.workgroupName, bucket.bucketName, catalog.databaseName, pulumi.all(Object.values(snapshots).map((s) => s.tableName)), kmsKeyArns])
          .apply(([scope, workgroup, bucketName, database, tables, keys]) =>
            JSON.stringify(athenaReaderPolicy(lakeReaderPolicyInput({ scope, workgroup, bucketName, database, tables, kmsKeyArns: keys }))),
          ),
        tags,
      },
      { parent: this },
    );

    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
    this.athenaReaderPolicyArn = readerPolicy.arn;
    this.databaseName = catalog.databaseName;
    this.workgroupName = catalog.workgroupName;
    this.athenaResultsUri = catalog.resultsUri;
    this.alarmTopicArn = jobAlarmTopicArn;
    this.captures = captures;
    this.snapshots = snapshots;
    this.compactions = compactions;
    this.reconciles = reconciles;
    this.catalogs = catalogs;
    this.sourceAccess = sourceAccess;
    this.tables = pulumi.all(perTable).apply((entries) => Object.fromEntries(entries));
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      databaseName: this.databaseName,
      workgroupName: this.workgroupName,
      athenaResultsUri: this.athenaResultsUri,
      athenaReaderPolicyArn: this.athenaReaderPolicyArn,
      alarmTopicArn: this.alarmTopicArn,
      tables: this.tables,
    });
  }
}

/**
 * A table named by ARN is checked before the lookup: without a source provider, or with one for another
 * account, the lookup would run in the wrong account and fail without naming the fix.
 */
function precheckedTable(table: SourceTableInput, lake: pulumi.Output<{ account: string; region: string }>, providerAccount: pulumi.Output<string> | undefined): SourceTableInput {
  if (typeof table !== "string" || !table.startsWith("arn:")) return table;
  return pulumi.all([lake, providerAccount]).apply(([s, p]) => {
    checkSourceAccount({ tableArn: table, lakeAccount: s.account, lakeRegion: s.region, ...(p === undefined ? {} : { providerAccount: p }) });
    return table;
  });
}

/** The table with its name and ARN gated on the account check, so every part of it fails the preview on a wrong layout. */
function checkedSource(source: SourceTable, lake: pulumi.Output<{ account: string; region: string }>, providerAccount: pulumi.Output<string> | undefined): SourceTable {
  const checked = pulumi.all([source.tableArn, lake, providerAccount]).apply(([tableArn, s, p]) =>
    checkSourceAccount({ tableArn, lakeAccount: s.account, lakeRegion: s.region, ...(p === undefined ? {} : { providerAccount: p }) }),
  );
  return {
    ...source,
    tableName: pulumi.all([source.tableName, checked]).apply(([n]) => n),
    tableArn: pulumi.all([source.tableArn, checked]).apply(([a]) => a),
  };
}
