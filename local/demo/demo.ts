/**
 * The local end-to-end demo: emulator → sample table → capture with the real
 * bundled function → workload while the export is taken → deltas in S3 →
 * load-snapshot, compact and maintenance with local Spark on the production
 * path (Iceberg GlueCatalog + S3FileIO on the emulator, the deployed jobs'
 * arguments) → current view, live view, and a comparison with a scan of the
 * table. Exits non-zero on any difference.
 *
 *   ./scripts/demo.sh [--items N] [--ops N] [--seed N] [--no-freshness]
 */
import { parseArgs } from "node:util";
import { overflowTablePrefix } from "../../infra/layout";
import { LIVE_SOURCE } from "../../infra/views/live-view";
import { interrupted, stopAll } from "../support/cleanup";
import { compareWithTable, differenceCount, lakeItems, tableItems } from "../checks/compare";
import { startCapture } from "../capture/capture";
import { startEnvironment } from "../emulator/environment";
import { measureFreshness } from "./freshness";
import { listKeys } from "../capture/deltas";
import { lastJsonLine, LocalLake } from "../lake/lake";
import { reconcileLake } from "../lake/reconcile";
import { createSampleTable } from "../source/sample-table";
import { scanTable } from "../source/scan";
import { Stages } from "./stages";
import { describeTrino, startLakeTrino, trinoLakeRows } from "../emulator/trino";
import { Workload } from "../source/workload";

const USAGE = "usage: ./scripts/demo.sh [--items N (default 200)] [--ops N (default 600)] [--seed N (default 42)] [--no-freshness]";

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text)) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(text)}\n${USAGE}`);
  return Number(text);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      items: { type: "string" },
      ops: { type: "string" },
      seed: { type: "string" },
      "no-freshness": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const items = positiveInt("items", values.items, 200);
  const ops = positiveInt("ops", values.ops, 600);
  const seed = positiveInt("seed", values.seed, 42);
  const tableName = "orders";
  const stages = new Stages();
  process.stdout.write(`dynamodb-lake local demo: ${items} items, ${ops} operations, seed ${seed}\n`);

  const env = await stages.run("start the local AWS emulator (moto)", () => startEnvironment(), (e) => e.moto.endpoint);
  const table = await stages.run(
    "create the sample table (stream NEW_AND_OLD_IMAGES, PITR, TTL), lake bucket and Firehose stream",
    () => createSampleTable(env.clients, tableName, "dynamodb-lake-demo"),
    (t) => t.tableArn,
  );
  const workload = new Workload(env.clients, table, { items, ops, seed, nearLimitItems: 2 });
  const capture = await stages.run(
    "start capture: the bundled stream-to-firehose function behind a local event source mapping (TRIM_HORIZON)",
    () => startCapture({ clients: env.clients, table, ttlDeletes: workload.ttlDeletes }),
    (c) => `batch size ${c.poller.settings.batchSize}, window ${c.poller.settings.maximumBatchingWindowInSeconds} s, bisect on error, retries ${c.poller.settings.maximumRetryAttempts}`,
  );
  const lake = new LocalLake(env.clients, table, "lake_demo", env.spark);
  await stages.run("write the initial items", () => workload.loadInitialItems(), () => `${items} items (2 near 400 KB)`);
  const exportUri = await stages.run(
    "take the snapshot (ExportTableToPointInTime) while the workload keeps writing",
    async () => {
      const half = Math.floor(ops / 2);
      const [uri] = await Promise.all([lake.exportTable(), workload.runOperations(half)]);
      await workload.runOperations(ops - half);
      return uri;
    },
    (uri) => `${uri}; ${JSON.stringify(workload.counts)}`,
  );
  await stages.run(
    "wait for every change to land in S3 as delta files",
    async () => {
      await capture.poller.caughtUp();
      return (await listKeys(env.clients.s3, table.bucket, overflowTablePrefix(tableName))).length;
    },
    (overflow) =>
      `${capture.poller.stats.invocations} invocations, ${capture.proxy.stats.calls} PutRecordBatch calls (one delta object each), ` +
      `${overflow} record(s) over 1000 KiB in overflow/, ${capture.poller.destination.length} batches to the dead-letter queue`,
  );
  await stages.run("load-snapshot (local Spark, Iceberg GlueCatalog + S3FileIO on the emulator)", () => lake.loadSnapshot(exportUri), (r) => lastJsonLine(r.output));
  await stages.run("compact the deltas into the current view", () => lake.compact(), (s) => JSON.stringify(s));
  await stages.run("maintenance (expire snapshots, rewrite files and deletes, remove orphans)", () => lake.maintain(), (line) => line);

  const scan = await scanTable(env.clients, tableName);
  const reconciled = await stages.run("reconcile the current view with a scan of the table (reconcile.py --scan true)", () => reconcileLake(lake, { scan: true }));
  // Writes after the last compaction: the live view must show them from the delta files alone.
  const lateOps = Math.max(1, Math.floor(ops / 10));
  await stages.run(
    "write more operations after compaction and wait for their delta files (left uncompacted)",
    async () => {
      await workload.runOperations(lateOps);
      await capture.poller.caughtUp();
    },
    () => `${lateOps} operations`,
  );
  const scanAfter = await scanTable(env.clients, tableName);
  const trino = await stages.run("start Trino (Athena's engine) with the catalog tables the components create", () => startLakeTrino(env.moto.endpoint, lake.spec), describeTrino);
  const current = await stages.run("read the current view (on Trino)", () => trinoLakeRows(trino, lake.spec, "current"), (rows) => `${rows.length} rows`);
  for (const row of current.slice(0, 3)) stages.info(`${row._key}  _seq=${row._seq}  item=${truncate(row.item, 110)}`);
  const live = await stages.run("query the live view (on Trino)", () => trinoLakeRows(trino, lake.spec, "live"), (rows) => `${rows.length} rows`);
  const fromChanges = lakeItems(live.filter((row) => row._source === LIVE_SOURCE.changes));
  const fromCurrent = live.filter((row) => row._source === LIVE_SOURCE.current).length;
  const before = tableItems(scan);
  const changedLate = [...tableItems(scanAfter)].filter(([key, item]) => before.get(key) !== item).map(([key]) => key);
  const notFromChanges = changedLate.filter((key) => !fromChanges.has(key)).length;
  stages.info(
    `live view rows by _source: ${fromChanges.size} from ${LIVE_SOURCE.changes} (uncompacted deltas), ${fromCurrent} from ${LIVE_SOURCE.current}; ` +
      `${changedLate.length} items changed after compaction, ${notFromChanges} of them not read from ${LIVE_SOURCE.changes}`,
  );
  const liveDiff = differenceCount(compareWithTable(scanAfter, live));
  stages.info(`live view vs a scan after the late writes: ${live.length} items, ${liveDiff} differences`);

  const ownDiff = compareWithTable(scan, current);
  stages.info(`independent check of the current view: ${current.length} items, ${differenceCount(ownDiff)} differences`);
  process.stdout.write(`\n${reconciled.summary}\n`);
  const failed =
    reconciled.differences !== 0 || differenceCount(ownDiff) !== 0 || liveDiff !== 0 || notFromChanges !== 0 || capture.poller.destination.length > 0;

  if (!values["no-freshness"] && !failed) {
    const figures = await stages.run("measure freshness on Trino (write → live view, write → current view)", () => measureFreshness(lake, trino, workload));
    stages.info(figures.text);
  }
  await trino.stop();
  await capture.stop();
  await stages.run("stop everything", () => env.stop());
  process.stdout.write(`done in ${stages.totalSeconds().toFixed(1)} s\n`);
  if (failed) process.stdout.write("FAILED: the lake differs from the table\n");
  return failed ? 1 : 0;
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

main()
  .then(async (code) => {
    await stopAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    // Ctrl-C: the signal handler is stopping everything and sets the exit code.
    if (interrupted()) return;
    process.stderr.write(`\ndemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(1);
  });
