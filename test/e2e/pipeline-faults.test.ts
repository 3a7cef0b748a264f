/**
 * The whole local pipeline under faults, each on its own and all together:
 * the function crashing mid-batch; Firehose failing some entries, then all,
 * throttling and dropping connections; duplicate deliveries; delta files
 * arriving late and out of order; the compaction killed before and after its
 * commit, then rerun; writes continuing during the export (every scenario).
 * After each: the current view equals a scan of the table, reconcile.py
 * reports 0 differences against a fresh export, nothing went to the
 * dead-letter queue, and no key's _seq ever went backwards between compactions.
 */
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startEnvironment, type LocalEnvironment } from "../../local/emulator/environment";
import { runFaultScenario, totalDifferences, type Faults, type ScenarioResult } from "../../local/faults/fault-scenario";
import { REPO_ROOT } from "../../local/support/paths";

let env: LocalEnvironment;
const results: { name: string; result: ScenarioResult }[] = [];

before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env.stop();
  // Figures for the README: each scenario's time and what was injected.
  mkdirSync(path.join(REPO_ROOT, ".cache"), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, ".cache", "e2e-faults.json"), JSON.stringify(results, null, 1));
});

function assertClean(result: ScenarioResult): void {
  assert.deepEqual(result.regressions, [], "a key went back to an older version");
  assert.deepEqual(result.differences, { missing: [], extra: [], differing: [] });
  assert.equal(totalDifferences(result), 0);
  assert.equal(result.reconcile.differences, 0, result.reconcile.summary);
  assert.equal(result.reconcile.exitCode, 0);
  assert.match(result.reconcile.summary, /^reconcile: \d+ items, 0 differences/);
  assert.equal(result.deadLetters, 0, "nothing may go to the dead-letter queue");
  assert.ok(result.compactions.length >= 2);
}

async function scenario(name: string, seed: number, faults: Faults): Promise<ScenarioResult> {
  const result = await runFaultScenario(env, name, seed, faults);
  results.push({ name, result });
  assertClean(result);
  return result;
}

void describe("the local pipeline under faults", () => {
  void test("writes continuing during the export (no other fault)", async () => {
    const r = await scenario("baseline", 101, {});
    assert.equal(r.injected.deltaLines, r.injected.distinctSeqs, "no duplicates without faults");
    assert.ok(r.injected.ttlDeletes! > 0);
  });

  void test("the function crashing mid-batch", async () => {
    const r = await scenario("crash", 102, { functionCrashes: true });
    assert.ok(r.injected.crashes! > 0 && r.poller.bisects > 0, JSON.stringify(r.poller));
    assert.ok(r.injected.deltaLines! > r.injected.distinctSeqs!, "a crash after partial delivery duplicates lines");
  });

  void test("Firehose failing some entries, then all, throttling and dropping connections", async () => {
    const r = await scenario("firehose", 103, { firehoseFailures: true });
    assert.ok(r.injected.firehoseFailedEntries! > 0 && r.injected.firehoseThrottled! > 0 && r.injected.firehoseDropped! > 0, JSON.stringify(r.injected));
    assert.ok(r.poller.partialFailures > 0, `batch item failures expected: ${JSON.stringify(r.poller)}`);
  });

  void test("duplicate deliveries", async () => {
    const r = await scenario("duplicates", 104, { duplicateDeliveries: true });
    assert.ok(r.injected.duplicated! > 0 && r.injected.deltaLines! > r.injected.distinctSeqs!, JSON.stringify(r.injected));
  });

  void test("delta files arriving late and out of order", async () => {
    const r = await scenario("late", 105, { lateFiles: true });
    assert.ok(r.injected.lateFiles! > 0);
    assert.ok(r.injected.lateChangesOvertaken! > 0, "some late changes must be older than changes already compacted");
  });

  void test("the compaction killed before and after its commit, then rerun", async () => {
    await scenario("killed", 106, { killCompaction: true });
  });

  void test("all faults together", async () => {
    await scenario("all", 107, { functionCrashes: true, firehoseFailures: true, duplicateDeliveries: true, lateFiles: true, killCompaction: true });
  });
});
