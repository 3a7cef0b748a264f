/**
 * The Glue job arguments of glue-scripts/ exactly as infra/glue-job-arguments.ts builds them, for
 * callers outside TypeScript (the scripts' Python tests). One JSON request per line on stdin:
 *   {"job": "compact", "inputs": {"tableName": "Orders", "database": "db", "bucket": "b", "region": "eu-west-1",
 *                                 "keySchema": "pk:S,sk:N", "declaredColumns": {}, "catalogImpl": "hadoop", ...}}
 * answered by one line on stdout: the `--key` → value map, or {"error": "<message>"}. A caller may keep
 * the process open for many requests (node starts once).
 *   echo '<request>' | node --import tsx scripts/job-arguments.ts
 */
import * as readline from "node:readline";
import {
  compactArguments,
  loadSnapshotArguments,
  maintenanceArguments,
  reconcileArguments,
  tableJobArguments,
  type JobArguments,
  type TableJobInputs,
} from "../infra/glue-job-arguments";
import { parseKeySchema } from "../infra/views/table-spec";

const JOBS: Readonly<Record<string, (inputs: TableJobInputs) => JobArguments>> = {
  load_snapshot: loadSnapshotArguments,
  compact: compactArguments,
  maintenance: maintenanceArguments,
  reconcile: reconcileArguments,
  /** The arguments every script takes. */
  table: tableJobArguments,
};

/** The answer to one request line. Keys may be given as `keys` or as a key schema string (`keySchema`). */
export function answer(line: string): string {
  try {
    const request = JSON.parse(line) as { job?: string; inputs?: TableJobInputs & { keySchema?: string } };
    const build = JOBS[request.job ?? ""];
    if (!build) throw new Error(`job must be one of ${Object.keys(JOBS).join(", ")}; got ${JSON.stringify(request.job)}`);
    const { keySchema, ...inputs } = request.inputs ?? ({} as TableJobInputs & { keySchema?: string });
    return JSON.stringify(build({ ...inputs, keys: keySchema === undefined ? inputs.keys : parseKeySchema(keySchema) }));
  } catch (error) {
    return JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
  }
}

if (require.main === module) {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() !== "") process.stdout.write(`${answer(line)}\n`);
  });
}
