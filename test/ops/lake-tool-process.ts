/**
 * The lake command as an operator runs it against a local moto server: a child process with
 * the real SDK clients pointed at moto, plus moto's own control API for the tests' set-up.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/emulator/moto";

const TOOL = path.resolve(__dirname, "..", "..", "ops", "lake-tools.ts");

export interface LakeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `lake <args>` against the moto server at `endpoint`, one attempt per AWS call. */
export function lake(endpoint: string, args: string[]): Promise<LakeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", TOOL, ...args], {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_REGION: LOCAL_REGION,
        AWS_MAX_ATTEMPTS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** POSTs to moto's control API (`/moto-api/<route>`), which answers 201 when it took the setting. */
export async function motoApi(endpoint: string, route: string, body: unknown): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/${route}`, { method: "POST", body: JSON.stringify(body) });
  await res.arrayBuffer();
  assert.equal(res.status, 201, `moto ${route}`);
}
