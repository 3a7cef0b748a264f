import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { bundleStreamToFirehose } from "../../functions/bundle";
import { captureFunctionCode } from "../../infra/capture-code";
import { captureFunctionPolicy, firehoseDeliveryPolicy, firehoseTrustPolicy, lambdaTrustPolicy } from "../../infra/iam";
import { LakeBucket } from "../../infra/lake-bucket";
import type { LakeBucketChoice } from "../../infra/lake-bucket-choice";
import { TableCapture } from "../../infra/table-capture";
import {
  ACCOUNT,
  MockCloud,
  REGION,
  assertOnlyFailure,
  dependencyRecorder,
  parseJson,
  previewFailures,
  settled,
  streamArnOf,
  streamedTable,
  tableArn,
  useMockCloud,
  valueOf,
} from "./pulumi-mocks";
import { type AlarmMetric, expectedAlarm } from "./expected-alarm";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TOPIC = "arn:aws:sns:us-west-2:123456789012:lake-alarms";
const T = {
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  fn: "aws:lambda/function:Function",
  queue: "aws:sqs/queue:Queue",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logStream: "aws:cloudwatch/logStream:LogStream",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

// Physical names the mock cloud gives auto-named resources (logical name + "-0a1b2c3").
const names = (c: string) => ({
  fn: `${c}-function-0a1b2c3`,
  fnArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${c}-function-0a1b2c3`,
  stream: `${c}-delivery-0a1b2c3`,
  streamArn: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${c}-delivery-0a1b2c3`,
  queue: `${c}-dlq-0a1b2c3`,
  queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${c}-dlq-0a1b2c3`,
  queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${c}-dlq-0a1b2c3`,
  fnLogGroup: `/aws/lambda/${c}-0a1b2c3`,
  fnLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${c}-0a1b2c3`,
  deliveryLogGroup: `/aws/kinesisfirehose/${c}-0a1b2c3`,
  deliveryLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/kinesisfirehose/${c}-0a1b2c3`,
  fnRole: `arn:aws:iam::${ACCOUNT}:role/${c}-function-role-0a1b2c3`,
  deliveryRole: `arn:aws:iam::${ACCOUNT}:role/${c}-delivery-role-0a1b2c3`,
});

/** The policies a capture component `c` of the orders table should attach, given its lake bucket and KMS keys. */
function expectedOrdersPolicies(c: string, bucket: string, kmsKeyArns?: string[]): { fn: unknown; delivery: unknown } {
  const n = names(c);
  const kms = kmsKeyArns === undefined ? {} : { kmsKeyArns };
  return {
    fn: captureFunctionPolicy({
      tables: [tableArn("orders")],
      deliveryStreamArns: [n.streamArn],
      overflow: `arn:aws:s3:::${bucket}/overflow/orders/*`,
      deadLetterQueueArn: n.queueArn,
      logGroupArn: n.fnLogGroupArn,
      ...kms,
    }),
    delivery: firehoseDeliveryPolicy({
      bucket: `arn:aws:s3:::${bucket}`,
      prefixes: ["changes/orders/", "errors/orders/"],
      logGroupArn: n.deliveryLogGroupArn,
      ...kms,
    }),
  };
}

/** The cloud with the tables orders (captured), no-stream and new-image (refused), and the bucket my-lake. */
function freshCloud(cloud: MockCloud): MockCloud {
  cloud.addTable({ name: "orders", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
  cloud.addTable({ name: "no-stream", streamEnabled: false });
  cloud.addTable({ name: "new-image", streamEnabled: true, streamViewType: "NEW_IMAGE" });
  cloud.buckets.add("my-lake");
  return cloud;
}

void describe("TableCapture with every default", () => {
  let cloud: MockCloud;
  let capture: TableCapture;
  const n = names("orders");
  beforeEach(async () => {
    cloud = freshCloud(await useMockCloud());
    capture = new TableCapture("orders", { table: "orders", bucket: { existingBucketName: "my-lake" } });
    await settled(capture);
  });

  void it("maps the stream to the function: TRIM_HORIZON, batch item failures, bisect, bounded retries and age, DLQ", () => {
    assert.deepEqual(cloud.one(T.esm, "orders-stream").inputs, {
      eventSourceArn: streamArnOf("orders"),
      functionName: n.fnArn,
      startingPosition: "TRIM_HORIZON",
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 10,
      maximumRecordAgeInSeconds: 21600,
      batchSize: 500,
      maximumBatchingWindowInSeconds: 1,
      parallelizationFactor: 1,
      destinationConfig: { onFailure: { destinationArn: n.queueArn } },
    });
  });

  void it("delivers to changes/<table>/ with date and hour, GZIP, an error prefix, 60 s / 64 MiB buffering and logging", () => {
    assert.deepEqual(cloud.one(T.firehose, "orders-delivery").inputs, {
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      extendedS3Configuration: {
        roleArn: n.deliveryRole,
        bucketArn: "arn:aws:s3:::my-lake",
        prefix: "changes/orders/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
        errorOutputPrefix: "errors/orders/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
        compressionFormat: "GZIP",
        bufferingInterval: 60,
        bufferingSize: 64,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: n.deliveryLogGroup, logStreamName: "DestinationDelivery" },
      },
    });
    assert.deepEqual(cloud.one(T.logGroup, "orders-delivery-logs").inputs, { namePrefix: "/aws/kinesisfirehose/orders-", retentionInDays: 30 });
    assert.deepEqual(cloud.one(T.logStream, "orders-delivery-log-stream").inputs, { logGroupName: n.deliveryLogGroup, name: "DestinationDelivery" });
  });

  void it("runs the bundled handler on Node 22 arm64 with its environment and its own log group", async () => {
    const { code, ...settings } = cloud.one(T.fn, "orders-function").inputs;
    assert.ok(code instanceof pulumi.asset.AssetArchive);
    const assets = (await code.assets) as Record<string, pulumi.asset.StringAsset>;
    assert.deepEqual(Object.keys(assets), ["index.js"]);
    assert.equal(await assets["index.js"]!.text, (await bundleStreamToFirehose()).code);
    assert.deepEqual(settings, {
      description: "Copies each change of DynamoDB table orders to Firehose as a delta line",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      role: n.fnRole,
      memorySize: 512,
      timeout: 120,
      loggingConfig: { logFormat: "JSON", logGroup: n.fnLogGroup },
      environment: {
        variables: {
          DELIVERY_STREAM_NAME: n.stream,
          OVERFLOW_BUCKET: "my-lake",
          OVERFLOW_PREFIX: "overflow/",
          POWERTOOLS_SERVICE_NAME: "dynamodb-lake-capture",
          POWERTOOLS_METRICS_NAMESPACE: "DynamoDbLake",
        },
      },
    });
    assert.deepEqual(cloud.one(T.logGroup, "orders-function-logs").inputs, { namePrefix: "/aws/lambda/orders-", retentionInDays: 30 });
  });

  void it("keeps failed batch positions 14 days in an encrypted queue", () => {
    assert.deepEqual(cloud.one(T.queue, "orders-dlq").inputs, { messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
  });

  void it("gives each role exactly the generator's policy and a trust policy for its service only", () => {
    const fnRole = cloud.one(T.role, "orders-function-role");
    assert.deepEqual(parseJson(fnRole.inputs.assumeRolePolicy), lambdaTrustPolicy());
    const fnPolicy = cloud.one(T.rolePolicy, "orders-function-policy");
    assert.equal(fnPolicy.inputs.role, "orders-function-role-id");
    assert.deepEqual(parseJson(fnPolicy.inputs.policy), expectedOrdersPolicies("orders", "my-lake").fn);

    const deliveryRole = cloud.one(T.role, "orders-delivery-role");
    assert.deepEqual(parseJson(deliveryRole.inputs.assumeRolePolicy), firehoseTrustPolicy(ACCOUNT));
    const deliveryPolicy = cloud.one(T.rolePolicy, "orders-delivery-policy");
    assert.equal(deliveryPolicy.inputs.role, "orders-delivery-role-id");
    assert.deepEqual(parseJson(deliveryPolicy.inputs.policy), expectedOrdersPolicies("orders", "my-lake").delivery);
    // Nothing else grants permissions: no managed policies, no other inline policies.
    assert.equal(cloud.ofType(T.rolePolicy).length, 2);
    assert.equal(cloud.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    assert.equal(cloud.ofType(T.role).length, 2);
  });

  void it("alarms on iterator age, function errors, dead letters and delivery freshness, without actions", () => {
    const lambda = (metricName: string, statistic: string): AlarmMetric => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: n.fn }, statistic });
    const deadLetters = { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: n.queue }, statistic: "Maximum" };
    const freshness = { namespace: "AWS/Firehose", metricName: "DeliveryToS3.DataFreshness", dimensions: { DeliveryStreamName: n.stream }, statistic: "Maximum" };
    const noActions = { alarmActions: [], okActions: [] };
    const expected: Record<string, Record<string, unknown>> = {
      "orders-iterator-age": expectedAlarm("Capture of orders is falling behind its stream (records expire after 24 h)", lambda("IteratorAge", "Maximum"), [60, 5, 900_000], "GreaterThanThreshold", noActions),
      "orders-function-errors": expectedAlarm("The capture function of orders failed (a crash or timeout, not a delivery retry)", lambda("Errors", "Sum"), [300, 1, 0], "GreaterThanThreshold", noActions),
      "orders-dead-letters": expectedAlarm("Changes of orders could not be captured: replay them from the dead-letter queue's stream positions", deadLetters, [300, 1, 0], "GreaterThanThreshold", noActions),
      "orders-delivery-freshness": expectedAlarm("Firehose is late writing changes of orders to S3", freshness, [300, 1, 960], "GreaterThanThreshold", noActions),
    };
    for (const [name, inputs] of Object.entries(expected)) assert.deepEqual(cloud.one(T.alarm, name).inputs, inputs, name);
    assert.equal(cloud.ofType(T.alarm).length, 4);
  });

  void it("exposes the names and ARNs", async () => {
    assert.deepEqual(
      {
        tableName: await valueOf(capture.tableName),
        tableArn: await valueOf(capture.tableArn),
        streamArn: await valueOf(capture.streamArn),
        bucketName: await valueOf(capture.bucketName),
        bucketArn: await valueOf(capture.bucketArn),
        functionName: await valueOf(capture.functionName),
        functionArn: await valueOf(capture.functionArn),
        deliveryStreamName: await valueOf(capture.deliveryStreamName),
        deliveryStreamArn: await valueOf(capture.deliveryStreamArn),
        deadLetterQueueUrl: await valueOf(capture.deadLetterQueueUrl),
        deadLetterQueueArn: await valueOf(capture.deadLetterQueueArn),
        eventSourceMappingUuid: await valueOf(capture.eventSourceMappingUuid),
      },
      {
        tableName: "orders",
        tableArn: tableArn("orders"),
        streamArn: streamArnOf("orders"),
        bucketName: "my-lake",
        bucketArn: "arn:aws:s3:::my-lake",
        functionName: n.fn,
        functionArn: n.fnArn,
        deliveryStreamName: n.stream,
        deliveryStreamArn: n.streamArn,
        deadLetterQueueUrl: n.queueUrl,
        deadLetterQueueArn: n.queueArn,
        eventSourceMappingUuid: "uuid-orders-stream",
      },
    );
  });

});

void describe("TableCapture ordering", () => {
  void it("creates the function, the mapping and the delivery stream only after their role's policy (services check access at creation)", async () => {
    freshCloud(await useMockCloud());
    const { transformation, dependsOn } = dependencyRecorder();
    const capture = new TableCapture("orders", { table: "orders", bucket: { existingBucketName: "my-lake" } }, { transformations: [transformation] });
    await settled(capture);
    assert.deepEqual(dependsOn.get("orders-stream"), ["orders-function-policy"]);
    assert.deepEqual(dependsOn.get("orders-function"), ["orders-function-policy"]);
    assert.deepEqual(dependsOn.get("orders-delivery"), ["orders-delivery-policy"]);
  });
});

void describe("TableCapture settings", () => {
  let cloud: MockCloud;
  beforeEach(async () => { cloud = freshCloud(await useMockCloud()); });

  void it("passes every tunable through, including a 0 s buffering interval, and uses the KMS key and alarm topic", async () => {
    const capture = new TableCapture("tuned", {
      table: tableArn("orders"),
      bucket: { existingBucketName: "my-lake" },
      kmsKeyArn: KEY,
      alarmTopicArn: TOPIC,
      batchSize: 1000,
      maximumBatchingWindowInSeconds: 0,
      parallelizationFactor: 4,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 3600,
      functionMemorySize: 1024,
      functionTimeoutSeconds: 300,
      logRetentionInDays: 14,
      bufferingIntervalSeconds: 0,
      bufferingSizeMiB: 128,
      iteratorAgeAlarmThresholdSeconds: 120,
      tags: { team: "data" },
    });
    await settled(capture);
    const esm = cloud.one(T.esm, "tuned-stream").inputs;
    assert.deepEqual(
      [esm.batchSize, esm.maximumBatchingWindowInSeconds, esm.parallelizationFactor, esm.maximumRetryAttempts, esm.maximumRecordAgeInSeconds, esm.tags],
      [1000, 0, 4, 3, 3600, { team: "data" }],
    );
    const s3 = cloud.one(T.firehose, "tuned-delivery").inputs.extendedS3Configuration as Record<string, unknown>;
    assert.deepEqual([s3.bufferingInterval, s3.bufferingSize, s3.kmsKeyArn], [0, 128, KEY]);
    const fn = cloud.one(T.fn, "tuned-function").inputs;
    assert.deepEqual([fn.memorySize, fn.timeout, fn.tags], [1024, 300, { team: "data" }]);
    assert.equal(cloud.one(T.logGroup, "tuned-function-logs").inputs.retentionInDays, 14);
    assert.equal(cloud.one(T.logGroup, "tuned-delivery-logs").inputs.retentionInDays, 14);
    for (const alarm of cloud.ofType(T.alarm)) {
      assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[TOPIC], [TOPIC]], alarm.name);
    }
    assert.equal(cloud.one(T.alarm, "tuned-iterator-age").inputs.threshold, 120_000);
    // The freshness threshold follows the buffering interval: 0 + 900.
    assert.equal(cloud.one(T.alarm, "tuned-delivery-freshness").inputs.threshold, 900);

    const expected = expectedOrdersPolicies("tuned", "my-lake", [KEY]);
    assert.deepEqual(parseJson(cloud.one(T.rolePolicy, "tuned-function-policy").inputs.policy), expected.fn);
    assert.deepEqual(parseJson(cloud.one(T.rolePolicy, "tuned-delivery-policy").inputs.policy), expected.delivery);
  });

  void it("takes an explicit freshness threshold", async () => {
    const capture = new TableCapture("fresh", {
      table: "orders",
      bucket: { existingBucketName: "my-lake" },
      deliveryFreshnessAlarmThresholdSeconds: 600,
    });
    await settled(capture);
    assert.equal(cloud.one(T.alarm, "fresh-delivery-freshness").inputs.threshold, 600);
  });

  void it("creates a bucket when asked and uses its KMS key", async () => {
    const capture = new TableCapture("own", { table: "orders", bucket: { create: { kmsKeyArn: KEY } } });
    await settled(capture);
    assert.equal(cloud.ofType("aws:s3/bucket:Bucket").length, 1);
    assert.equal(cloud.one("aws:s3/bucket:Bucket", "own-bucket").name, "own-bucket");
    const s3 = cloud.one(T.firehose, "own-delivery").inputs.extendedS3Configuration as Record<string, unknown>;
    assert.deepEqual([s3.bucketArn, s3.kmsKeyArn], ["arn:aws:s3:::own-bucket-0a1b2c3", KEY]);
    const policy = parseJson(cloud.one(T.rolePolicy, "own-function-policy").inputs.policy) as { Statement: { Sid: string }[] };
    assert.ok(policy.Statement.some((s) => s.Sid === "UseEncryptionKeys"));
    assert.equal(cloud.invokes.filter((i) => i.token === "aws:s3/getBucket:getBucket").length, 0);
  });

  void it("uses a LakeBucket passed in, without a lookup", async () => {
    const lake = new LakeBucket("shared");
    const capture = new TableCapture("shared-orders", { table: "orders", bucket: lake });
    await settled(capture);
    await settled(lake);
    assert.equal(await valueOf(capture.bucketName), "shared-0a1b2c3");
    assert.equal(cloud.invokes.filter((i) => i.token === "aws:s3/getBucket:getBucket").length, 0);
    const s3 = cloud.one(T.firehose, "shared-orders-delivery").inputs.extendedS3Configuration as Record<string, unknown>;
    assert.equal(s3.kmsKeyArn, undefined, "an SSE-S3 bucket: no key");
  });

  void it("uses the KMS key of a LakeBucket passed in", async () => {
    const lake = new LakeBucket("sealed", { kmsKeyArn: KEY });
    const capture = new TableCapture("sealed-orders", { table: "orders", bucket: lake });
    await settled(capture);
    await settled(lake);
    const s3 = cloud.one(T.firehose, "sealed-orders-delivery").inputs.extendedS3Configuration as Record<string, unknown>;
    assert.equal(s3.kmsKeyArn, KEY);
    const expected = expectedOrdersPolicies("sealed-orders", "sealed-0a1b2c3", [KEY]);
    assert.deepEqual(parseJson(cloud.one(T.rolePolicy, "sealed-orders-function-policy").inputs.policy), expected.fn);
    assert.deepEqual(parseJson(cloud.one(T.rolePolicy, "sealed-orders-delivery-policy").inputs.policy), expected.delivery);
  });

  void it("captures a table declared in the same program", async () => {
    const table = streamedTable("events");
    const capture = new TableCapture("events", { table, bucket: { existingBucketName: "my-lake" } });
    await settled(capture);
    assert.equal(cloud.one(T.esm, "events-stream").inputs.eventSourceArn, streamArnOf("events-0a1b2c3"));
    assert.equal(
      (cloud.one(T.firehose, "events-delivery").inputs.extendedS3Configuration as Record<string, unknown>).prefix,
      "changes/events-0a1b2c3/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
    );
  });
});

void describe("TableCapture preview errors", () => {
  beforeEach(async () => freshCloud(await useMockCloud()));

  async function failsWith(args: ConstructorParameters<typeof TableCapture>[1], message: string): Promise<void> {
    const failures = await previewFailures(async () => {
      const capture = new TableCapture("bad", args);
      await assert.rejects(settled(capture));
    });
    assertOnlyFailure(failures, message);
  }

  const bucket = { existingBucketName: "my-lake" };
  const failing: [title: string, args: ConstructorParameters<typeof TableCapture>[1], message: string][] = [
    [
      "fails for a table without a stream",
      { table: "no-stream", bucket },
      "table no-stream has no stream: enable streams with stream_view_type NEW_AND_OLD_IMAGES: aws dynamodb update-table --table-name no-stream --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    ],
    [
      "fails for a stream that is not NEW_AND_OLD_IMAGES",
      { table: "new-image", bucket },
      "table new-image streams NEW_IMAGE, but capture needs NEW_AND_OLD_IMAGES; a stream's view type cannot be changed in place, so turn the stream off and on again with the right type: " +
        "aws dynamodb update-table --table-name new-image --stream-specification StreamEnabled=false, then aws dynamodb update-table --table-name new-image --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    ],
    [
      "fails for a malformed table ARN",
      { table: "arn:aws:dynamodb:us-west-2:123456789012:orders", bucket },
      'table ARN "arn:aws:dynamodb:us-west-2:123456789012:orders" is malformed: expected arn:<partition>:dynamodb:<region>:<12-digit account id>:table/<table name>',
    ],
    [
      "fails for a batch size out of Lambda's range",
      { table: "orders", bucket, batchSize: 0 },
      "batchSize is 0; it must be a whole number from 1 to 10000 (Lambda's DynamoDB Streams batch size limit)",
    ],
    [
      "fails for a buffering interval out of Firehose's range",
      { table: "orders", bucket, bufferingIntervalSeconds: 901 },
      "bufferingIntervalSeconds is 901; it must be a whole number from 0 to 900 (Firehose's buffering interval range)",
    ],
  ];
  for (const [title, args, message] of failing) void it(title, () => failsWith(args, message));

  void it("refuses both bucket choices, and neither, when constructed", () => {
    const both = { existingBucketName: "my-lake", create: {} } as unknown as LakeBucketChoice;
    assert.throws(() => new TableCapture("both", { table: "orders", bucket: both }), {
      message: "bucket: pass either existingBucketName (a bucket you already have) or create (a new bucket with safe defaults), not both",
    });
    assert.throws(() => new TableCapture("neither", { table: "orders", bucket: {} as unknown as LakeBucketChoice }), {
      message: "bucket: pass existingBucketName (a bucket you already have) or create (a new bucket with safe defaults; create: {} takes every default)",
    });
  });
});

void describe("captureFunctionCode", () => {
  void it("bundles once per process and shares the text between tables", async () => {
    const first = (await captureFunctionCode().assets) as Record<string, pulumi.asset.StringAsset>;
    const second = (await captureFunctionCode().assets) as Record<string, pulumi.asset.StringAsset>;
    assert.equal(first["index.js"]!.text, second["index.js"]!.text);
    assert.match(await first["index.js"]!.text, /exports/);
  });
});
