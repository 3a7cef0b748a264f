/**
 * Trino 476, Athena's engine, for the local pipeline: `local/emulator/trino_server.py serve` (the one description
 * of the server and its Athena-like catalogs) started as a child on the emulator, queried over Trino's
 * REST protocol; and the lake's Glue objects created from the same inputs the components deploy.
 */
import path from "node:path";
import { createInterface } from "node:readline";
import { CreateDatabaseCommand, CreateTableCommand, DeleteTableCommand, EntityNotFoundException, GlueClient, GetDatabaseCommand } from "@aws-sdk/client-glue";
import { lakeDatabaseInput } from "../../infra/lake-catalog";
import { changesTableInput } from "../../infra/views/changes-table";
import { liveViewGlueTable } from "../../infra/views/live-view";
import { resolveSpec, type LakeTableSpec } from "../../infra/views/table-spec";
import { quoteIdentifier } from "../../infra/views/sql-text";
import { startChild } from "../support/child";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./moto";
import { REPO_ROOT, venvPython } from "../support/paths";
import type { LakeRow } from "../lake/spark-runner";

export interface LocalTrino {
  readonly url: string;
  /** Seconds from launch until Trino answered /v1/info with starting=false. */
  readonly startSeconds: number;
  /** Resident memory of the server right after start. */
  readonly rssBytes: number;
  /** Runs one statement as Athena would (session time zone UTC); rows as objects by column name. */
  query(sql: string, schema?: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

interface TrinoPage {
  nextUri?: string;
  columns?: { name: string }[];
  data?: unknown[][];
  error?: { errorName?: string; message?: string };
}

const USER = "dynamodb-lake";

export async function startTrino(awsEndpoint: string, timeoutMs = 300_000): Promise<LocalTrino> {
  const child = startChild("trino", venvPython(), [path.join(REPO_ROOT, "local", "emulator", "trino_server.py"), "serve", "--aws-endpoint", awsEndpoint, "--region", LOCAL_REGION], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let errors = "";
  child.process.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const ready = new Promise<{ url: string; startSeconds: number; rssBytes: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.process.stdout! });
    lines.once("line", (line) => resolve(JSON.parse(line) as { url: string; startSeconds: number; rssBytes: number }));
    void child.exited.then((code) => reject(new Error(`Trino exited with ${code} before it was ready:\n${errors}`)));
    setTimeout(() => reject(new Error(`Trino did not start within ${timeoutMs} ms:\n${errors}`)), timeoutMs).unref();
  });
  let started: { url: string; startSeconds: number; rssBytes: number };
  try {
    started = await ready;
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { ...started, query: (sql, schema) => query(started.url, sql, schema), stop: () => child.stop() };
}

async function query(url: string, sql: string, schema?: string): Promise<Record<string, unknown>[]> {
  const headers: Record<string, string> = { "X-Trino-User": USER, "X-Trino-Catalog": "awsdatacatalog", "X-Trino-Time-Zone": "UTC" };
  if (schema !== undefined) headers["X-Trino-Schema"] = schema;
  let response = await fetch(`${url}/v1/statement`, { method: "POST", body: sql, headers });
  let columns: string[] | undefined;
  const rows: Record<string, unknown>[] = [];
  for (;;) {
    const page = (await response.json()) as TrinoPage;
    if (page.error) throw new Error(`${page.error.errorName ?? "ERROR"}: ${page.error.message ?? ""}\n--- query ---\n${sql}`);
    columns ??= page.columns?.map((column) => column.name);
    for (const data of page.data ?? []) rows.push(Object.fromEntries(data.map((value, i) => [columns![i]!, value])));
    if (!page.nextUri) return rows;
    response = await fetch(page.nextUri, { headers: { "X-Trino-User": USER } });
  }
}

/**
 * Creates the lake's database (when absent), `<t>_changes` and `<t>_live` in the emulator's Glue catalog
 * from the Glue inputs the components deploy; an existing table is replaced.
 */
export async function createCatalogTables(endpoint: string, spec: LakeTableSpec): Promise<void> {
  const glue = new GlueClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    try {
      await glue.send(new GetDatabaseCommand({ Name: spec.database }));
    } catch (error) {
      if (!(error instanceof EntityNotFoundException)) throw error;
      await glue.send(new CreateDatabaseCommand({ DatabaseInput: lakeDatabaseInput(spec.database) }));
    }
    for (const table of [changesTableInput(spec), liveViewGlueTable(spec)]) {
      try {
        await glue.send(new DeleteTableCommand({ DatabaseName: spec.database, Name: table.Name }));
      } catch (error) {
        if (!(error instanceof EntityNotFoundException)) throw error;
      }
      await glue.send(new CreateTableCommand({ DatabaseName: spec.database, TableInput: table }));
    }
  } finally {
    glue.destroy();
  }
}

/** `<t>_current` (through the Glue catalog's Iceberg redirection) or `<t>_live`, as Athena users query them. */
export async function trinoLakeRows(trino: LocalTrino, spec: LakeTableSpec, which: "current" | "live"): Promise<LakeRow[]> {
  const { tables } = resolveSpec(spec);
  const columns = ["_key", "_seq", "item", ...(which === "live" ? ["_source"] : [])].map(quoteIdentifier).join(", ");
  const rows = await trino.query(`SELECT ${columns} FROM ${quoteIdentifier(spec.database)}.${quoteIdentifier(tables[which])}`);
  return rows as unknown as LakeRow[];
}

/** Trino started on the emulator with the lake's catalog tables in place: what the demo queries. */
export async function startLakeTrino(endpoint: string, spec: LakeTableSpec): Promise<LocalTrino> {
  await createCatalogTables(endpoint, spec);
  return startTrino(endpoint);
}

export function describeTrino(trino: LocalTrino): string {
  return `${trino.url}, started in ${trino.startSeconds.toFixed(1)} s, RSS ${(trino.rssBytes / 2 ** 20).toFixed(0)} MiB`;
}
