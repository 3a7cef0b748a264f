#!/usr/bin/env node
/**
 * The lake's operator command: start the snapshot (initial or repair), start a
 * compaction now, check the lake against its table, show a job's last runs, or
 * replay the capture dead-letter queue.
 *
 *   npx tsx ops/lake-tools.ts snapshot   --job <snapshot job> [--wait]
 *   npx tsx ops/lake-tools.ts resnapshot --job <snapshot job> [--wait]
 *   npx tsx ops/lake-tools.ts compact    --job <compaction job> [--wait]
 *   npx tsx ops/lake-tools.ts reconcile  --job <reconcile job> [--wait]
 *   npx tsx ops/lake-tools.ts status     --job <any lake job> [--runs 5]
 *   npx tsx ops/lake-tools.ts replay-dlq --queue-url <dead-letter queue URL> --function <capture function> [--dry-run] [--max N]
 *
 * Job names, queue URLs and function names are stack outputs (`tables.<id>`).
 * AWS credentials and region come from the usual SDK sources (environment,
 * profile); `--region` overrides the region.
 *
 * replay-dlq: when the capture function keeps failing on a batch (after its
 * retries, or once the records are 6 h old), Lambda drops the batch from the
 * stream and puts its position (shard, first and last sequence number) in the
 * table's dead-letter queue, and the dead-letters alarm fires. Once the cause
 * is fixed, replay-dlq reads each position's records back from the stream,
 * invokes the capture function with them (the event Lambda would have sent),
 * and deletes the message only when the function reports no failed record.
 * Replaying twice is harmless: the lake keeps the latest change by sequence
 * number. The stream keeps records 24 hours: an older position cannot be
 * replayed; the command says so and leaves the message; reload the table with
 * `resnapshot`, then delete it. `--dry-run` only reads the records and lists
 * what it would replay; `--max` stops after N messages. Exit code 0 when every
 * message was replayed (or, in a dry run, can be), 1 when any was kept.
 * It needs sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility
 * on the queue, dynamodb:GetShardIterator and dynamodb:GetRecords on the
 * stream, and lambda:InvokeFunction on the function (see dlq-replay.ts).
 *
 * Parsing and formatting are pure; the AWS clients are injected, so tests use fakes.
 */
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { GetJobRunCommand, GetJobRunsCommand, GlueClient, StartJobRunCommand, type JobRun } from "@aws-sdk/client-glue";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { replayDeadLetters, type ReplayClients } from "./dlq-replay";

export const USAGE = `Usage: lake <command> --job <glue job name> [options]
       lake replay-dlq --queue-url <url> --function <name> [--dry-run] [--max <n>]

Commands:
  snapshot     start the snapshot job: the initial load of the current table
               (the first scheduled compaction after deploy also starts it)
  resnapshot   start the snapshot job as a repair (--repair true): reload the
               current table from a new export or scan, then compaction goes on
  compact      start a compaction run now instead of waiting for the schedule
  reconcile    start the reconcile job: compare the current table with a scan of
               the source table; its "N items, M differences" line is in the
               run's output log, and the run fails when M > 0
  status       show the job's last runs, newest first
  replay-dlq   replay the batches in a table's capture dead-letter queue through
               its capture function; delete each message once it went through

Options:
  --job <name>     Glue job name (stack outputs: snapshot, compaction and reconcile job names)
  --wait           wait until the started run ends; exit 0 only if it succeeded
  --runs <n>       status: how many runs to show, 1-200 (default 5)
  --region <name>  AWS region (default: from the environment or profile)
  --poll <s>       --wait: seconds between checks (default 30)
  --queue-url <u>  replay-dlq: the table's dead-letter queue (stack output deadLetterQueueUrl)
  --function <n>   replay-dlq: the table's capture function (stack output functionName)
  --dry-run        replay-dlq: read the records and list what would be replayed; change nothing
  --max <n>        replay-dlq: handle at most n messages, 1-100000 (default: all)
`;

export type StartCommand = "snapshot" | "resnapshot" | "compact" | "reconcile";
export type LakeCommand =
  | { command: StartCommand; job: string; wait: boolean; pollSeconds: number; region?: string }
  | { command: "status"; job: string; runs: number; region?: string }
  | { command: "replay-dlq"; queueUrl: string; functionName: string; dryRun: boolean; max?: number; region?: string }
  | { command: "help" };

/** A command line the tool cannot run; the message says what is wrong, then the usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

const COMMANDS = ["snapshot", "resnapshot", "compact", "reconcile", "status", "replay-dlq"] as const;
const isCommand = (c: string): c is (typeof COMMANDS)[number] => (COMMANDS as readonly string[]).includes(c);
// Glue accepts almost any printable name; the tool only refuses what cannot be one.
const GLUE_JOB_NAME = /^[^\u0000-\u001f]{1,255}$/u;
const QUEUE_URL = /^https?:\/\/[^\s/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;
// A name, an ARN or a partial ARN, as Invoke takes it.
const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

function positiveInteger(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${flag} needs a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * Splits a command's options into `--flag value` pairs (each at most once) and one on/off switch;
 * anything else is refused, naming the option (`unknownSuffix` names the command where it helps).
 */
function readFlags(
  rest: readonly string[],
  valueFlags: readonly string[],
  switchFlag: string,
  unknownSuffix: string,
): { flags: Map<string, string>; switched: boolean } {
  const flags = new Map<string, string>();
  let switched = false;
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i] as string;
    if (flag === switchFlag) {
      switched = true;
    } else if (valueFlags.includes(flag)) {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      if (flags.has(flag)) throw new UsageError(`${flag} given twice`);
      flags.set(flag, value);
      i += 1;
    } else {
      throw new UsageError(`unknown option ${JSON.stringify(flag)}${unknownSuffix}`);
    }
  }
  return { flags, switched };
}

export function parseLakeArgs(argv: readonly string[]): LakeCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") return { command: "help" };
  if (!isCommand(command)) {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; expected one of ${COMMANDS.join(", ")}`);
  }
  if (command === "replay-dlq") return parseReplayArgs(rest);
  const { flags, switched: wait } = readFlags(rest, ["--job", "--runs", "--region", "--poll"], "--wait", "");
  const job = flags.get("--job");
  if (job === undefined) throw new UsageError(`${command} needs --job <glue job name> (see the stack outputs)`);
  if (!GLUE_JOB_NAME.test(job)) throw new UsageError(`--job ${JSON.stringify(job)} is not a Glue job name`);
  const region = flags.get("--region");
  const where = region === undefined ? {} : { region };
  if (command === "status") {
    if (wait || flags.has("--poll")) throw new UsageError("--wait and --poll apply to snapshot, resnapshot, compact and reconcile, not status");
    const runs = flags.get("--runs");
    return { command, job, runs: runs === undefined ? 5 : positiveInteger("--runs", runs, 200), ...where };
  }
  if (flags.has("--runs")) throw new UsageError("--runs applies to status only");
  const poll = flags.get("--poll");
  return { command, job, wait, pollSeconds: poll === undefined ? 30 : positiveInteger("--poll", poll, 3600), ...where };
}

function parseReplayArgs(rest: readonly string[]): LakeCommand {
  const { flags, switched: dryRun } = readFlags(rest, ["--queue-url", "--function", "--max", "--region"], "--dry-run", " for replay-dlq");
  const queueUrl = flags.get("--queue-url");
  const functionName = flags.get("--function");
  if (queueUrl === undefined) throw new UsageError("replay-dlq needs --queue-url <dead-letter queue URL> (stack output tables.<id>.deadLetterQueueUrl)");
  if (functionName === undefined) throw new UsageError("replay-dlq needs --function <capture function name> (stack output tables.<id>.functionName)");
  if (!QUEUE_URL.test(queueUrl)) throw new UsageError(`--queue-url ${JSON.stringify(queueUrl)} is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)`);
  if (!FUNCTION_NAME.test(functionName)) throw new UsageError(`--function ${JSON.stringify(functionName)} is not a Lambda function name or ARN`);
  const max = flags.get("--max");
  const region = flags.get("--region");
  return {
    command: "replay-dlq",
    queueUrl,
    functionName,
    dryRun,
    ...(max === undefined ? {} : { max: positiveInteger("--max", max, 100000) }),
    ...(region === undefined ? {} : { region }),
  };
}

/** Arguments a run overrides on the job's defaults: a repair reloads the table. */
export function runArguments(command: StartCommand): Record<string, string> | undefined {
  return command === "resnapshot" ? { "--repair": "true" } : undefined;
}

/** Where a finished reconcile run's result is: the job prints it to its output log, not to the caller. */
export function reconcileOutcome(runId: string, state: string, logGroupName = "/aws-glue/jobs"): string {
  const verdict = state === "SUCCEEDED" ? "0 differences" : "differences found, or the run failed";
  return `reconcile: ${verdict}; the "N items, M differences" line and the details are in log group ${logGroupName}/output, stream ${runId}`;
}

const TERMINAL_STATES = new Set(["SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED", "EXPIRED"]);

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

/** One line per run: id, state, start (UTC), duration, whether it was a repair, and the error if any. */
export function formatRuns(job: string, runs: readonly JobRun[]): string[] {
  if (runs.length === 0) return [`${job}: no runs yet`];
  return [
    `${job}: last ${runs.length} run${runs.length === 1 ? "" : "s"}, newest first`,
    ...runs.map((r) => {
      const started = r.StartedOn ? r.StartedOn.toISOString().replace(/\.\d{3}Z$/, "Z") : "-";
      const took = r.ExecutionTime !== undefined && r.ExecutionTime > 0 ? formatDuration(r.ExecutionTime) : "-";
      const repair = r.Arguments?.["--repair"] === "true" ? " repair" : "";
      const error = r.ErrorMessage ? `  ${r.ErrorMessage}` : "";
      return `${r.Id ?? "?"}  ${(r.JobRunState ?? "?").padEnd(9)}  ${started}  ${took}${repair}${error}`;
    }),
  ];
}

/** The part of GlueClient the tool uses. */
export interface GlueSender {
  send(command: StartJobRunCommand | GetJobRunsCommand | GetJobRunCommand): Promise<unknown>;
}

export interface LakeToolIo {
  glue: GlueSender;
  /** For replay-dlq. */
  replay?: ReplayClients;
  print: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
}

function errorName(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "name" in e ? String(e.name) : undefined;
}

/** Runs one parsed command; returns the process exit code (0 ok, 1 run failed, 2 could not start). */
export async function runLakeCommand(cmd: LakeCommand, io: LakeToolIo): Promise<number> {
  if (cmd.command === "help") {
    io.print(USAGE);
    return 0;
  }
  if (cmd.command === "replay-dlq") {
    if (io.replay === undefined) throw new Error("replay-dlq needs the SQS, DynamoDB Streams and Lambda clients");
    const summary = await replayDeadLetters(
      { queueUrl: cmd.queueUrl, functionName: cmd.functionName, dryRun: cmd.dryRun, ...(cmd.max === undefined ? {} : { max: cmd.max }) },
      io.replay,
      io.print,
    );
    return summary.kept > 0 ? 1 : 0;
  }
  if (cmd.command === "status") {
    const out = (await io.glue.send(new GetJobRunsCommand({ JobName: cmd.job, MaxResults: cmd.runs }))) as { JobRuns?: JobRun[] };
    for (const line of formatRuns(cmd.job, out.JobRuns ?? [])) io.print(line);
    return 0;
  }
  const args = runArguments(cmd.command);
  let runId: string;
  try {
    const started = (await io.glue.send(new StartJobRunCommand({ JobName: cmd.job, ...(args ? { Arguments: args } : {}) }))) as { JobRunId?: string };
    runId = started.JobRunId ?? "?";
  } catch (e) {
    if (errorName(e) === "ConcurrentRunsExceededException") {
      io.print(`${cmd.job} is already running (one run at a time); see its runs with: lake status --job ${cmd.job}`);
      return 2;
    }
    throw e;
  }
  io.print(`started ${cmd.command === "resnapshot" ? "repair snapshot" : cmd.command} run ${runId} of ${cmd.job}`);
  if (!cmd.wait) return 0;
  for (;;) {
    await io.sleep(cmd.pollSeconds * 1000);
    const out = (await io.glue.send(new GetJobRunCommand({ JobName: cmd.job, RunId: runId }))) as { JobRun?: JobRun };
    const state = out.JobRun?.JobRunState ?? "UNKNOWN";
    if (TERMINAL_STATES.has(state)) {
      io.print(`run ${runId} ended ${state}${out.JobRun?.ErrorMessage ? `: ${out.JobRun.ErrorMessage}` : ""}`);
      if (cmd.command === "reconcile") io.print(reconcileOutcome(runId, state, out.JobRun?.LogGroupName));
      return state === "SUCCEEDED" ? 0 : 1;
    }
    io.print(`run ${runId}: ${state}`);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let cmd: LakeCommand;
  try {
    cmd = parseLakeArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lake: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const config = cmd.command !== "help" && cmd.region !== undefined ? { region: cmd.region } : {};
  const glue = new GlueClient(config);
  const replay = cmd.command === "replay-dlq"
    ? { sqs: new SQSClient(config), streams: new DynamoDBStreamsClient(config), lambda: new LambdaClient(config) }
    : undefined;
  return runLakeCommand(cmd, {
    glue,
    ...(replay === undefined ? {} : { replay }),
    print: (line) => process.stdout.write(`${line}\n`),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lake: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
