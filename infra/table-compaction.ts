/**
 * One table's scheduled jobs: compaction (compact.py merges new delta files into
 * `<table>_current`; its first run after deploy starts the initial snapshot) and
 * daily maintenance (maintenance.py: expire snapshots, rewrite small files,
 * remove orphans), plus a notification when any of the table's jobs fails.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { compactArguments, glueRuntimeArguments, maintenanceArguments, warehouseUriOf } from "./glue-job-arguments";
import { glueJobWithRole } from "./glue-job-with-role";
import { GLUE_ASSETS_PREFIX } from "./glue-scripts-asset";
import { compactionJobPolicy, topicPublishPolicy } from "./iam";
import { lakeScope } from "./lake-scope";
import type { LakeJobArgs, LakeTableArgs } from "./lake-table-args";
import { autoName, NAME_RULES } from "./resource-name";
import { changesPrefix, currentTableName, ledgerPrefix, overflowTablePrefix, quarantinePrefix, warehouseTablePrefix } from "./layout";
import { tombstonesTableName } from "./views/table-spec";

/** Every 15 minutes. */
export const DEFAULT_COMPACTION_SCHEDULE = "cron(0/15 * * * ? *)";
/** Daily at 03:17 UTC, off the quarter hours the compaction runs at. */
export const DEFAULT_MAINTENANCE_SCHEDULE = "cron(17 3 * * ? *)";
export const DEFAULT_COMPACTION_TIMEOUT_MINUTES = 60;
export const DEFAULT_MAINTENANCE_TIMEOUT_MINUTES = 240;
/** Glue run states that mean a job run did not finish its work. */
export const FAILED_JOB_STATES = ["FAILED", "TIMEOUT", "ERROR"] as const;

/** A table's compaction and maintenance jobs: `workerType` and `numberOfWorkers` are the compaction job's, maintenance has its own. */
export interface TableCompactionArgs extends LakeTableArgs, LakeJobArgs {
  /** The table's snapshot job; compaction starts it when `<table>_current` does not exist yet. */
  readonly snapshotJobName: pulumi.Input<string>;
  /** Compaction schedule (Glue cron, UTC). Default every 15 minutes: "cron(0/15 * * * ? *)". */
  readonly schedule?: pulumi.Input<string>;
  /** Compaction timeout in minutes. Default 60 (a stuck run must not hold the schedule: one run at a time). */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /** Maintenance schedule (Glue cron, UTC). Default daily at 03:17: "cron(17 3 * * ? *)". */
  readonly maintenanceSchedule?: pulumi.Input<string>;
  /** Maintenance worker type. Default "G.1X". */
  readonly maintenanceWorkerType?: pulumi.Input<string>;
  /** Maintenance worker count. Default 2. */
  readonly maintenanceNumberOfWorkers?: pulumi.Input<number>;
  /** Maintenance timeout in minutes. Default 240. */
  readonly maintenanceTimeoutMinutes?: pulumi.Input<number>;
  /** Age in hours after which maintenance expires Iceberg snapshots, orphan files and unused ledger objects (`--older_than_hours`). Default 72. */
  readonly snapshotRetentionHours?: pulumi.Input<number>;
  /** Age in hours after which maintenance prunes tombstones; keep it above the longest time a delta file can land late (`--tombstone_retention_hours`). Default 168. */
  readonly tombstoneRetentionHours?: pulumi.Input<number>;
  /**
   * SNS topic for job failure notifications. Default: a topic is created. A given topic's
   * policy must let `events.amazonaws.com` publish (and its KMS key, if any, let EventBridge use it).
   */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /** Resources the schedule must come after: the capture path's event source mapping, so the first run (which starts the snapshot) finds capture live. */
  readonly captureReady?: pulumi.Resource[];
}

/** Glue scheduled triggers take a 6-field cron expression (UTC), not rate(); checked here so a typo fails the preview. */
export function checkSchedule(name: string, expression: string): string {
  if (!/^cron\(\S+( \S+){5}\)$/.test(expression)) {
    throw new Error(
      `${name} ${JSON.stringify(expression)} is not a Glue schedule: write cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) in UTC, e.g. "cron(0/15 * * * ? *)"`,
    );
  }
  return expression;
}

/** EventBridge pattern matching a failed, timed-out or errored run of any of the given jobs. */
export function jobFailurePattern(jobNames: string[]): Record<string, unknown> {
  return {
    source: ["aws.glue"],
    "detail-type": ["Glue Job State Change"],
    detail: { jobName: jobNames, state: [...FAILED_JOB_STATES] },
  };
}

/** The notification body: JSON, with EventBridge quoting each value. */
export const JOB_FAILURE_INPUT_PATHS = {
  job: "$.detail.jobName",
  run: "$.detail.jobRunId",
  state: "$.detail.state",
  message: "$.detail.message",
  time: "$.time",
};
export const JOB_FAILURE_INPUT_TEMPLATE =
  '{"alarm":"dynamodb-lake Glue job run did not succeed","job":<job>,"run":<run>,"state":<state>,"time":<time>,"message":<message>}';

export class TableCompaction extends pulumi.ComponentResource {
  public readonly compactionJob: aws.glue.Job;
  public readonly compactionTrigger: aws.glue.Trigger;
  public readonly maintenanceJob: aws.glue.Job;
  public readonly maintenanceTrigger: aws.glue.Trigger;
  public readonly failureRule: aws.cloudwatch.EventRule;
  public readonly failureAlarm: aws.cloudwatch.MetricAlarm;
  public readonly compactionJobName: pulumi.Output<string>;
  public readonly maintenanceJobName: pulumi.Output<string>;
  /** The topic job failures are published to (given or created). */
  public readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: TableCompactionArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args hold resources (the table, the scripts, the capture path): not recorded as component inputs,
    // which would make this component wait for them.
    super("dynamodb-lake:index:TableCompaction", name, {}, opts);
    const scope = lakeScope({ parent: this });
    const account = scope.apply((s) => s.account);
    const table = pulumi.output(args.tableName);
    const lake = pulumi.interpolate`s3://${args.bucket}/`;
    const kmsKeyArns = pulumi.output(args.kmsKeyArns ?? []);
    const catalogTables = table.apply((t) => [currentTableName(t), tombstonesTableName(t)]);

    const compactionPolicy = pulumi
      .all([scope, table, lake, args.database, catalogTables, args.snapshotJobName, kmsKeyArns])
      .apply(([s, t, lakeUri, database, tables, snapshotJob, kms]) =>
        compactionJobPolicy({
          scope: s,
          lake: lakeUri,
          readPrefixes: [changesPrefix(t), overflowTablePrefix(t)],
          // A corrupt delta file is moved to quarantine: copied, then deleted here.
          movePrefixes: [changesPrefix(t)],
          writePrefixes: [...tables.map((c) => warehouseTablePrefix(database, c)), quarantinePrefix(t), ledgerPrefix(t)],
          assetsPrefix: GLUE_ASSETS_PREFIX,
          database,
          catalogTables: tables,
          startJobNames: [snapshotJob],
          ...(kms.length > 0 ? { kmsKeyArns: kms } : {}),
        }),
      );
    const maintenancePolicy = pulumi
      .all([scope, table, lake, args.database, catalogTables, kmsKeyArns])
      .apply(([s, t, lakeUri, database, tables, kms]) =>
        compactionJobPolicy({
          scope: s,
          lake: lakeUri,
          // Maintenance rewrites the table's Iceberg files and deletes unused ledger objects; it reads nothing else.
          readPrefixes: [],
          writePrefixes: [...tables.map((c) => warehouseTablePrefix(database, c)), ledgerPrefix(t)],
          assetsPrefix: GLUE_ASSETS_PREFIX,
          database,
          catalogTables: tables,
          ...(kms.length > 0 ? { kmsKeyArns: kms } : {}),
        }),
      );

    // Everything the scripts are told about the table and the lake, in one place for both jobs.
    const job = pulumi
      .all([table, args.keys, args.bucket, args.database, args.declaredColumns ?? {}, args.scripts.extraPyFilesUri, args.scripts.extraJarsUri, scope])
      .apply(([t, keys, bucket, database, declared, extraPyFiles, extraJars, s]) => ({
        runtime: glueRuntimeArguments(warehouseUriOf(bucket), extraPyFiles),
        extraJars,
        table: { tableName: t, database, bucket, keys, declaredColumns: declared, region: s.region },
      }));

    const { job: compaction } = glueJobWithRole(this, `${name}-compaction`, {
      description: pulumi.interpolate`dynamodb-lake: merge new deltas of ${table} into ${table.apply(currentTableName)}`,
      account,
      policy: compactionPolicy,
      script: args.scripts.scriptUri("compact"),
      workerType: args.workerType,
      numberOfWorkers: args.numberOfWorkers,
      timeout: args.timeoutMinutes ?? DEFAULT_COMPACTION_TIMEOUT_MINUTES,
      defaultArguments: pulumi.all([job, args.snapshotJobName]).apply(([j, snapshotJobName]) => ({
        ...j.runtime,
        // The delta parser (DeltaRow); without it the job parses in Python, several times slower.
        "--extra-jars": j.extraJars,
        ...compactArguments({ ...j.table, snapshotJobName, metrics: true }),
      })),
      tags: args.tags,
    });
    this.compactionJob = compaction;
    this.compactionJobName = compaction.name;

    const { job: maintenance } = glueJobWithRole(this, `${name}-maintenance`, {
      description: pulumi.interpolate`dynamodb-lake: expire snapshots, rewrite small files, remove orphans of ${table.apply(currentTableName)}`,
      account,
      policy: maintenancePolicy,
      script: args.scripts.scriptUri("maintenance"),
      workerType: args.maintenanceWorkerType,
      numberOfWorkers: args.maintenanceNumberOfWorkers,
      timeout: args.maintenanceTimeoutMinutes ?? DEFAULT_MAINTENANCE_TIMEOUT_MINUTES,
      defaultArguments: pulumi
        .all([job, args.snapshotRetentionHours, args.tombstoneRetentionHours])
        .apply(([j, snapshotRetentionHours, tombstoneRetentionHours]) => ({
          ...j.runtime,
          ...maintenanceArguments({ ...j.table, snapshotRetentionHours, tombstoneRetentionHours }),
        })),
      tags: args.tags,
    });
    this.maintenanceJob = maintenance;
    this.maintenanceJobName = maintenance.name;

    this.compactionTrigger = new aws.glue.Trigger(
      autoName(NAME_RULES.glueTrigger, name, "compaction-schedule"),
      {
        type: "SCHEDULED",
        schedule: pulumi.output(args.schedule ?? DEFAULT_COMPACTION_SCHEDULE).apply((e) => checkSchedule("schedule", e)),
        startOnCreation: true,
        enabled: true,
        actions: [{ jobName: compaction.name }],
        description: "dynamodb-lake compaction schedule",
        tags: args.tags,
      },
      // The first run starts the initial snapshot: it must find capture already live.
      { parent: this, dependsOn: args.captureReady ?? [] },
    );
    this.maintenanceTrigger = new aws.glue.Trigger(
      autoName(NAME_RULES.glueTrigger, name, "maintenance-schedule"),
      {
        type: "SCHEDULED",
        schedule: pulumi.output(args.maintenanceSchedule ?? DEFAULT_MAINTENANCE_SCHEDULE).apply((e) => checkSchedule("maintenanceSchedule", e)),
        startOnCreation: true,
        enabled: true,
        actions: [{ jobName: maintenance.name }],
        description: "dynamodb-lake maintenance schedule",
        tags: args.tags,
      },
      { parent: this },
    );

    this.failureRule = new aws.cloudwatch.EventRule(
      autoName(NAME_RULES.eventRule, name, "job-failed"),
      {
        description: "dynamodb-lake: a snapshot, compaction or maintenance run failed, timed out or errored",
        eventPattern: pulumi
          .all([args.snapshotJobName, compaction.name, maintenance.name])
          .apply((jobs) => JSON.stringify(jobFailurePattern(jobs))),
        tags: args.tags,
      },
      { parent: this },
    );

    if (args.alarmTopicArn !== undefined) {
      this.alarmTopicArn = pulumi.output(args.alarmTopicArn);
    } else {
      const topic = new aws.sns.Topic(autoName(NAME_RULES.snsTopic, name, "alarms"), { tags: args.tags }, { parent: this });
      new aws.sns.TopicPolicy(
        `${name}-alarms-policy`,
        { arn: topic.arn, policy: pulumi.all([topic.arn, this.failureRule.arn]).apply(([t, r]) => JSON.stringify(topicPublishPolicy(t, r))) },
        { parent: this },
      );
      this.alarmTopicArn = topic.arn;
    }
    new aws.cloudwatch.EventTarget(
      `${name}-job-failed-notify`,
      {
        rule: this.failureRule.name,
        arn: this.alarmTopicArn,
        inputTransformer: { inputPaths: JOB_FAILURE_INPUT_PATHS, inputTemplate: JOB_FAILURE_INPUT_TEMPLATE },
      },
      { parent: this },
    );
    // State only (the rule already notifies with the run's details): for dashboards and composite alarms.
    this.failureAlarm = new aws.cloudwatch.MetricAlarm(
      autoName(NAME_RULES.metricAlarm, name, "job-failed-alarm"),
      {
        alarmDescription: pulumi.interpolate`dynamodb-lake: a Glue job run of ${table} failed in the last 15 minutes`,
        namespace: "AWS/Events",
        metricName: "TriggeredRules",
        dimensions: { RuleName: this.failureRule.name },
        statistic: "Sum",
        period: 900,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        tags: args.tags,
      },
      { parent: this },
    );

    this.registerOutputs({
      compactionJobName: this.compactionJobName,
      maintenanceJobName: this.maintenanceJobName,
      alarmTopicArn: this.alarmTopicArn,
    });
  }
}
