/**
 * One run of the whole pipeline under chosen faults, on a shared local
 * environment: capture (with function and Firehose faults) while the workload
 * writes through the export, load-snapshot, compactions (killed and rerun when
 * asked, with late and out-of-order delta files when asked), then the checks.
 */
import { compareWithTable, differenceCount } from "../checks/compare";
import { startCapture } from "../capture/capture";
import { getObject, maybeGunzip, parseDeltaLines, readDeltaObjects } from "../capture/deltas";
import type { LocalEnvironment } from "../emulator/environment";
import type { FaultPlan } from "./firehose-proxy";
import { crashingMidBatch, duplicatingBatches } from "./handler-faults";
import { LocalLake, type CompactSummary } from "../lake/lake";
import { LateFiles } from "./late-files";
import type { Differences } from "../checks/model";
import type { PollerStats, StreamHandler } from "../capture/poller";
import { reconcileWithFreshExport, type ReconcileReport } from "../lake/reconcile";
import { createSampleTable } from "../source/sample-table";
import { scanTable } from "../source/scan";
import { SeqHistory, type Regression } from "../checks/seq-history";
import { SparkRunner, type LakeRow } from "../lake/spark-runner";
import { Workload } from "../source/workload";

export interface Faults {
  readonly functionCrashes?: boolean;
  readonly firehoseFailures?: boolean;
  readonly duplicateDeliveries?: boolean;
  readonly lateFiles?: boolean;
  readonly killCompaction?: boolean;
}

export interface ScenarioResult {
  readonly tableName: string;
  readonly seconds: number;
  readonly sparkSeconds: number;
  readonly compactions: CompactSummary[];
  readonly regressions: Regression[];
  readonly differences: Differences;
  readonly reconcile: ReconcileReport;
  readonly deadLetters: number;
  readonly poller: PollerStats;
  readonly injected: Record<string, number>;
}

/** Firehose: some entries fail, then every entry for longer than the function's timeout, throttling, dropped connections. */
function firehosePlan(): FaultPlan {
  let failingUntil = 0;
  return (call, entries) => {
    if (call === 6) failingUntil = Date.now() + 2500;
    if (Date.now() < failingUntil) return { kind: "failAll" };
    if (call % 5 === 1) return { kind: "failEntries", positions: [0, Math.floor(entries / 2), entries - 1] };
    if (call % 9 === 4) return { kind: "throttle" };
    if (call % 11 === 7) return { kind: "dropConnection" };
    return { kind: "pass" };
  };
}

export async function runFaultScenario(env: LocalEnvironment, name: string, seed: number, faults: Faults): Promise<ScenarioResult> {
  const started = Date.now();
  let sparkMs = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      sparkMs += Date.now() - t0;
    }
  };
  const tableName = `faults-${name}`;
  const table = await createSampleTable(env.clients, tableName, `lake-${name}`);
  const workload = new Workload(env.clients, table, { items: 40, ops: 160, seed, nearLimitItems: 2 });
  const injected = { crashes: 0, duplicated: 0 };
  const wrap = (handler: StreamHandler): StreamHandler => {
    let h = handler;
    if (faults.functionCrashes) h = crashingMidBatch(h, (n, records) => (n % 3 === 1 && records > 1 ? Math.floor(records / 2) : undefined), injected);
    if (faults.duplicateDeliveries) h = duplicatingBatches(h, (n) => n % 3 === 2, injected);
    return h;
  };
  const capture = await startCapture({
    clients: env.clients,
    table,
    ttlDeletes: workload.ttlDeletes,
    // Small batches: more invocations, so more of them meet a fault. A short timeout makes a total
    // Firehose outage outlast the function, which then reports batch item failures.
    settings: { batchSize: 20, maximumBatchingWindowInSeconds: 0, functionTimeoutMs: 2000 },
    wrap,
  });
  if (faults.firehoseFailures) capture.proxy.plan = firehosePlan();
  const lake = new LocalLake(env.clients, table, `lake_${name}`, env.spark);
  const late = new LateFiles(env.clients, table.bucket, tableName);
  const history = new SeqHistory();
  const regressions: Regression[] = [];
  const compactions: CompactSummary[] = [];
  let overtaken = 0;
  let lateFiles = 0;
  let lastRows: LakeRow[] = [];
  const compactAndRecord = async (): Promise<void> => {
    compactions.push(await timed(() => lake.compact()));
    lastRows = await timed(() => lake.currentRows());
    regressions.push(...history.record(lastRows));
  };
  // Each killed compaction ends its process: a spare session warms up while the workload runs.
  const spares: SparkRunner[] = [];
  const spare = (): SparkRunner => {
    const runner = new SparkRunner(env.moto.endpoint);
    spares.push(runner);
    void runner.warmUp(lake.sparkConf).catch(() => undefined);
    return runner;
  };
  let killer = faults.killCompaction ? spare() : undefined;
  try {
    await workload.loadInitialItems();
    // The export is taken while the workload keeps writing.
    const [exportUri] = await Promise.all([lake.exportTable(), workload.runOperations(60)]);
    await capture.poller.caughtUp();
    if (faults.lateFiles) await late.holdBack((i) => i % 3 === 0);
    await timed(() => lake.loadSnapshot(exportUri));
    if (killer) {
      await timed(() => lake.compactKilledAt("before_commit", killer!));
      killer = spare();
    }
    await compactAndRecord();

    await workload.runOperations(100);
    await capture.poller.caughtUp();
    if (faults.lateFiles) {
      overtaken = await countOvertaken(env, table.bucket, tableName, late.heldKeys);
      lateFiles = (await late.releaseAll()).length;
    }
    if (killer) {
      await timed(() => lake.compactKilledAt("after_commit", killer!));
      regressions.push(...history.record(await timed(() => lake.currentRows())));
    }
    await compactAndRecord();
  } finally {
    await capture.stop();
    for (const runner of spares) await runner.stop();
  }
  const scan = await scanTable(env.clients, tableName);
  const differences = compareWithTable(scan, lastRows);
  const reconcile = await timed(() => reconcileWithFreshExport(lake));
  const deltas = (await readDeltaObjects(env.clients.s3, table.bucket, tableName)).flatMap((o) => o.records);
  return {
    tableName,
    seconds: (Date.now() - started) / 1000,
    sparkSeconds: sparkMs / 1000,
    compactions,
    regressions,
    differences,
    reconcile,
    deadLetters: capture.poller.destination.length,
    poller: { ...capture.poller.stats },
    injected: {
      ...injected,
      firehoseFailedEntries: capture.proxy.stats.entriesFailed,
      firehoseThrottled: capture.proxy.stats.throttled,
      firehoseDropped: capture.proxy.stats.dropped,
      deltaLines: deltas.length,
      distinctSeqs: new Set(deltas.map((d) => d.seq)).size,
      lateFiles,
      lateChangesOvertaken: overtaken,
      ttlDeletes: workload.ttlDeletes.size,
    },
  };
}

/** Held-back changes whose key already has a newer change in a file that was not held back. */
async function countOvertaken(env: LocalEnvironment, bucket: string, tableName: string, held: readonly string[]): Promise<number> {
  const newest = new Map<string, string>();
  for (const record of (await readDeltaObjects(env.clients.s3, bucket, tableName)).flatMap((o) => o.records)) {
    const key = JSON.stringify(record.keys);
    if ((newest.get(key) ?? "") < record.seq) newest.set(key, record.seq);
  }
  let overtaken = 0;
  for (const key of held) {
    const text = maybeGunzip(await getObject(env.clients.s3, bucket, `_held/${key}`)).toString("utf8");
    for (const record of parseDeltaLines(text, key)) if ((newest.get(JSON.stringify(record.keys)) ?? "") > record.seq) overtaken++;
  }
  return overtaken;
}

export const totalDifferences = (r: ScenarioResult): number => differenceCount(r.differences);
