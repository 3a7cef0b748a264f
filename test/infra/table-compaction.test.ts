import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compactionJobPolicy, glueTrustPolicy, topicPublishPolicy } from "../../infra/iam";
import { checkHours } from "../../infra/glue-job-arguments";
import { checkSchedule, jobFailurePattern, TableCompaction, type TableCompactionArgs } from "../../infra/table-compaction";
import { assertGlueJob, assertTunedJob, deployedTableJob, expectedRuntimeArguments, type MakeTableJob, ORDERS_TABLE, ORDERS_TABLE_ARGUMENTS, tableJob, TUNED_JOB, TUNED_KMS_KEY } from "./glue-job-expectations";
import { expectedAlarm } from "./expected-alarm";
import { useLakeMockCloud } from "./lake-mocks";
import { ACCOUNT, assertOnlyFailure, gatedResource, parseJson, previewFailures, settled, valueOf } from "./pulumi-mocks";

const JOB = "aws:glue/job:Job";
const TRIGGER = "aws:glue/trigger:Trigger";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const SCOPE = { partition: "aws", region: "us-west-2", account: ACCOUNT };
const mockArn = (type: string, name: string): string => `arn:aws:mock:us-west-2:${ACCOUNT}:${type}/${name}-0a1b2c3`;

function compaction(args: Partial<TableCompactionArgs> = {}): MakeTableJob<TableCompaction> {
  return (name, scripts) => new TableCompaction(name, { ...ORDERS_TABLE, scripts, snapshotJobName: "orders-snapshot-job", ...args });
}

function sharedArguments(hash: string): Record<string, string> {
  return { ...expectedRuntimeArguments(hash), ...ORDERS_TABLE_ARGUMENTS, "--state_uri": "s3://lake-bucket/_lake/Orders/" };
}

/** The compaction and maintenance roles' policies for Orders in lake-bucket/lake_db. */
function expectedPolicies(extra: { kmsKeyArns?: string[] } = {}): { compaction: unknown; maintenance: unknown } {
  const shared = {
    scope: SCOPE,
    lake: "s3://lake-bucket/",
    assetsPrefix: "_assets/glue/",
    database: "lake_db",
    catalogTables: ["orders_current", "orders_tombstones"],
    ...extra,
  };
  return {
    compaction: compactionJobPolicy({
      ...shared,
      readPrefixes: ["changes/Orders/", "overflow/Orders/"],
      movePrefixes: ["changes/Orders/"],
      writePrefixes: ["warehouse/lake_db.db/orders_current/", "warehouse/lake_db.db/orders_tombstones/", "quarantine/Orders/", "_lake/Orders/"],
      startJobNames: ["orders-snapshot-job"],
    }),
    // Maintenance reads nothing it does not also rewrite.
    maintenance: compactionJobPolicy({
      ...shared,
      readPrefixes: [],
      writePrefixes: ["warehouse/lake_db.db/orders_current/", "warehouse/lake_db.db/orders_tombstones/", "_lake/Orders/"],
    }),
  };
}

const GLUE_TRUST = glueTrustPolicy(ACCOUNT);

/** A Glue trigger that starts `jobName` on `schedule` from the moment it is created. */
function expectedSchedule(kind: string, schedule: string, jobName: string): Record<string, unknown> {
  return { type: "SCHEDULED", schedule, startOnCreation: true, enabled: true, actions: [{ jobName }], description: `dynamodb-lake ${kind} schedule` };
}

void describe("TableCompaction", () => {
  void it("runs compact.py every 15 minutes, one run at a time, starting the snapshot job when the table is missing", async () => {
    const { cloud, component, hash } = await deployedTableJob("orders", compaction());
    assertGlueJob(cloud, hash, { component: "orders-compaction", script: "compact.py", timeout: 60, description: "dynamodb-lake: merge new deltas of Orders into orders_current" }, {
      ...sharedArguments(hash),
      "--extra-jars": `s3://lake-bucket/_assets/glue/${hash}/dynamodb-lake-udf.jar`,
      "--changes_uri": "s3://lake-bucket/changes/Orders/",
      "--quarantine_uri": "s3://lake-bucket/quarantine/Orders/",
      "--metrics": "true",
      "--start_snapshot_job": "orders-snapshot-job",
    });
    assert.deepEqual(cloud.one(TRIGGER, "orders-compaction-schedule").inputs, expectedSchedule("compaction", "cron(0/15 * * * ? *)", "orders-compaction-job-0a1b2c3"));
    assert.deepEqual(parseJson(cloud.one(ROLE, "orders-compaction-role").inputs.assumeRolePolicy), GLUE_TRUST);
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "orders-compaction-policy").inputs.policy), expectedPolicies().compaction);
    assert.equal(cloud.one(ROLE_POLICY, "orders-compaction-policy").inputs.role, "orders-compaction-role-id");
    assert.equal(await valueOf(component.compactionJobName), "orders-compaction-job-0a1b2c3");
  });

  void it("runs maintenance.py daily with its own narrower role", async () => {
    const { cloud, component, hash } = await deployedTableJob("orders", compaction());
    const description = "dynamodb-lake: expire snapshots, rewrite small files, remove orphans of orders_current";
    assertGlueJob(cloud, hash, { component: "orders-maintenance", script: "maintenance.py", timeout: 240, description }, { ...sharedArguments(hash), "--older_than_hours": "72", "--tombstone_retention_hours": "168" });
    assert.deepEqual(cloud.one(TRIGGER, "orders-maintenance-schedule").inputs, expectedSchedule("maintenance", "cron(17 3 * * ? *)", "orders-maintenance-job-0a1b2c3"));
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "orders-maintenance-policy").inputs.policy), expectedPolicies().maintenance);
    assert.equal(await valueOf(component.maintenanceJobName), "orders-maintenance-job-0a1b2c3");
  });

  void it("notifies a created topic, that only this rule may publish to, when any of the table's jobs fails", async () => {
    const { cloud, component } = await deployedTableJob("orders", compaction());

    const ruleArn = mockArn(RULE, "orders-job-failed");
    const topicArn = mockArn(TOPIC, "orders-alarms");
    const rule = cloud.one(RULE, "orders-job-failed").inputs;
    assert.equal(rule.description, "dynamodb-lake: a snapshot, compaction or maintenance run failed, timed out or errored");
    assert.deepEqual(parseJson(rule.eventPattern), {
      source: ["aws.glue"],
      "detail-type": ["Glue Job State Change"],
      detail: {
        jobName: ["orders-snapshot-job", "orders-compaction-job-0a1b2c3", "orders-maintenance-job-0a1b2c3"],
        state: ["FAILED", "TIMEOUT", "ERROR"],
      },
    });
    assert.deepEqual(cloud.one(TARGET, "orders-job-failed-notify").inputs, {
      rule: "orders-job-failed-0a1b2c3",
      arn: topicArn,
      inputTransformer: {
        inputPaths: { job: "$.detail.jobName", run: "$.detail.jobRunId", state: "$.detail.state", message: "$.detail.message", time: "$.time" },
        inputTemplate:
          '{"alarm":"dynamodb-lake Glue job run did not succeed","job":<job>,"run":<run>,"state":<state>,"time":<time>,"message":<message>}',
      },
    });
    const topicPolicy = cloud.one(TOPIC_POLICY, "orders-alarms-policy").inputs;
    assert.equal(topicPolicy.arn, topicArn);
    assert.deepEqual(parseJson(topicPolicy.policy), topicPublishPolicy(topicArn, ruleArn));

    const failedRuns = { namespace: "AWS/Events", metricName: "TriggeredRules", dimensions: { RuleName: "orders-job-failed-0a1b2c3" }, statistic: "Sum" };
    assert.deepEqual(
      cloud.one(ALARM, "orders-job-failed-alarm").inputs,
      expectedAlarm("dynamodb-lake: a Glue job run of Orders failed in the last 15 minutes", failedRuns, [900, 1, 1], "GreaterThanOrEqualToThreshold"),
    );
    assert.equal(await valueOf(component.alarmTopicArn), topicArn);
  });

  void it("sends to a given topic without creating or changing one", async () => {
    const given = "arn:aws:sns:us-west-2:123456789012:lake-alarms";
    const { cloud, component } = await deployedTableJob("given", compaction({ alarmTopicArn: given }));
    assert.deepEqual(cloud.ofType(TOPIC), []);
    assert.deepEqual(cloud.ofType(TOPIC_POLICY), []);
    assert.equal(cloud.one(TARGET, "given-job-failed-notify").inputs.arn, given);
    assert.equal(await valueOf(component.alarmTopicArn), given);
  });

  void it("takes schedules, workers, timeouts, retention, declared columns, KMS keys and tags", async () => {
    const { cloud } = await deployedTableJob("tuned", compaction({
      ...TUNED_JOB,
      schedule: "cron(0/5 * * * ? *)",
      maintenanceSchedule: "cron(0 1 ? * SUN *)",
      maintenanceWorkerType: "G.4X",
      maintenanceNumberOfWorkers: 8,
      maintenanceTimeoutMinutes: 480,
      snapshotRetentionHours: 24,
      tombstoneRetentionHours: 720,
    }));
    assertTunedJob(cloud, "tuned-compaction-job");
    const maintain = cloud.one(JOB, "tuned-maintenance-job").inputs as Record<string, unknown> & { defaultArguments: Record<string, string> };
    assert.deepEqual([maintain.workerType, maintain.numberOfWorkers, maintain.timeout, maintain.tags], ["G.4X", 8, 480, { team: "data" }]);
    assert.equal(maintain.defaultArguments["--declared_columns"], '{"total":"decimal(38,2)"}');
    assert.equal(maintain.defaultArguments["--older_than_hours"], "24");
    assert.equal(maintain.defaultArguments["--tombstone_retention_hours"], "720");
    assert.equal(cloud.one(TRIGGER, "tuned-compaction-schedule").inputs.schedule, "cron(0/5 * * * ? *)");
    assert.equal(cloud.one(TRIGGER, "tuned-maintenance-schedule").inputs.schedule, "cron(0 1 ? * SUN *)");
    assert.deepEqual(cloud.one(TOPIC, "tuned-alarms").inputs.tags, { team: "data" });
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "tuned-compaction-policy").inputs.policy), expectedPolicies({ kmsKeyArns: [TUNED_KMS_KEY] }).compaction);
    assert.deepStrictEqual(parseJson(cloud.one(ROLE_POLICY, "tuned-maintenance-policy").inputs.policy), expectedPolicies({ kmsKeyArns: [TUNED_KMS_KEY] }).maintenance);
  });

  void it("creates the compaction schedule only after the capture path, so the first run finds capture live", async () => {
    const cloud = await useLakeMockCloud();
    const capture = gatedResource("capture-mapping");
    const { component } = tableJob("ordered", compaction({ captureReady: [capture.resource] }));
    await valueOf(component.compactionJob.urn);
    await valueOf(component.maintenanceTrigger.urn);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      cloud.ofType(TRIGGER).map((t) => t.name),
      ["ordered-maintenance-schedule"],
      "the compaction schedule waits for the capture path",
    );
    capture.open();
    await settled(component);
    const order = cloud.resources.map((r) => r.name);
    assert.ok(order.indexOf("capture-mapping") < order.indexOf("ordered-compaction-schedule"), order.join(", "));
  });

  void it("fails the preview on a schedule Glue would refuse", async () => {
    const cloud = await useLakeMockCloud();
    const message =
      'schedule "rate(15 minutes)" is not a Glue schedule: write cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) in UTC, e.g. "cron(0/15 * * * ? *)"';
    const failures = await previewFailures(async () => {
      const { component } = tableJob("rated", compaction({ schedule: "rate(15 minutes)" }));
      await valueOf(component.compactionJob.urn);
    });
    assertOnlyFailure(failures, message);
    assert.deepEqual(cloud.ofType(TRIGGER).map((t) => t.name), ["rated-maintenance-schedule"]);
  });

  void it("fails the preview on a retention that is not a positive number of hours", async () => {
    await useLakeMockCloud();
    const message = "snapshotRetentionHours must be a positive number of hours; got 0";
    const failures = await previewFailures(async () => {
      const { component } = tableJob("no-retention", compaction({ snapshotRetentionHours: 0 }));
      await valueOf(component.compactionJob.urn);
    });
    assertOnlyFailure(failures, message);
  });
});

void describe("jobFailurePattern", () => {
  void it("matches the given jobs' failed, timed-out and errored runs only", () => {
    assert.deepEqual(jobFailurePattern(["a", "b"]), {
      source: ["aws.glue"],
      "detail-type": ["Glue Job State Change"],
      detail: { jobName: ["a", "b"], state: ["FAILED", "TIMEOUT", "ERROR"] },
    });
  });
});

void describe("checkSchedule", () => {
  void it("accepts 6-field cron expressions", () => {
    for (const ok of ["cron(0/15 * * * ? *)", "cron(17 3 * * ? *)", "cron(0 1 ? * SUN *)", "cron(0/5 8-18 ? * MON-FRI *)"]) assert.equal(checkSchedule("s", ok), ok);
  });
  void it("rejects rate(), 5-field cron and plain text, naming the form", () => {
    for (const bad of ["rate(15 minutes)", "cron(0/15 * * * ?)", "*/15 * * * *", "cron(0/15 * * * ? * *)", ""]) {
      assert.throws(() => checkSchedule("schedule", bad), {
        message: `schedule ${JSON.stringify(bad)} is not a Glue schedule: write cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) in UTC, e.g. "cron(0/15 * * * ? *)"`,
      });
    }
  });
});

void describe("checkHours", () => {
  void it("accepts positive hours, fractions included", () => {
    assert.equal(checkHours("h", 0.5), "0.5");
    assert.equal(checkHours("h", 168), "168");
  });
  void it("rejects zero, negatives, NaN and infinity", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => checkHours("h", bad), /^Error: h must be a positive number of hours/);
  });
});
