/**
 * DynamoDB Streams → Firehose. Only wiring: configuration from the
 * environment, the AWS clients, Powertools logging and metrics; the work is
 * in capture-batch.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { createObjectWriter, createRecordBatchSender } from "./aws-clients";
import { captureBatch, type CaptureDeps } from "./capture-batch";
import { systemClock } from "./clock";
import { readCaptureConfig } from "./config";
import { FIREHOSE_LIMITS } from "./limits";
import { METRICS_NAMESPACE, publishCaptureMetrics } from "./metrics";
import { DEFAULT_RETRY_POLICY } from "./retry-policy";

// Powertools prefers constructor options to its environment variables: pass the variables the
// stack sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE) first, the defaults only without them.
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME || "stream-to-firehose";
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName: SERVICE });

type Runtime = Omit<CaptureDeps, "remainingMs">;
let runtime: Runtime | undefined;

/** Built on the first invocation; a configuration error fails it (and every retry) with a message naming the fix. */
function getRuntime(): Runtime {
  if (runtime) return runtime;
  const config = readCaptureConfig(process.env);
  runtime = {
    sender: createRecordBatchSender(),
    writer: createObjectWriter(process.env),
    deliveryStreamName: config.deliveryStreamName,
    overflowBucket: config.overflowBucket,
    overflowPrefix: config.overflowPrefix,
    limits: FIREHOSE_LIMITS,
    policy: DEFAULT_RETRY_POLICY,
    clock: systemClock,
    log: logger,
  };
  return runtime;
}

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  let deps: Runtime;
  try {
    deps = getRuntime();
  } catch (error) {
    logger.error("configuration error", error as Error);
    throw error;
  }
  const { response, summary } = await captureBatch(event.Records, {
    ...deps,
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info("batch captured", { ...summary });
  publishCaptureMetrics(metrics, summary);
  return response;
}
