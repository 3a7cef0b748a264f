/**
 * `lake replay-dlq` as an operator runs it (a child process, the real SDK clients) against a local
 * moto server: a real table stream, a real SQS queue holding on-failure records, and a Lambda
 * function. moto runs Lambda code only in Docker, which is not available here, so the function is
 * moto's Docker-less stand-in answering from a queue of scripted responses; the event the tool
 * sends is checked exactly in dlq-replay.test.ts with a fake Lambda.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-dynamodb-streams";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startMoto, type MotoServer } from "../../local/emulator/moto";
import { lake, motoApi } from "./lake-tool-process";

const ROLE = "capture-role";

/** IAM's query API; moto routes by the credential scope and does not check the signature. */
async function createRole(endpoint: string, name: string): Promise<void> {
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20261121/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: "CreateRole", Version: "2010-05-08", RoleName: name, AssumeRolePolicyDocument: trust }).toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
}

/** Lambda's on-failure record of a stream batch. */
const onFailure = (streamArn: string, shardId: string, first: string, last: string, batchSize: number): string =>
  JSON.stringify({
    requestContext: { requestId: "r", functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:capture`, condition: "RetryAttemptsExhausted", approximateInvokeCount: 11 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: first,
      endSequenceNumber: last,
      approximateArrivalOfFirstRecord: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      approximateArrivalOfLastRecord: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      batchSize,
      streamArn,
    },
  });

void describe("lake replay-dlq against a local stream, queue and function (moto)", () => {
  let moto: MotoServer;
  let queueUrl = "";
  let sqs: SQSClient;
  let seqs: string[] = [];
  const ids: Record<string, string> = {};

  before(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    await motoApi(moto.endpoint, "config", { lambda: { use_docker: false } });
    await createRole(moto.endpoint, ROLE);

    const ddb = new DynamoDBClient(config);
    const table = await ddb.send(
      new CreateTableCommand({
        TableName: "orders",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    for (const pk of ["a", "b", "c"]) await ddb.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: pk }, n: { N: "12345678901234567890123456789012345678" } } }));
    ddb.destroy();

    const streamArn = table.TableDescription!.LatestStreamArn!;
    const streams = new DynamoDBStreamsClient(config);
    const shardId = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription!.Shards![0]!.ShardId!;
    const it0 = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }));
    seqs = ((await streams.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator! }))).Records ?? []).map((r) => r.dynamodb!.SequenceNumber!);
    assert.equal(seqs.length, 3);
    streams.destroy();

    const lambda = new LambdaClient(config);
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "capture",
        Runtime: "nodejs22.x",
        Role: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${ROLE}`,
        Handler: "index.handler",
        Code: { ZipFile: new TextEncoder().encode("stand-in: moto without Docker does not run the code") },
      }),
    );
    lambda.destroy();

    sqs = new SQSClient(config);
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "lake-orders-dlq" }))).QueueUrl!;
    const first = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: onFailure(streamArn, shardId, seqs[0]!, seqs[1]!, 2) }));
    const second = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: onFailure(streamArn, shardId, seqs[2]!, seqs[2]!, 1) }));
    ids.first = first.MessageId!;
    ids.second = second.MessageId!;
  });
  after(async () => {
    sqs?.destroy();
    await moto?.stop();
  });

  void it("dry run lists both batches from the stream and leaves the queue as it was", async () => {
    const r = await lake(moto.endpoint, ["replay-dlq", "--queue-url", queueUrl, "--function", "capture", "--dry-run"]);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 3, r.stdout);
    assert.match(lines[0]!, new RegExp(`^would replay ${ids.first}: 2 record\\(s\\) of orders \\(shard .+, ${seqs[0]}\\.\\.${seqs[1]}\\)$`));
    assert.match(lines[1]!, new RegExp(`^would replay ${ids.second}: 1 record\\(s\\) of orders \\(shard .+, ${seqs[2]}\\.\\.${seqs[2]}\\)$`));
    assert.equal(lines[2], "dry run: 0 replayed, 0 kept, 2 to replay");
  });

  void it("deletes the message the function took whole, keeps the one it reported a failure for, and exits 1", async () => {
    // The stand-in function's answers, in invocation order: the first batch goes through, the second reports its record.
    await motoApi(moto.endpoint, "static/lambda-simple/response", {
      results: [JSON.stringify({ batchItemFailures: [] }), JSON.stringify({ batchItemFailures: [{ itemIdentifier: seqs[2] }] })],
      region: LOCAL_REGION,
    });
    const r = await lake(moto.endpoint, ["replay-dlq", "--queue-url", queueUrl, "--function", "capture"]);
    assert.equal(r.stderr, "");
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0]!, new RegExp(`^replayed ${ids.first}: 2 record\\(s\\) of orders .*; message deleted$`));
    assert.match(lines[1]!, new RegExp(`^kept ${ids.second}: 1 record\\(s\\) of orders .*: the function reported 1 failed record\\(s\\), first at ${seqs[2]}$`));
    assert.equal(lines[2], "1 replayed, 1 kept, 0 to replay");
    assert.equal(r.code, 1);
    // The kept message is visible again at once, for the next run; the replayed one is gone.
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual((left.Messages ?? []).map((m) => m.MessageId), [ids.second]);
  });
});
