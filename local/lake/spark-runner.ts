/**
 * Runs the Glue scripts with local Spark: a long-lived Python process
 * (local/lake/spark_runner.py) that keeps one SparkSession and calls each script's
 * main() with the same `--key value` arguments Glue passes. The session is the
 * one the job's Glue `--conf` argument describes (GlueCatalog + S3FileIO on the
 * emulator); a lake with another warehouse gets a new session. A job that is
 * meant to die (the compaction's --fail_at hook) ends its process; the next
 * request starts a new one.
 */
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { startChild, type ManagedChild } from "../support/child";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../emulator/moto";
import { REPO_ROOT, venvPython } from "../support/paths";

export type GlueScript = "load_snapshot" | "compact" | "maintenance" | "reconcile";

export interface JobResult {
  readonly exitCode: number;
  readonly output: string;
}

export interface LakeRow {
  readonly _key: string;
  readonly _seq: string;
  readonly item: string;
  readonly _source?: string;
}

/** The runner process ended while a request was in flight (a job that exits, or a crash). */
export class SparkProcessExited extends Error {
  override readonly name = "SparkProcessExited";
  constructor(
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`local Spark process exited with ${exitCode}:\n${output}`);
  }
}

type Pending = { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void };

/** The environment the scripts need: the emulator for boto3 and Iceberg, the Iceberg jars, the scripts on PYTHONPATH. */
export function sparkEnv(endpoint: string): NodeJS.ProcessEnv {
  for (const jar of ["ICEBERG_JAR", "ICEBERG_AWS_JAR"]) {
    if (!process.env[jar]) throw new Error(`${jar} is not set: run \`source scripts/env.sh\` (and ./scripts/setup.sh once)`);
  }
  const glueScripts = path.join(REPO_ROOT, "glue-scripts");
  return {
    ...process.env,
    PYTHONPATH: [glueScripts, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_REGION: LOCAL_REGION,
    SPARK_LOG_LEVEL: process.env.SPARK_LOG_LEVEL ?? "ERROR",
  };
}

export class SparkRunner {
  private child?: ManagedChild;
  private pending?: Pending;
  private queue: Promise<unknown> = Promise.resolve();
  private stderrTail = "";
  /** Processes started, for the figures: each one is a JVM start. */
  starts = 0;

  constructor(private readonly endpoint: string) {}

  /** Runs a Glue script's main(argv) in the shared session. */
  async job(script: GlueScript, argv: readonly string[]): Promise<JobResult> {
    const res = await this.request({ op: "job", script, argv });
    return { exitCode: res.exit_code as number, output: res.output as string };
  }

  /** `_key`, `_seq`, `item` of every row of lake.<database>.<table>_current (empty when it does not exist). */
  async currentRows(sparkConf: string, database: string, table: string): Promise<LakeRow[]> {
    return (await this.request({ op: "current", spark_conf: sparkConf, database, table })).rows as LakeRow[];
  }

  /** Starts the process and the session for a lake's `--conf` now, so that a later job does not wait for the JVM. */
  async warmUp(sparkConf: string): Promise<void> {
    await this.request({ op: "ping", spark_conf: sparkConf });
  }

  /** Runs a job that is meant to end the process (the compaction's --fail_at hook exits with 137). */
  async jobThatExits(script: GlueScript, argv: readonly string[]): Promise<JobResult> {
    try {
      const res = await this.job(script, argv);
      return { exitCode: res.exitCode, output: `the job returned instead of exiting:\n${res.output}` };
    } catch (error) {
      if (error instanceof SparkProcessExited) return { exitCode: error.exitCode ?? -1, output: error.output };
      throw error;
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) {
      child.process.stdin?.end();
      await child.stop();
    }
  }

  private request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const run = this.queue.then(() => this.send(body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const child = this.ensureStarted();
    const response = await new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending = { resolve, reject };
      (child.process.stdin as Writable).write(`${JSON.stringify(body)}\n`);
    });
    if (response.ok !== true) throw new Error(`local Spark ${String(body.op)} failed:\n${String(response.error)}`);
    return response;
  }

  private ensureStarted(): ManagedChild {
    if (this.child) return this.child;
    this.starts++;
    const child = startChild("local spark", venvPython(), [path.join(REPO_ROOT, "local", "lake", "spark_runner.py")], {
      cwd: REPO_ROOT,
      env: sparkEnv(this.endpoint),
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    this.child = child;
    this.stderrTail = "";
    const keep = (c: Buffer): void => {
      this.stderrTail = (this.stderrTail + c.toString()).slice(-6000);
    };
    child.process.stdout?.on("data", keep);
    child.process.stderr?.on("data", keep);
    createInterface({ input: child.process.stdio[3] as Readable }).on("line", (line) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(JSON.parse(line) as Record<string, unknown>);
    });
    void child.exited.then((code) => {
      if (this.child === child) this.child = undefined;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(new SparkProcessExited(code, this.stderrTail));
    });
    return child;
  }
}
