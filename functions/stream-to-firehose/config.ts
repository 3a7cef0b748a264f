/**
 * The function's configuration, read only from the environment so that one
 * bundle runs in Lambda and against a local emulator.
 */
import { isBucketName } from "../shared/bucket-name";

export interface CaptureConfig {
  readonly deliveryStreamName: string;
  readonly overflowBucket: string;
  /** Key prefix for oversize records, ending in "/"; the table name and "/" are appended per record. */
  readonly overflowPrefix: string;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/** Reads and checks DELIVERY_STREAM_NAME, OVERFLOW_BUCKET and OVERFLOW_PREFIX; one error lists every problem. */
export function readCaptureConfig(env: Readonly<Record<string, string | undefined>>): CaptureConfig {
  const problems: string[] = [];
  const deliveryStreamName = env.DELIVERY_STREAM_NAME ?? "";
  const overflowBucket = env.OVERFLOW_BUCKET ?? "";
  const overflowPrefix = env.OVERFLOW_PREFIX ?? "";

  if (deliveryStreamName === "") {
    problems.push("DELIVERY_STREAM_NAME is not set: set it to the name of the Firehose delivery stream that writes changes/<table>/");
  } else if (!STREAM_NAME.test(deliveryStreamName)) {
    problems.push(`DELIVERY_STREAM_NAME ${JSON.stringify(deliveryStreamName)} is not a delivery stream name (1-64 of a-z A-Z 0-9 _ . -): give the name, not the ARN`);
  }
  if (overflowBucket === "") {
    problems.push("OVERFLOW_BUCKET is not set: set it to the lake bucket name that receives records over 1000 KiB");
  } else if (!isBucketName(overflowBucket)) {
    problems.push(`OVERFLOW_BUCKET ${JSON.stringify(overflowBucket)} is not an S3 bucket name: give the bare name, without s3:// or a path`);
  }
  if (env.OVERFLOW_PREFIX === undefined) {
    problems.push('OVERFLOW_PREFIX is not set: set it to the key prefix for oversize records, e.g. "overflow/"');
  } else if (overflowPrefix !== "" && (!overflowPrefix.endsWith("/") || overflowPrefix.startsWith("/"))) {
    problems.push(`OVERFLOW_PREFIX ${JSON.stringify(overflowPrefix)} must end with "/" and not start with "/", e.g. "overflow/"`);
  }
  if (problems.length > 0) {
    throw new Error(`stream-to-firehose is misconfigured:\n- ${problems.join("\n- ")}`);
  }
  return { deliveryStreamName, overflowBucket, overflowPrefix };
}
