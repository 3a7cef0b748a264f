/**
 * The local AWS: moto's server with Glue's optimistic lock on UpdateTable
 * (local/emulator/moto_server.py) on a free loopback port, stopped with everything
 * else on exit, failure, Ctrl-C or SIGTERM.
 */
import { createServer } from "node:net";
import path from "node:path";
import { startChild, type ManagedChild } from "../support/child";
import { REPO_ROOT, venvPython } from "../support/paths";

export const LOCAL_REGION = "us-east-1"; // moto stamps stream records with us-east-1 whatever the client region
export const LOCAL_ACCOUNT = "123456789012";
export const LOCAL_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const python = venvPython();
  const port = await freePort();
  let output = "";
  const child: ManagedChild = startChild("moto server", python, [path.join(REPO_ROOT, "local", "emulator", "moto_server.py"), "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey },
  });
  // Keep only the tail of the server's log, for the error message if it fails to start.
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.process.stdout?.on("data", keep);
  child.process.stderr?.on("data", keep);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) throw new Error(`moto server exited with ${exitCode} before it was ready:\n${output}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`moto server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { endpoint, port, stop: () => child.stop() };
}
