/**
 * The esbuild bundle, required as Lambda would, against a local moto server:
 * stream records in, the exact delta lines out in S3 through Firehose, and an
 * oversize record through the overflow prefix.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateDeliveryStreamCommand, FirehoseClient } from "@aws-sdk/client-firehose";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { writeBundle } from "../../functions/bundle";
import { encodeDeltaLine } from "../../functions/stream-to-firehose/encode-line";
import { toDeltaRecord } from "../../functions/stream-to-firehose/map-record";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startMoto, type MotoServer } from "../../local/emulator/moto";
import { everyTypeImage, recordOfLineBytes, SEQ21, SEQ40, streamRecord, TTL_IDENTITY } from "./stream-records";

type Handler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

const BUCKET = "lake";
const STREAM = "orders-changes";
const REGION = LOCAL_REGION;
const lineOf = (record: DynamoDBRecord) => encodeDeltaLine(toDeltaRecord(record)).toString("utf8");

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "stream-to-firehose",
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:stream-to-firehose`,
    memoryLimitInMB: "256",
    awsRequestId: "req-1",
    logGroupName: "/aws/lambda/stream-to-firehose",
    logStreamName: "local",
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Runs `action` with the text written to stdout and stderr captured, returning the JSON lines written (Powertools logs and EMF). */
async function capturingOutput<T>(action: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  let text = "";
  const restore = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    // Console writes strings; the test runner's own protocol messages are buffers and must pass.
    const patched = (chunk: unknown, ...rest: unknown[]): boolean => {
      if (typeof chunk === "string") {
        text += chunk;
        return true;
      }
      return Reflect.apply(original, stream, [chunk, ...rest]) as boolean;
    };
    stream.write = patched;
    return () => (stream.write = original);
  });
  try {
    const result = await action();
    return { result, lines: text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    restore.forEach((undo) => undo());
  }
}

void describe("bundled handler against moto", () => {
  let moto: MotoServer;
  let dir: string;
  let s3: S3Client;
  let bundlePath: string;
  const saved = { ...process.env };

  /** A fresh copy of the bundle (its configuration is read once per module), under `env`. */
  function loadHandler(env: Record<string, string | undefined>): Handler {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    delete require.cache[bundlePath];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(bundlePath) as { handler: Handler }).handler;
  }

  before(async () => {
    moto = await startMoto(60_000);
    dir = await mkdtemp(path.join(tmpdir(), "stream-to-firehose-"));
    bundlePath = await writeBundle(dir);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: moto.endpoint,
      DELIVERY_STREAM_NAME: STREAM,
      OVERFLOW_BUCKET: BUCKET,
      OVERFLOW_PREFIX: "overflow/",
    });
    const clientConfig = { region: REGION, endpoint: moto.endpoint, credentials: LOCAL_CREDENTIALS };
    s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await new FirehoseClient(clientConfig).send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: STREAM,
        DeliveryStreamType: "DirectPut",
        ExtendedS3DestinationConfiguration: {
          RoleARN: "arn:aws:iam::123456789012:role/firehose",
          BucketARN: `arn:aws:s3:::${BUCKET}`,
          Prefix: "changes/orders/",
        },
      }),
    );
  });

  after(async () => {
    process.env = saved;
    await moto?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function objectText(key: string): Promise<string> {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await object.Body?.transformToString("utf8")) ?? "";
  }

  void it("writes the exact delta lines through Firehose and an oversize record through overflow", async () => {
    // Prepare
    const keys = { pk: { S: "order#1" }, sk: { N: "12345678901234567890123456789012345678" } };
    const records = [
      streamRecord({ seq: SEQ21, op: "INSERT", keys, newImage: everyTypeImage() }),
      streamRecord({ seq: "100000000000000000002", op: "MODIFY", keys, newImage: { ...keys, n: { N: "-1E-130" } }, oldImage: everyTypeImage() }),
      recordOfLineBytes(1_024_001, "100000000000000000003", (r) => encodeDeltaLine(toDeltaRecord(r)).byteLength),
      streamRecord({ seq: SEQ40, op: "REMOVE", keys, oldImage: { ...keys, n: { N: "-1E-130" } }, userIdentity: TTL_IDENTITY }),
    ];
    const handler = loadHandler({ POWERTOOLS_SERVICE_NAME: "dynamodb-lake-capture" });
    // Act
    const { result, lines } = await capturingOutput(() => handler({ Records: records }, lambdaContext()));
    // Assess
    assert.deepEqual(result, { batchItemFailures: [] });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keysInBucket = (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
    const overflowKey = `overflow/orders/0000000000000000000100000000000000000003-event-100000000000000000003.json`;
    const changeKeys = keysInBucket.filter((k) => k.startsWith("changes/orders/"));
    assert.deepEqual(keysInBucket.filter((k) => !k.startsWith("changes/")), [overflowKey]);
    assert.equal(changeKeys.length, 1, "one PutRecordBatch call, one object");
    const big = toDeltaRecord(records[2] as DynamoDBRecord);
    const pointer = encodeDeltaLine({ ...big, new_image: null, old_image: null, overflow: `s3://${BUCKET}/${overflowKey}` }).toString("utf8");
    assert.equal(
      await objectText(changeKeys[0] as string),
      lineOf(records[0] as DynamoDBRecord) + lineOf(records[1] as DynamoDBRecord) + pointer + lineOf(records[3] as DynamoDBRecord),
    );
    assert.equal(await objectText(overflowKey), JSON.stringify(big));

    const emf = lines.find((l) => "_aws" in l) as Record<string, unknown>;
    assert.deepEqual(
      [emf.Records, emf.DeliveredRecords, emf.OverflowRecords, emf.BatchItemFailures, emf.table],
      [4, 4, 1, 0, "orders"],
    );
    assert.deepEqual(
      (emf._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics.map((m) => m.Namespace),
      ["DynamoDbLake"],
    );
    assert.ok(lines.some((l) => l.message === "batch captured" && l.level === "INFO" && l.service === "dynamodb-lake-capture"));
    assert.equal(emf.service, "dynamodb-lake-capture", "the service name the stack sets wins over the default");
  });

  void it("honours the per-service endpoint variables and reports a stream that does not exist at the first record", async () => {
    // Prepare
    const handler = loadHandler({
      POWERTOOLS_SERVICE_NAME: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_ENDPOINT_URL_FIREHOSE: moto.endpoint,
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      DELIVERY_STREAM_NAME: "no-such-stream",
    });
    const records = [streamRecord({ seq: "200000000000000000001" }), streamRecord({ seq: "200000000000000000002" })];
    // Act
    const { result, lines } = await capturingOutput(() => handler({ Records: records }, lambdaContext()));
    // Assess
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: "200000000000000000001" }] });
    assert.ok(lines.some((l) => l.message === "PutRecordBatch failed and cannot be retried" && l.errorName === "ResourceNotFoundException"));
  });

  void it("fails every invocation with a message naming the missing variable", async () => {
    // Prepare
    const handler = loadHandler({ DELIVERY_STREAM_NAME: undefined });
    // Act
    const { result } = await capturingOutput(() => handler({ Records: [streamRecord()] }, lambdaContext()).then(
      () => "resolved",
      (error: Error) => error.message,
    ));
    // Assess
    assert.match(result, /^stream-to-firehose is misconfigured:\n- DELIVERY_STREAM_NAME is not set/);
  });
});
