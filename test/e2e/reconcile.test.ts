/**
 * The documented repair check, ./scripts/reconcile.sh, against the emulator:
 * a lake with a deliberately missing, an extra and a differing item is
 * reported exactly, and exits 1; the same lake made whole again reports
 * 0 differences and exits 0.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { startEnvironment, type LocalEnvironment } from "../../local/emulator/environment";
import { keyOf, randomItem } from "../../local/source/items";
import { LocalLake } from "../../local/lake/lake";
import { REPO_ROOT } from "../../local/support/paths";
import { SeededRandom } from "../../local/source/random";
import { createSampleTable } from "../../local/source/sample-table";
import { sparkEnv } from "../../local/lake/spark-runner";

let env: LocalEnvironment;
before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env.stop();
});

function reconcileScript(lake: LocalLake, exportUri: string): { code: number | null; summary: string; details: { kind: string; _key: string }[] } {
  const run = spawnSync(path.join(REPO_ROOT, "scripts", "reconcile.sh"), ["--endpoint", env.moto.endpoint, ...lake.reconcileArgv({ exportUri })], {
    cwd: REPO_ROOT,
    env: sparkEnv(env.moto.endpoint),
    encoding: "utf8",
    timeout: 300_000,
  });
  const lines = run.stdout.split("\n");
  const summary = lines.find((l) => l.startsWith("reconcile: "));
  const json = lines.filter((l) => l.startsWith("{")).pop();
  assert.ok(summary && json, `reconcile.sh printed no report (exit ${run.status}):\n${run.stdout}\n${run.stderr.slice(-3000)}`);
  return { code: run.status, summary, details: (JSON.parse(json) as { details: { kind: string; _key: string }[] }).details };
}

void test("reconcile.sh reports exactly the missing, extra and differing items of a lake, and 0 once it is whole", async () => {
  const table = await createSampleTable(env.clients, "reconcile-check", "lake-reconcile-check");
  const random = new SeededRandom(7);
  const key = (sk: number) => ({ pk: "customer#1", sk: String(sk) });
  for (let sk = 0; sk < 10; sk++) {
    await env.clients.dynamodb.send(new PutItemCommand({ TableName: table.tableName, Item: randomItem(random, key(sk)) }));
  }
  const lake = new LocalLake(env.clients, table, "lake_reconcile", env.spark);
  const loaded = await lake.exportTable();
  await lake.loadSnapshot(loaded);

  // The table moves on without the lake: one item added (missing from the lake), one deleted (extra in
  // the lake), one changed (differing).
  await env.clients.dynamodb.send(new PutItemCommand({ TableName: table.tableName, Item: randomItem(random, key(100)) }));
  await env.clients.dynamodb.send(new DeleteItemCommand({ TableName: table.tableName, Key: keyOf(key(3)) }));
  await env.clients.dynamodb.send(
    new UpdateItemCommand({ TableName: table.tableName, Key: keyOf(key(5)), UpdateExpression: "SET qty = :q", ExpressionAttributeValues: { ":q": { N: "12345678901234567890123456789012345678" } } }),
  );
  const drifted = reconcileScript(lake, await lake.exportTable());
  assert.equal(drifted.code, 1);
  assert.equal(drifted.summary, "reconcile: 10 items, 3 differences (missing 1, extra 1, differing 1)");
  const keyText = (sk: number): string => JSON.stringify({ pk: { S: "customer#1" }, sk: { N: String(sk) } });
  assert.deepEqual(
    drifted.details.map((d) => [d.kind, d._key]).sort(),
    [
      ["differing", keyText(5)],
      ["extra", keyText(3)],
      ["missing", keyText(100)],
    ],
  );

  // A fresh snapshot makes the lake whole again.
  const fresh = await lake.exportTable();
  await lake.loadSnapshot(fresh);
  const whole = reconcileScript(lake, fresh);
  assert.equal(whole.code, 0);
  assert.equal(whole.summary, "reconcile: 10 items, 0 differences (missing 0, extra 0, differing 0)");
});
