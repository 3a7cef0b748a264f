/**
 * The lake command as an operator runs it (a child process, the real Glue SDK
 * client) against a local moto server standing in for Glue.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateJobCommand, GlueClient, type CreateJobCommandInput } from "@aws-sdk/client-glue";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startMoto, type MotoServer } from "../../local/emulator/moto";
import { lake, motoApi } from "./lake-tool-process";

/** Defines a Glue job in moto, as the stack would. */
async function createJob(endpoint: string, job: CreateJobCommandInput): Promise<void> {
  const glue = new GlueClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await glue.send(new CreateJobCommand(job));
  } finally {
    glue.destroy();
  }
}

void describe("lake command against a local Glue (moto)", () => {
  let moto: MotoServer;
  const job = "orders-snapshot-job";

  before(async () => {
    moto = await startMoto();
    await createJob(moto.endpoint, {
      Name: job,
      Role: "arn:aws:iam::123456789012:role/snapshot",
      Command: { Name: "glueetl", ScriptLocation: "s3://lake/_assets/glue/h/load_snapshot.py" },
      GlueVersion: "5.0",
      DefaultArguments: { "--repair": "false" },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
    });
  });
  after(async () => {
    await moto.stop();
  });

  void it("starts a snapshot and waits for it, starts a repair, and lists both runs", async () => {
    const first = await lake(moto.endpoint, ["snapshot", "--job", job, "--wait", "--poll", "1"]);
    assert.equal(first.stderr, "");
    const lines = first.stdout.trim().split("\n");
    const runId = /^started snapshot run (jr_[0-9a-f]+) of orders-snapshot-job$/.exec(lines[0] ?? "")?.[1];
    assert.ok(runId, first.stdout);
    assert.equal(lines.at(-1), `run ${runId} ended SUCCEEDED`);
    assert.equal(first.code, 0);

    const repair = await lake(moto.endpoint, ["resnapshot", "--job", job]);
    assert.match(repair.stdout, /^started repair snapshot run jr_[0-9a-f]+ of orders-snapshot-job\n$/);
    assert.equal(repair.code, 0);

    const status = await lake(moto.endpoint, ["status", "--job", job, "--runs", "5"]);
    assert.equal(status.code, 0, status.stderr);
    const rows = status.stdout.trim().split("\n");
    assert.equal(rows[0], "orders-snapshot-job: last 2 runs, newest first");
    // Exactly one of the two runs carries --repair true.
    assert.deepEqual(rows.slice(1).map((r) => / repair$/.test(r)).sort(), [false, true], status.stdout);
  });

  void it("says so when the job is already running", async () => {
    const busy = "orders-compaction-job";
    await createJob(moto.endpoint, {
      Name: busy,
      Role: "arn:aws:iam::123456789012:role/compaction",
      Command: { Name: "glueetl", ScriptLocation: "s3://lake/_assets/glue/h/compact.py" },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
    });
    // Hold runs in STARTING, as a real run is for its first minute.
    await motoApi(moto.endpoint, "state-manager/set-transition", { model_name: "glue::job_run", transition: { progression: "manual", times: 1000 } });
    const first = await lake(moto.endpoint, ["compact", "--job", busy]);
    assert.equal(first.code, 0, first.stderr);
    const second = await lake(moto.endpoint, ["compact", "--job", busy]);
    assert.equal(second.stdout, `${busy} is already running (one run at a time); see its runs with: lake status --job ${busy}\n`);
    assert.equal(second.code, 2);
    await motoApi(moto.endpoint, "state-manager/unset-transition", { model_name: "glue::job_run" });
  });

  void it("exits 2 with the service's message for a job that does not exist", async () => {
    const missing = await lake(moto.endpoint, ["compact", "--job", "no-such-job"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, /^lake: .*no-such-job/);
  });

  void it("exits 2 with the usage on a bad command line, calling nothing", async () => {
    const bad = await lake(moto.endpoint, ["snapshot"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lake: snapshot needs --job <glue job name> \(see the stack outputs\)\n\nUsage: lake <command>/);
  });
});
