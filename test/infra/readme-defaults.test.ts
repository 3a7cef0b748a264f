/**
 * The README's configuration reference against the code: every default the table states for a
 * capture, snapshot, compaction or reconcile setting is the value the components use.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CAPTURE_DEFAULTS } from "../../infra/capture-settings";
import { DEFAULT_BUCKETS, DEFAULT_NUMBER_OF_WORKERS, DEFAULT_READ_PERCENT, DEFAULT_RECONCILE_READ_PERCENT, DEFAULT_SNAPSHOT_MODE, DEFAULT_SNAPSHOT_RETENTION_HOURS, DEFAULT_TOMBSTONE_RETENTION_HOURS, DEFAULT_WORKER_TYPE } from "../../infra/glue-job-arguments";
import { DEFAULT_COMPACTION_SCHEDULE, DEFAULT_COMPACTION_TIMEOUT_MINUTES, DEFAULT_MAINTENANCE_SCHEDULE } from "../../infra/table-compaction";
import { DEFAULT_RECONCILE_TIMEOUT_MINUTES } from "../../infra/table-reconcile";
import { DEFAULT_SNAPSHOT_TIMEOUT_MINUTES } from "../../infra/table-snapshot";

const README = readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

/**
 * `| key | default | meaning |` rows, one entry per key. A row may name several keys
 * (`capture.a` / `b`, later ones relative to the first's section) with as many defaults (`1 / 2`).
 */
export function documentedDefaults(markdown: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const line of markdown.split("\n")) {
    const cells = /^\| (`[^|]+`) \| ([^|]+) \|/.exec(line);
    if (!cells) continue;
    const keys = cells[1]!.split(" / ").map((k) => k.replace(/`/g, "").trim());
    const values = keys.length === 1 ? [cells[2]!.trim()] : cells[2]!.split(" / ").map((v) => v.trim());
    if (values.length !== keys.length) throw new Error(`README row ${JSON.stringify(line)}: ${keys.length} keys but ${values.length} defaults`);
    const section = keys[0]!.includes(".") ? `${keys[0]!.slice(0, keys[0]!.indexOf("."))}.` : "";
    keys.forEach((key, i) => defaults.set(i === 0 || key.includes(".") ? key : `${section}${key}`, values[i]!));
  }
  return defaults;
}

/** A default as the table writes it: a number (units and notes after it dropped), or text without backticks. */
function asValue(text: string): string | number {
  const number = /^(\d+(?:\.\d+)?)(?:\s|$)/.exec(text);
  return number ? Number(number[1]) : text.replace(/`/g, "");
}

const CODE_DEFAULTS: Readonly<Record<string, string | number>> = {
  snapshotMode: DEFAULT_SNAPSHOT_MODE,
  "capture.batchSize": CAPTURE_DEFAULTS.batchSize,
  "capture.maximumBatchingWindowInSeconds": CAPTURE_DEFAULTS.maximumBatchingWindowInSeconds,
  "capture.parallelizationFactor": CAPTURE_DEFAULTS.parallelizationFactor,
  "capture.maximumRetryAttempts": CAPTURE_DEFAULTS.maximumRetryAttempts,
  "capture.maximumRecordAgeInSeconds": CAPTURE_DEFAULTS.maximumRecordAgeInSeconds,
  "capture.functionMemorySize": CAPTURE_DEFAULTS.functionMemorySize,
  "capture.functionTimeoutSeconds": CAPTURE_DEFAULTS.functionTimeoutSeconds,
  "capture.logRetentionInDays": CAPTURE_DEFAULTS.logRetentionInDays,
  "capture.bufferingIntervalSeconds": CAPTURE_DEFAULTS.bufferingIntervalSeconds,
  "capture.bufferingSizeMiB": CAPTURE_DEFAULTS.bufferingSizeMiB,
  "capture.iteratorAgeAlarmThresholdSeconds": CAPTURE_DEFAULTS.iteratorAgeAlarmThresholdSeconds,
  "capture.deliveryFreshnessAlarmThresholdSeconds": `buffer + ${CAPTURE_DEFAULTS.deliveryFreshnessAlarmMarginSeconds}`,
  "snapshot.readPercent": DEFAULT_READ_PERCENT,
  "snapshot.buckets": DEFAULT_BUCKETS,
  "snapshot.workerType": DEFAULT_WORKER_TYPE,
  "snapshot.numberOfWorkers": DEFAULT_NUMBER_OF_WORKERS,
  "snapshot.timeoutMinutes": DEFAULT_SNAPSHOT_TIMEOUT_MINUTES,
  "compaction.schedule": DEFAULT_COMPACTION_SCHEDULE,
  "compaction.workerType": DEFAULT_WORKER_TYPE,
  "compaction.numberOfWorkers": DEFAULT_NUMBER_OF_WORKERS,
  "compaction.timeoutMinutes": DEFAULT_COMPACTION_TIMEOUT_MINUTES,
  "compaction.maintenanceSchedule": DEFAULT_MAINTENANCE_SCHEDULE,
  "compaction.snapshotRetentionHours": DEFAULT_SNAPSHOT_RETENTION_HOURS,
  "compaction.tombstoneRetentionHours": DEFAULT_TOMBSTONE_RETENTION_HOURS,
  "reconcile.readPercent": DEFAULT_RECONCILE_READ_PERCENT,
  "reconcile.workerType": DEFAULT_WORKER_TYPE,
  "reconcile.numberOfWorkers": DEFAULT_NUMBER_OF_WORKERS,
  "reconcile.timeoutMinutes": DEFAULT_RECONCILE_TIMEOUT_MINUTES,
};

void describe("the README's configuration reference", () => {
  void it("reads rows of one key and rows of several", () => {
    const rows = documentedDefaults("| `a.x` | 21600 (6 h) | note |\n| `b.p` / `q` / `r` | G.1X / 2 / `cron(0 * * * ? *)` | |\n| other | text |");
    assert.deepEqual([...rows], [
      ["a.x", "21600 (6 h)"],
      ["b.p", "G.1X"],
      ["b.q", "2"],
      ["b.r", "`cron(0 * * * ? *)`"],
    ]);
    assert.deepEqual([...rows.values()].map(asValue), [21600, "G.1X", 2, "cron(0 * * * ? *)"]);
    assert.throws(() => documentedDefaults("| `a` / `b` | 1 | |"), /2 keys but 1 defaults/);
  });

  void it("states the code's default for every capture, snapshot, compaction and reconcile setting", () => {
    const documented = documentedDefaults(README);
    const stated = Object.fromEntries(Object.keys(CODE_DEFAULTS).map((key) => [key, documented.has(key) ? asValue(documented.get(key)!) : "(not in the README)"]));
    assert.deepEqual(stated, CODE_DEFAULTS);
  });

  void it("documents every capture setting there is", () => {
    const documented = [...documentedDefaults(README).keys()].filter((k) => k.startsWith("capture.")).sort();
    const code = Object.keys(CAPTURE_DEFAULTS)
      .map((k) => `capture.${k === "deliveryFreshnessAlarmMarginSeconds" ? "deliveryFreshnessAlarmThresholdSeconds" : k}`)
      .sort();
    assert.deepEqual(documented, code);
  });
});
