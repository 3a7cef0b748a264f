/**
 * Adapts the AWS SDK v3 clients to the two calls the capture path makes. The
 * SDK reads AWS_REGION and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_FIREHOSE /
 * AWS_ENDPOINT_URL_S3 itself; S3 goes path-style when an endpoint is
 * overridden (emulators have no per-bucket host names).
 */
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { RecordBatchSender } from "./delivery";
import type { ObjectWriter } from "./overflow";

// Delivery retries itself, per failed entry and within the invocation's time,
// so the SDK's own retries are off: they would not know the deadline.
const SDK_ATTEMPTS = 1;

export function s3EndpointOverridden(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
}

export function createRecordBatchSender(): RecordBatchSender {
  const client = new FirehoseClient({ maxAttempts: SDK_ATTEMPTS });
  return {
    putRecordBatch: (input, options) =>
      client.send(new PutRecordBatchCommand({ DeliveryStreamName: input.DeliveryStreamName, Records: [...input.Records] }), options),
  };
}

export function createObjectWriter(env: Readonly<Record<string, string | undefined>>): ObjectWriter {
  const client = new S3Client({ maxAttempts: SDK_ATTEMPTS, forcePathStyle: s3EndpointOverridden(env) });
  return { putObject: (input, options) => client.send(new PutObjectCommand({ ...input }), options) };
}
