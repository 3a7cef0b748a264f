import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GetJobRunCommand, GetJobRunsCommand, StartJobRunCommand, type JobRun } from "@aws-sdk/client-glue";
import { formatRuns, parseLakeArgs, runLakeCommand, USAGE, UsageError, type GlueSender, type LakeCommand } from "../../ops/lake-tools";

type Sent = { command: string; input: unknown };

/** A Glue that records each call and answers from a script of replies, in order. */
class FakeGlue implements GlueSender {
  readonly sent: Sent[] = [];
  constructor(private readonly replies: unknown[]) {}
  send(command: StartJobRunCommand | GetJobRunsCommand | GetJobRunCommand): Promise<unknown> {
    this.sent.push({ command: command.constructor.name, input: command.input });
    const reply = this.replies.shift();
    if (reply === undefined) return Promise.reject(new Error(`unexpected ${command.constructor.name}`));
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
  }
}

async function run(cmd: LakeCommand, replies: unknown[]): Promise<{ code: number; lines: string[]; sent: Sent[]; sleeps: number[] }> {
  const glue = new FakeGlue(replies);
  const lines: string[] = [];
  const sleeps: number[] = [];
  const code = await runLakeCommand(cmd, {
    glue,
    print: (line) => lines.push(line),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  assert.deepEqual(glue["replies"], [], "every scripted reply was used");
  return { code, lines, sent: glue.sent, sleeps };
}

void describe("parseLakeArgs", () => {
  void it("reads each command with its defaults", () => {
    assert.deepEqual(parseLakeArgs(["snapshot", "--job", "orders-snapshot-job-1"]), { command: "snapshot", job: "orders-snapshot-job-1", wait: false, pollSeconds: 30 });
    assert.deepEqual(parseLakeArgs(["resnapshot", "--wait", "--job", "j", "--poll", "5", "--region", "eu-west-1"]), {
      command: "resnapshot",
      job: "j",
      wait: true,
      pollSeconds: 5,
      region: "eu-west-1",
    });
    assert.deepEqual(parseLakeArgs(["compact", "--job", "c"]), { command: "compact", job: "c", wait: false, pollSeconds: 30 });
    assert.deepEqual(parseLakeArgs(["reconcile", "--job", "r", "--wait"]), { command: "reconcile", job: "r", wait: true, pollSeconds: 30 });
    assert.deepEqual(parseLakeArgs(["status", "--job", "c"]), { command: "status", job: "c", runs: 5 });
    assert.deepEqual(parseLakeArgs(["status", "--job", "c", "--runs", "200"]), { command: "status", job: "c", runs: 200 });
  });

  void it("reads replay-dlq with its options", () => {
    const url = "https://sqs.us-west-2.amazonaws.com/123456789012/lake-orders-dlq-0a1b2c3";
    assert.deepEqual(parseLakeArgs(["replay-dlq", "--queue-url", url, "--function", "lake-orders-function-0a1b2c3"]), {
      command: "replay-dlq",
      queueUrl: url,
      functionName: "lake-orders-function-0a1b2c3",
      dryRun: false,
    });
    assert.deepEqual(
      parseLakeArgs(["replay-dlq", "--dry-run", "--max", "3", "--region", "us-west-2", "--queue-url", "http://127.0.0.1:5000/123456789012/q", "--function", "arn:aws:lambda:us-west-2:123456789012:function:f"]),
      { command: "replay-dlq", queueUrl: "http://127.0.0.1:5000/123456789012/q", functionName: "arn:aws:lambda:us-west-2:123456789012:function:f", dryRun: true, max: 3, region: "us-west-2" },
    );
  });

  void it("shows help for no command, help, --help and -h", () => {
    for (const argv of [[], ["help"], ["--help"], ["-h"]]) assert.deepEqual(parseLakeArgs(argv), { command: "help" });
  });

  const rejected: [string[], string][] = [
    [["snap", "--job", "j"], 'unknown command "snap"; expected one of snapshot, resnapshot, compact, reconcile, status, replay-dlq'],
    [["snapshot"], "snapshot needs --job <glue job name> (see the stack outputs)"],
    [["snapshot", "--job"], "--job needs a value"],
    [["snapshot", "--job", "--wait"], "--job needs a value"],
    [["snapshot", "--job", "a", "--job", "b"], "--job given twice"],
    [["snapshot", "--job", "a", "--force"], 'unknown option "--force"'],
    [["snapshot", "--job", ""], '--job "" is not a Glue job name'],
    [["snapshot", "--job", "j".repeat(256)], `--job "${"j".repeat(256)}" is not a Glue job name`],
    [["snapshot", "--job", "a\nb"], '--job "a\\nb" is not a Glue job name'],
    [["status", "--job", "a", "--runs", "0"], '--runs needs a whole number from 1 to 200, got "0"'],
    [["status", "--job", "a", "--runs", "201"], '--runs needs a whole number from 1 to 200, got "201"'],
    [["status", "--job", "a", "--runs", "2.5"], '--runs needs a whole number from 1 to 200, got "2.5"'],
    [["status", "--job", "a", "--wait"], "--wait and --poll apply to snapshot, resnapshot, compact and reconcile, not status"],
    [["reconcile"], "reconcile needs --job <glue job name> (see the stack outputs)"],
    [["reconcile", "--job", "r", "--runs", "3"], "--runs applies to status only"],
    [["compact", "--job", "a", "--runs", "3"], "--runs applies to status only"],
    [["compact", "--job", "a", "--poll", "-1"], '--poll needs a whole number from 1 to 3600, got "-1"'],
    [["compact", "--job", "a", "--poll", "0"], '--poll needs a whole number from 1 to 3600, got "0"'],
    [["replay-dlq", "--function", "f"], "replay-dlq needs --queue-url <dead-letter queue URL> (stack output tables.<id>.deadLetterQueueUrl)"],
    [["replay-dlq", "--queue-url", "https://sqs.us-west-2.amazonaws.com/123456789012/q"], "replay-dlq needs --function <capture function name> (stack output tables.<id>.functionName)"],
    [["replay-dlq", "--queue-url", "lake-orders-dlq", "--function", "f"], '--queue-url "lake-orders-dlq" is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)'],
    [["replay-dlq", "--queue-url", "https://sqs.us-west-2.amazonaws.com/123456789012/q", "--function", "f.x"], '--function "f.x" is not a Lambda function name or ARN'],
    [["replay-dlq", "--queue-url", "https://sqs.us-west-2.amazonaws.com/123456789012/q", "--function", "f", "--max", "0"], '--max needs a whole number from 1 to 100000, got "0"'],
    [["replay-dlq", "--queue-url", "https://sqs.us-west-2.amazonaws.com/123456789012/q", "--function", "f", "--job", "j"], 'unknown option "--job" for replay-dlq'],
    [["replay-dlq", "--queue-url", "a", "--queue-url", "b"], "--queue-url given twice"],
  ];
  for (const [argv, message] of rejected) {
    void it(`rejects ${argv.join(" ")}`, () => {
      assert.throws(() => parseLakeArgs(argv), (e: unknown) => e instanceof UsageError && e.message === message);
    });
  }
});

void describe("runLakeCommand", () => {
  void it("snapshot starts the job with its default arguments", async () => {
    const r = await run({ command: "snapshot", job: "snap", wait: false, pollSeconds: 30 }, [{ JobRunId: "jr_1" }]);
    assert.deepEqual(r.sent, [{ command: "StartJobRunCommand", input: { JobName: "snap" } }]);
    assert.deepEqual(r.lines, ["started snapshot run jr_1 of snap"]);
    assert.equal(r.code, 0);
  });

  void it("resnapshot starts the job as a repair", async () => {
    const r = await run({ command: "resnapshot", job: "snap", wait: false, pollSeconds: 30 }, [{ JobRunId: "jr_2" }]);
    assert.deepEqual(r.sent, [{ command: "StartJobRunCommand", input: { JobName: "snap", Arguments: { "--repair": "true" } } }]);
    assert.deepEqual(r.lines, ["started repair snapshot run jr_2 of snap"]);
  });

  void it("compact --wait polls until the run ends and exits 0 only on success", async () => {
    const ok = await run({ command: "compact", job: "c", wait: true, pollSeconds: 7 }, [
      { JobRunId: "jr_3" },
      { JobRun: { JobRunState: "STARTING" } },
      { JobRun: { JobRunState: "RUNNING" } },
      { JobRun: { JobRunState: "SUCCEEDED" } },
    ]);
    assert.deepEqual(ok.sent, [
      { command: "StartJobRunCommand", input: { JobName: "c" } },
      { command: "GetJobRunCommand", input: { JobName: "c", RunId: "jr_3" } },
      { command: "GetJobRunCommand", input: { JobName: "c", RunId: "jr_3" } },
      { command: "GetJobRunCommand", input: { JobName: "c", RunId: "jr_3" } },
    ]);
    assert.deepEqual(ok.lines, ["started compact run jr_3 of c", "run jr_3: STARTING", "run jr_3: RUNNING", "run jr_3 ended SUCCEEDED"]);
    assert.deepEqual(ok.sleeps, [7000, 7000, 7000]);
    assert.equal(ok.code, 0);

    for (const state of ["FAILED", "TIMEOUT", "ERROR", "STOPPED", "EXPIRED"]) {
      const failed = await run({ command: "compact", job: "c", wait: true, pollSeconds: 1 }, [
        { JobRunId: "jr_4" },
        { JobRun: { JobRunState: state, ErrorMessage: "boom" } },
      ]);
      assert.deepEqual(failed.lines, ["started compact run jr_4 of c", `run jr_4 ended ${state}: boom`]);
      assert.equal(failed.code, 1, state);
    }
  });

  void it("reconcile starts the job with its default arguments and, with --wait, says where its result is", async () => {
    const started = await run({ command: "reconcile", job: "rec", wait: false, pollSeconds: 30 }, [{ JobRunId: "jr_5" }]);
    assert.deepEqual(started.sent, [{ command: "StartJobRunCommand", input: { JobName: "rec" } }]);
    assert.deepEqual(started.lines, ["started reconcile run jr_5 of rec"]);
    assert.equal(started.code, 0);

    const same = await run({ command: "reconcile", job: "rec", wait: true, pollSeconds: 2 }, [
      { JobRunId: "jr_6" },
      { JobRun: { JobRunState: "RUNNING" } },
      { JobRun: { JobRunState: "SUCCEEDED", LogGroupName: "/aws-glue/jobs" } },
    ]);
    assert.deepEqual(same.sent.slice(1), [
      { command: "GetJobRunCommand", input: { JobName: "rec", RunId: "jr_6" } },
      { command: "GetJobRunCommand", input: { JobName: "rec", RunId: "jr_6" } },
    ]);
    assert.deepEqual(same.lines, [
      "started reconcile run jr_6 of rec",
      "run jr_6: RUNNING",
      "run jr_6 ended SUCCEEDED",
      'reconcile: 0 differences; the "N items, M differences" line and the details are in log group /aws-glue/jobs/output, stream jr_6',
    ]);
    assert.deepEqual([same.code, same.sleeps], [0, [2000, 2000]]);

    // reconcile.py exits 1 when it finds differences, so Glue marks the run failed.
    const differ = await run({ command: "reconcile", job: "rec", wait: true, pollSeconds: 1 }, [
      { JobRunId: "jr_7" },
      { JobRun: { JobRunState: "FAILED", ErrorMessage: "SystemExit: 1", LogGroupName: "/custom/logs" } },
    ]);
    assert.deepEqual(differ.lines, [
      "started reconcile run jr_7 of rec",
      "run jr_7 ended FAILED: SystemExit: 1",
      'reconcile: differences found, or the run failed; the "N items, M differences" line and the details are in log group /custom/logs/output, stream jr_7',
    ]);
    assert.equal(differ.code, 1);
  });

  void it("explains a run already in progress instead of failing with the SDK error", async () => {
    const busy = Object.assign(new Error("Concurrent runs exceeded for snap"), { name: "ConcurrentRunsExceededException" });
    const r = await run({ command: "snapshot", job: "snap", wait: true, pollSeconds: 1 }, [busy]);
    assert.deepEqual(r.lines, ["snap is already running (one run at a time); see its runs with: lake status --job snap"]);
    assert.equal(r.code, 2);
  });

  void it("passes any other error on", async () => {
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
    await assert.rejects(runLakeCommand({ command: "compact", job: "c", wait: false, pollSeconds: 1 }, { glue: new FakeGlue([denied]), print: () => undefined, sleep: () => Promise.resolve() }), {
      message: "not authorized",
    });
  });

  void it("status lists the last runs", async () => {
    const runs: JobRun[] = [
      { Id: "jr_b", JobRunState: "RUNNING", StartedOn: new Date("2026-11-21T10:15:00.123Z"), ExecutionTime: 0 },
      { Id: "jr_a", JobRunState: "FAILED", StartedOn: new Date("2026-11-21T09:00:00Z"), ExecutionTime: 3725, ErrorMessage: "Table not found", Arguments: { "--repair": "true" } },
    ];
    const r = await run({ command: "status", job: "c", runs: 2 }, [{ JobRuns: runs }]);
    assert.deepEqual(r.sent, [{ command: "GetJobRunsCommand", input: { JobName: "c", MaxResults: 2 } }]);
    assert.deepEqual(r.lines, [
      "c: last 2 runs, newest first",
      "jr_b  RUNNING    2026-11-21T10:15:00Z  -",
      "jr_a  FAILED     2026-11-21T09:00:00Z  1h02m repair  Table not found",
    ]);
    assert.equal(r.code, 0);
  });

  void it("help prints the usage", async () => {
    const r = await run({ command: "help" }, []);
    assert.deepEqual(r.lines, [USAGE]);
  });
});

void describe("formatRuns", () => {
  void it("says when a job never ran", () => assert.deepEqual(formatRuns("j", []), ["j: no runs yet"]));
  void it("writes durations in seconds, minutes or hours", () => {
    const line = (s: number): string => formatRuns("j", [{ Id: "r", JobRunState: "SUCCEEDED", ExecutionTime: s }])[1] as string;
    assert.equal(line(59), "r  SUCCEEDED  -  59s");
    assert.equal(line(61), "r  SUCCEEDED  -  1m01s");
    assert.equal(line(7200), "r  SUCCEEDED  -  2h00m");
  });
});
