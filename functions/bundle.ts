/**
 * Bundles the capture function with esbuild: one CommonJS file for Node 22
 * with the AWS SDK v3 clients and Powertools inside, so the deployed code
 * never depends on the SDK version of the Lambda runtime. Used at deploy time
 * (wrapped as index.js in an asset archive) and by the local pipeline.
 */
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";

export interface FunctionBundle {
  /** The CommonJS module; exports `handler`. Ends with a sourceMappingURL comment pointing at index.js.map. */
  readonly code: string;
  readonly sourcemap?: string;
}

/** The TypeScript entry, from the sources (tsx, tests) or from a compiled dist/functions next to the shipped sources. */
export function streamToFirehoseEntry(): string {
  const candidates = [
    path.join(__dirname, "stream-to-firehose", "handler.ts"),
    path.join(__dirname, "..", "..", "functions", "stream-to-firehose", "handler.ts"),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`stream-to-firehose sources not found; looked at ${candidates.join(", ")}`);
  return found;
}

export async function bundleStreamToFirehose(): Promise<FunctionBundle> {
  const entry = streamToFirehoseEntry();
  const result = await build({
    entryPoints: [entry],
    // Paths in the output are relative to the package root, so the code (and its deploy hash) is the same on every machine.
    absWorkingDir: path.resolve(path.dirname(entry), "..", ".."),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: "linked",
    // Prefer the ESM builds: they tree-shake the SDK clients much smaller.
    mainFields: ["module", "main"],
    outfile: "index.js",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles.find((file) => file.path.endsWith("index.js"));
  const map = result.outputFiles.find((file) => file.path.endsWith("index.js.map"));
  if (!code) throw new Error("esbuild produced no index.js for stream-to-firehose");
  return { code: code.text, sourcemap: map?.text };
}

/** Writes index.js (and index.js.map) into `dir`, creating it; returns the path of index.js. */
export async function writeBundle(dir: string): Promise<string> {
  const bundle = await bundleStreamToFirehose();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "index.js");
  await writeFile(file, bundle.code, "utf8");
  if (bundle.sourcemap !== undefined) await writeFile(path.join(dir, "index.js.map"), bundle.sourcemap, "utf8");
  return file;
}
