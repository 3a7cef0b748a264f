/**
 * One table's lake on the emulator: the snapshot (PITR export), the Glue
 * scripts run with local Spark on the production path — Iceberg's GlueCatalog
 * and S3FileIO against the emulator, with the arguments and the Spark `--conf`
 * the deployed jobs get — and the current view and the live view read back
 * for checks.
 */
import { DescribeExportCommand, ExportTableToPointInTimeCommand } from "@aws-sdk/client-dynamodb";
import {
  compactArguments,
  icebergSparkConf,
  jobArgv,
  loadSnapshotArguments,
  maintenanceArguments,
  reconcileArguments,
  warehouseUriOf,
  type JobArguments,
  type TableJobInputs,
} from "../../infra/glue-job-arguments";
import { exportsPrefix } from "../../infra/layout";
import type { LakeTableSpec } from "../../infra/views/table-spec";
import type { LocalClients } from "../emulator/aws";
import { listKeys } from "../capture/deltas";
import { LOCAL_REGION } from "../emulator/moto";
import { SAMPLE_KEYS, type SampleTable } from "../source/sample-table";
import type { GlueScript, JobResult, LakeRow, SparkRunner } from "./spark-runner";

export interface CompactSummary {
  readonly files: number;
  readonly records: number;
  readonly applied: number;
  readonly deleted: number;
  readonly quarantined: number;
  readonly seconds?: number;
}

export class LocalLake {
  readonly spec: LakeTableSpec;

  constructor(
    private readonly clients: LocalClients,
    readonly table: SampleTable,
    readonly database: string,
    private readonly spark: SparkRunner,
  ) {
    this.spec = {
      tableName: table.tableName,
      database,
      bucket: table.bucket,
      keys: [...SAMPLE_KEYS],
      declaredColumns: {},
    };
  }

  uri(prefix: string): string {
    return `s3://${this.table.bucket}/${prefix}`;
  }

  /** The value of the deployed jobs' Glue `--conf` argument: the Spark catalog of every local job. */
  get sparkConf(): string {
    return icebergSparkConf(warehouseUriOf(this.table.bucket));
  }

  /** What the table's deployed jobs are told (their arguments come from the same functions). */
  private get inputs(): TableJobInputs {
    return { tableName: this.table.tableName, database: this.database, bucket: this.table.bucket, keys: this.spec.keys, declaredColumns: this.spec.declaredColumns, region: LOCAL_REGION };
  }

  /** A deployed job's command line: its arguments plus Glue's `--conf` (Glue applies it; the local runner too). */
  private argv(args: JobArguments): string[] {
    return jobArgv({ "--conf": this.sparkConf, ...args });
  }

  loadSnapshotArgv(exportUri: string): string[] {
    return this.argv(loadSnapshotArguments({ ...this.inputs, exportUri }));
  }

  compactArgv(): string[] {
    return this.argv(compactArguments(this.inputs));
  }

  maintenanceArgv(): string[] {
    return this.argv(maintenanceArguments(this.inputs));
  }

  /** Against a scan of the table (at full read capacity: the emulator's table serves nobody else) or an export. */
  reconcileArgv(from: { readonly scan: true } | { readonly exportUri: string }): string[] {
    return this.argv(reconcileArguments("exportUri" in from ? { ...this.inputs, exportUri: from.exportUri } : { ...this.inputs, readPercent: 1 }));
  }

  /**
   * ExportTableToPointInTime into exports/<table>/ and waits; returns the export directory. The
   * emulator writes data/<uuid>.gz only (no manifest files), so the directory is found by listing.
   * The emulator's export thread iterates the live table without a lock, so a write racing it can fail
   * the export with "dictionary changed size during iteration": that case is retried.
   */
  async exportTable(pollMs = 200, timeoutMs = 120_000, attempts = 3): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exportOnce(pollMs, timeoutMs);
      } catch (error) {
        if (attempt >= attempts || !(error instanceof Error) || !error.message.includes("changed size during iteration")) throw error;
      }
    }
  }

  private async exportOnce(pollMs: number, timeoutMs: number): Promise<string> {
    const prefix = exportsPrefix(this.table.tableName).replace(/\/$/, "");
    const before = new Set(await this.exportDirs());
    const started = await this.clients.dynamodb.send(
      new ExportTableToPointInTimeCommand({ TableArn: this.table.tableArn, S3Bucket: this.table.bucket, S3Prefix: prefix, ExportFormat: "DYNAMODB_JSON" }),
    );
    const arn = started.ExportDescription?.ExportArn;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const described = await this.clients.dynamodb.send(new DescribeExportCommand({ ExportArn: arn }));
      const status = described.ExportDescription?.ExportStatus;
      if (status === "COMPLETED") break;
      if (status === "FAILED") {
        throw new Error(`export ${arn} failed: ${described.ExportDescription?.FailureCode} ${described.ExportDescription?.FailureMessage}`);
      }
      if (Date.now() > deadline) throw new Error(`export ${arn} still ${status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
    const fresh = (await this.exportDirs()).filter((d) => !before.has(d));
    if (fresh.length !== 1) throw new Error(`expected one new export directory under ${prefix}/, found ${JSON.stringify(fresh)}`);
    return this.uri(`${fresh[0]}/`);
  }

  private async exportDirs(): Promise<string[]> {
    const keys = await listKeys(this.clients.s3, this.table.bucket, exportsPrefix(this.table.tableName));
    return [...new Set(keys.filter((k) => k.includes("/data/")).map((k) => k.slice(0, k.indexOf("/data/"))))];
  }

  async loadSnapshot(exportUri: string): Promise<JobResult> {
    return this.expectSuccess("load_snapshot", await this.spark.job("load_snapshot", this.loadSnapshotArgv(exportUri)));
  }

  async compact(): Promise<CompactSummary> {
    const result = this.expectSuccess("compact", await this.spark.job("compact", this.compactArgv()));
    return summaryOf(result.output);
  }

  /** Snapshot expiry, file and delete rewrites, orphan removal, tombstone and ledger pruning: its JSON summary line. */
  async maintain(): Promise<string> {
    const result = this.expectSuccess("maintenance", await this.spark.job("maintenance", this.maintenanceArgv()));
    return lastJsonLine(result.output);
  }

  /**
   * A compaction that exits (like a killed job) at the given point, in the given runner: its process
   * dies, so it should not be the shared one (a warmed-up spare saves the wait for a new JVM).
   */
  async compactKilledAt(point: "after_ledger" | "after_tombstones" | "before_commit" | "after_commit", runner: SparkRunner): Promise<JobResult> {
    const result = await runner.jobThatExits("compact", [...this.compactArgv(), "--fail_at", point]);
    if (result.exitCode !== 137) throw new Error(`compaction with --fail_at ${point} exited ${result.exitCode}, expected 137:\n${result.output.slice(-3000)}`);
    return result;
  }

  async currentRows(): Promise<LakeRow[]> {
    return this.spark.currentRows(this.sparkConf, this.database, this.table.tableName);
  }

  async run(script: GlueScript, argv: readonly string[]): Promise<JobResult> {
    return this.spark.job(script, argv);
  }

  private expectSuccess(script: string, result: JobResult): JobResult {
    if (result.exitCode !== 0) throw new Error(`${script} exited ${result.exitCode}:\n${result.output.slice(-4000)}`);
    return result;
  }
}

/** A job's last JSON line (its summary). */
export function lastJsonLine(output: string): string {
  return output.split("\n").filter((l) => l.startsWith("{")).pop() ?? "";
}

/** The compaction's one-line JSON summary. */
export function summaryOf(output: string): CompactSummary {
  const line = output
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{") && l.includes('"job": "compact"'));
  if (!line) throw new Error(`compact printed no summary line:\n${output.slice(-2000)}`);
  return JSON.parse(line) as CompactSummary;
}
