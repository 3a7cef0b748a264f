/**
 * The real capture function: the esbuild bundle of
 * functions/stream-to-firehose/handler.ts, loaded as Lambda would load
 * index.js, with its configuration in the environment. Each load is a fresh
 * module instance (a cold start) that reads the environment it is given.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { overflowPrefix } from "../../infra/layout";
import { writeBundle } from "../../functions/bundle";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../emulator/moto";
import type { StreamHandler } from "./poller";

let bundlePath: Promise<string> | undefined;

/** Bundles once per process. */
export function bundledHandlerPath(): Promise<string> {
  bundlePath ??= mkdtemp(path.join(tmpdir(), "dynamodb-lake-bundle-")).then((dir) => writeBundle(dir));
  return bundlePath;
}

export interface CaptureFunctionEnv {
  readonly deliveryStreamName: string;
  readonly overflowBucket: string;
  /** Where the function's Firehose calls go (the emulator, or a fault proxy in front of it). */
  readonly firehoseEndpoint: string;
  readonly s3Endpoint: string;
  /** Powertools log level inside the function; SILENT keeps the demo's output readable. */
  readonly logLevel?: string;
}

/** Sets the function's environment and loads a fresh instance of the bundle. */
export async function loadCaptureFunction(env: CaptureFunctionEnv): Promise<StreamHandler> {
  const file = await bundledHandlerPath();
  Object.assign(process.env, {
    DELIVERY_STREAM_NAME: env.deliveryStreamName,
    OVERFLOW_BUCKET: env.overflowBucket,
    OVERFLOW_PREFIX: overflowPrefix(),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_FIREHOSE: env.firehoseEndpoint,
    AWS_ENDPOINT_URL_S3: env.s3Endpoint,
    POWERTOOLS_LOG_LEVEL: env.logLevel ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  delete require.cache[require.resolve(file)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as { handler?: unknown };
  if (typeof loaded.handler !== "function") throw new Error(`${file} does not export a handler function`);
  return loaded.handler as StreamHandler;
}
