import * as pulumi from "@pulumi/pulumi";
import { bundleStreamToFirehose } from "../functions/bundle";

let captureBundle: Promise<string> | undefined;

/**
 * The capture function's code: functions/stream-to-firehose bundled with esbuild while the
 * program runs (preview and up), as index.js. Bundled once per process, however many tables.
 */
export function captureFunctionCode(): pulumi.asset.AssetArchive {
  captureBundle ??= bundleStreamToFirehose().then((bundle) => bundle.code);
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(captureBundle) });
}
