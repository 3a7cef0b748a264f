import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  CAPTURE_DEFAULTS,
  DEAD_LETTER_RETENTION_SECONDS,
  checkCaptureSetting,
  type CaptureSettingName,
} from "./capture-settings";
import { captureFunctionCode } from "./capture-code";
import { captureFunctionPolicy, firehoseDeliveryPolicy, firehoseTrustPolicy, lambdaTrustPolicy } from "./iam";
import { provideLakeBucket, type LakeBucketChoice, type LakeBucketRef } from "./lake-bucket-choice";
import {
  LAKE_PREFIXES,
  changesPrefix,
  firehoseChangesPrefix,
  firehoseErrorPrefix,
  overflowPrefix,
  overflowTablePrefix,
} from "./layout";
import { autoName, NAME_RULES, resourceName } from "./resource-name";
import { sourceTableOf, type SourceTable, type SourceTableInput } from "./source-table";

export interface TableCaptureArgs {
  /**
   * The source table: its name, its ARN, or an `aws.dynamodb.Table` from the same program.
   * Its stream must be on with view type NEW_AND_OLD_IMAGES; otherwise preview fails naming the fix.
   */
  readonly table: SourceTableInput | SourceTable;
  /**
   * The lake bucket: `{ existingBucketName }`, `{ create: LakeBucketArgs }` (exactly one of the two),
   * or a `LakeBucket` (any object with `bucketName` and `bucketArn` outputs).
   */
  readonly bucket: LakeBucketChoice | LakeBucketRef;
  /**
   * KMS key ARN the lake's objects are encrypted with. The function and Firehose are allowed to use it,
   * and Firehose encrypts what it writes with it.
   * Default: the key of a bucket created through `bucket.create` or of a `LakeBucket` passed in, otherwise none (SSE-S3).
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** SNS topic ARN notified when an alarm fires or recovers. Default: none (alarms without actions). */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /** Stream records per function invocation, 1–10000. Default: 500 (one Firehose PutRecordBatch). */
  readonly batchSize?: pulumi.Input<number>;
  /** Seconds Lambda gathers records before invoking, 0–300. Default: 1. */
  readonly maximumBatchingWindowInSeconds?: pulumi.Input<number>;
  /** Batches processed concurrently per shard, 1–10. Default: 1. */
  readonly parallelizationFactor?: pulumi.Input<number>;
  /**
   * Retries of a failing batch (halved on each error) before its position is sent to the dead-letter
   * queue, -1 (until the record expires) or 0–10000. Default: 10.
   */
  readonly maximumRetryAttempts?: pulumi.Input<number>;
  /**
   * Age in seconds after which a record that still fails is sent to the dead-letter queue, -1 (no limit)
   * or 60–604800. Default: 21600 (6 h), leaving 18 of the stream's 24 hours to replay it from the queue's position.
   */
  readonly maximumRecordAgeInSeconds?: pulumi.Input<number>;
  /** Function memory in MiB, 128–10240. Default: 512. */
  readonly functionMemorySize?: pulumi.Input<number>;
  /** Function timeout in seconds, 1–900. Default: 120. */
  readonly functionTimeoutSeconds?: pulumi.Input<number>;
  /** Retention of the function's and Firehose's log groups, in days (a value CloudWatch Logs accepts). Default: 30. */
  readonly logRetentionInDays?: pulumi.Input<number>;
  /** Seconds Firehose buffers before writing an object, 0–900 (0 writes as soon as possible). Default: 60. */
  readonly bufferingIntervalSeconds?: pulumi.Input<number>;
  /** MiB Firehose buffers before writing an object, 1–128. Default: 64. */
  readonly bufferingSizeMiB?: pulumi.Input<number>;
  /** Iterator age alarm threshold in seconds, 1–86400. Default: 900. */
  readonly iteratorAgeAlarmThresholdSeconds?: pulumi.Input<number>;
  /** Firehose DeliveryToS3.DataFreshness alarm threshold in seconds, 60–86400. Default: buffering interval + 900. */
  readonly deliveryFreshnessAlarmThresholdSeconds?: pulumi.Input<number>;
  /** Tags for every resource that takes them. Default: none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** POWERTOOLS_SERVICE_NAME of the capture function. */
export const CAPTURE_SERVICE_NAME = "dynamodb-lake-capture";
/** POWERTOOLS_METRICS_NAMESPACE: the CloudWatch namespace of the function's metrics. */
export const CAPTURE_METRICS_NAMESPACE = "DynamoDbLake";
export const CAPTURE_RUNTIME = "nodejs22.x";
export const FIREHOSE_LOG_STREAM = "DestinationDelivery";

/** A log group name prefix `/aws/<service>/<name>-`: only the characters log group names allow, and short enough for CloudWatch's suffix. */
const logGroupPrefix = (service: string, name: string): string =>
  `${resourceName([`/aws/${service}/${name.replace(NAME_RULES.logGroupPrefix.invalid, "-")}`], NAME_RULES.logGroupPrefix.max - 1)}-`;

/**
 * One table's capture path: stream → Lambda → Firehose → `changes/<table>/` in the lake bucket,
 * with a dead-letter queue for batches that cannot be delivered and alarms on every way it can fall behind.
 */
export class TableCapture extends pulumi.ComponentResource {
  public readonly tableName: pulumi.Output<string>;
  public readonly tableArn: pulumi.Output<string>;
  public readonly streamArn: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly deliveryStreamName: pulumi.Output<string>;
  public readonly deliveryStreamArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly eventSourceMappingUuid: pulumi.Output<string>;
  /** The function's role: what a stream's resource policy in another account names. */
  public readonly functionRoleArn: pulumi.Output<string>;

  constructor(name: string, args: TableCaptureArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args may hold resources (the table, a LakeBucket): not recorded as component inputs,
    // which would make the whole capture path wait for them to be created.
    super("dynamodb-lake:index:TableCapture", name, {}, opts);
    const parent = { parent: this };
    const setting = (key: CaptureSettingName, value: pulumi.Input<number> | undefined, fallback: pulumi.Input<number>) =>
      pulumi.output(value ?? fallback).apply((v) => checkCaptureSetting(key, v));
    const tags = args.tags;

    const table = sourceTableOf(args.table, parent);
    const bucket = "bucketArn" in args.bucket && "bucketName" in args.bucket
      ? { bucketName: args.bucket.bucketName, bucketArn: args.bucket.bucketArn, kmsKeyArn: args.bucket.kmsKeyArn }
      : provideLakeBucket(`${name}-bucket`, args.bucket, this, args.tags);
    const kmsKeyArn = pulumi.output(args.kmsKeyArn ?? bucket.kmsKeyArn);
    const kmsKeyArns = kmsKeyArn.apply((arn) => (arn ? [arn] : undefined));
    const logRetentionInDays = setting("logRetentionInDays", args.logRetentionInDays, CAPTURE_DEFAULTS.logRetentionInDays);
    const bufferingInterval = setting("bufferingIntervalSeconds", args.bufferingIntervalSeconds, CAPTURE_DEFAULTS.bufferingIntervalSeconds);
    const alarmActions = pulumi.output(args.alarmTopicArn).apply((arn) => (arn ? [arn] : []));
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    // Firehose: changes/<table>/dt=…/hour=…/, GZIP, failed records under errors/<table>/.
    const deliveryLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-delivery-logs`,
      { namePrefix: logGroupPrefix("kinesisfirehose", name), retentionInDays: logRetentionInDays, tags },
      parent,
    );
    const deliveryLogStream = new aws.cloudwatch.LogStream(
      `${name}-delivery-log-stream`,
      { logGroupName: deliveryLogGroup.name, name: FIREHOSE_LOG_STREAM },
      parent,
    );
    const deliveryRole = new aws.iam.Role(
      autoName(NAME_RULES.iamRole, name, "delivery-role"),
      { assumeRolePolicy: pulumi.jsonStringify(accountId.apply(firehoseTrustPolicy)), tags },
      parent,
    );
    const deliveryPolicy = new aws.iam.RolePolicy(
      autoName(NAME_RULES.rolePolicy, name, "delivery-policy"),
      {
        role: deliveryRole.id,
        policy: pulumi.jsonStringify(
          pulumi.all([bucket.bucketArn, table.tableName, deliveryLogGroup.arn, kmsKeyArns]).apply(
            ([bucketArn, tableName, logGroupArn, keys]) =>
              firehoseDeliveryPolicy({
                bucket: bucketArn,
                prefixes: [changesPrefix(tableName), `${LAKE_PREFIXES.errors}${tableName}/`],
                logGroupArn,
                kmsKeyArns: keys,
              }),
          ),
        ),
      },
      parent,
    );
    const deliveryStream = new aws.kinesis.FirehoseDeliveryStream(
      autoName(NAME_RULES.firehoseStream, name, "delivery"),
      {
        destination: "extended_s3",
        // Encrypts records while Firehose buffers them; no key permissions needed on either side.
        serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
        extendedS3Configuration: {
          roleArn: deliveryRole.arn,
          bucketArn: bucket.bucketArn,
          prefix: table.tableName.apply(firehoseChangesPrefix),
          errorOutputPrefix: table.tableName.apply(firehoseErrorPrefix),
          compressionFormat: "GZIP",
          bufferingInterval,
          bufferingSize: setting("bufferingSizeMiB", args.bufferingSizeMiB, CAPTURE_DEFAULTS.bufferingSizeMiB),
          kmsKeyArn,
          cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogGroup.name, logStreamName: deliveryLogStream.name },
        },
        tags,
      },
      // Firehose checks at creation that it can assume the role and reach the bucket.
      { parent: this, dependsOn: [deliveryPolicy] },
    );

    // Positions of batches that kept failing. Only metadata (shard, sequence range), so SQS-managed SSE suffices.
    const deadLetterQueue = new aws.sqs.Queue(
      autoName(NAME_RULES.sqsQueue, name, "dlq"),
      { messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS, sqsManagedSseEnabled: true, tags },
      parent,
    );

    const functionLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-function-logs`,
      { namePrefix: logGroupPrefix("lambda", name), retentionInDays: logRetentionInDays, tags },
      parent,
    );
    const functionRole = new aws.iam.Role(
      autoName(NAME_RULES.iamRole, name, "function-role"),
      { assumeRolePolicy: pulumi.jsonStringify(lambdaTrustPolicy()), tags },
      parent,
    );
    const functionPolicy = new aws.iam.RolePolicy(
      autoName(NAME_RULES.rolePolicy, name, "function-policy"),
      {
        role: functionRole.id,
        policy: pulumi.jsonStringify(
          pulumi
            .all([table.tableArn, table.tableName, deliveryStream.arn, bucket.bucketArn, deadLetterQueue.arn, functionLogGroup.arn, kmsKeyArns])
            .apply(([tableArn, tableName, deliveryStreamArn, bucketArn, deadLetterQueueArn, logGroupArn, keys]) =>
              captureFunctionPolicy({
                tables: [tableArn],
                deliveryStreamArns: [deliveryStreamArn],
                overflow: `${bucketArn}/${overflowTablePrefix(tableName)}*`,
                deadLetterQueueArn,
                logGroupArn,
                kmsKeyArns: keys,
              }),
            ),
        ),
      },
      parent,
    );
    const fn = new aws.lambda.Function(
      autoName(NAME_RULES.lambdaFunction, name, "function"),
      {
        description: pulumi.interpolate`Copies each change of DynamoDB table ${table.tableName} to Firehose as a delta line`,
        runtime: CAPTURE_RUNTIME,
        architectures: ["arm64"],
        handler: "index.handler",
        code: captureFunctionCode(),
        role: functionRole.arn,
        memorySize: setting("functionMemorySize", args.functionMemorySize, CAPTURE_DEFAULTS.functionMemorySize),
        timeout: setting("functionTimeoutSeconds", args.functionTimeoutSeconds, CAPTURE_DEFAULTS.functionTimeoutSeconds),
        loggingConfig: { logFormat: "JSON", logGroup: functionLogGroup.name },
        environment: {
          variables: {
            DELIVERY_STREAM_NAME: deliveryStream.name,
            OVERFLOW_BUCKET: bucket.bucketName,
            OVERFLOW_PREFIX: overflowPrefix(),
            POWERTOOLS_SERVICE_NAME: CAPTURE_SERVICE_NAME,
            POWERTOOLS_METRICS_NAMESPACE: CAPTURE_METRICS_NAMESPACE,
          },
        },
        tags,
      },
      { parent: this, dependsOn: [functionPolicy] },
    );
    const mapping = new aws.lambda.EventSourceMapping(
      `${name}-stream`,
      {
        eventSourceArn: table.streamArn,
        functionName: fn.arn,
        // From the oldest record kept: capture starts before the snapshot's point in time (gap-free handoff).
        startingPosition: "TRIM_HORIZON",
        functionResponseTypes: ["ReportBatchItemFailures"],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: setting("maximumRetryAttempts", args.maximumRetryAttempts, CAPTURE_DEFAULTS.maximumRetryAttempts),
        maximumRecordAgeInSeconds: setting(
          "maximumRecordAgeInSeconds",
          args.maximumRecordAgeInSeconds,
          CAPTURE_DEFAULTS.maximumRecordAgeInSeconds,
        ),
        batchSize: setting("batchSize", args.batchSize, CAPTURE_DEFAULTS.batchSize),
        maximumBatchingWindowInSeconds: setting(
          "maximumBatchingWindowInSeconds",
          args.maximumBatchingWindowInSeconds,
          CAPTURE_DEFAULTS.maximumBatchingWindowInSeconds,
        ),
        parallelizationFactor: setting("parallelizationFactor", args.parallelizationFactor, CAPTURE_DEFAULTS.parallelizationFactor),
        destinationConfig: { onFailure: { destinationArn: deadLetterQueue.arn } },
        tags,
      },
      // Lambda checks at creation that the role can read the stream and send to the queue.
      { parent: this, dependsOn: [functionPolicy] },
    );

    const alarm = (suffix: string, description: pulumi.Input<string>, settings: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmDescription">) =>
      new aws.cloudwatch.MetricAlarm(
        autoName(NAME_RULES.metricAlarm, name, suffix),
        {
          alarmDescription: description,
          comparisonOperator: "GreaterThanThreshold",
          evaluationPeriods: 1,
          // No data means nothing to process, which is healthy.
          treatMissingData: "notBreaching",
          alarmActions,
          okActions: alarmActions,
          tags,
          ...settings,
        },
        parent,
      );
    alarm("iterator-age", pulumi.interpolate`Capture of ${table.tableName} is falling behind its stream (records expire after 24 h)`, {
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      dimensions: { FunctionName: fn.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: setting(
        "iteratorAgeAlarmThresholdSeconds",
        args.iteratorAgeAlarmThresholdSeconds,
        CAPTURE_DEFAULTS.iteratorAgeAlarmThresholdSeconds,
      ).apply((seconds) => seconds * 1000),
    });
    alarm("function-errors", pulumi.interpolate`The capture function of ${table.tableName} failed (a crash or timeout, not a delivery retry)`, {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
      period: 300,
      threshold: 0,
    });
    alarm("dead-letters", pulumi.interpolate`Changes of ${table.tableName} could not be captured: replay them from the dead-letter queue's stream positions`, {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: deadLetterQueue.name },
      statistic: "Maximum",
      period: 300,
      threshold: 0,
    });
    alarm("delivery-freshness", pulumi.interpolate`Firehose is late writing changes of ${table.tableName} to S3`, {
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: deliveryStream.name },
      statistic: "Maximum",
      period: 300,
      threshold: args.deliveryFreshnessAlarmThresholdSeconds !== undefined
        ? setting("deliveryFreshnessAlarmThresholdSeconds", args.deliveryFreshnessAlarmThresholdSeconds, 0)
        : bufferingInterval.apply((interval) => interval + CAPTURE_DEFAULTS.deliveryFreshnessAlarmMarginSeconds),
    });

    this.tableName = table.tableName;
    this.tableArn = table.tableArn;
    this.streamArn = table.streamArn;
    this.functionRoleArn = functionRole.arn;
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.deliveryStreamName = deliveryStream.name;
    this.deliveryStreamArn = deliveryStream.arn;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.deadLetterQueueArn = deadLetterQueue.arn;
    this.eventSourceMappingUuid = mapping.uuid;
    this.registerOutputs({
      tableName: this.tableName,
      tableArn: this.tableArn,
      streamArn: this.streamArn,
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      functionName: this.functionName,
      functionArn: this.functionArn,
      deliveryStreamName: this.deliveryStreamName,
      deliveryStreamArn: this.deliveryStreamArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      deadLetterQueueArn: this.deadLetterQueueArn,
      eventSourceMappingUuid: this.eventSourceMappingUuid,
    });
  }
}
