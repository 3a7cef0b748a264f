/**
 * The capture benchmark: `npm run bench` (node --import tsx bench/run.ts).
 * Options: --rounds N (default 15), --batches N per round (default 5),
 * --out FILE to also write the markdown there.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { averageImageBytes, benchRecords } from "./fixtures";
import { measureFidelity, measureThroughput, type ThroughputResult } from "./handler.bench";

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const BATCH = 1_000;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function describeVariant(variant: ThroughputResult["variant"]): string {
  switch (variant) {
    case "handler":
      return "capture path: map + encode + batch + deliver (Firehose faked)";
    case "floor":
      return "floor: `JSON.stringify` of the stream record";
    case "usual":
      return "usual: `unmarshall` + `JSON.stringify`";
  }
}

async function main(): Promise<void> {
  const rounds = Number(option("rounds", "15"));
  const batchesPerRound = Number(option("batches", "5"));
  const out = option("out", "");
  const records = benchRecords(BATCH);

  const fidelity = await measureFidelity(records);
  const throughput = await measureThroughput(records, { rounds, warmupRounds: 3, batchesPerRound });
  const memoryJson = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", path.join(__dirname, "memory.ts"), String(BATCH)], {
    encoding: "utf8",
  });
  const memory = JSON.parse(memoryJson) as {
    eventBytes: number;
    first: { heapDeltaBytes: number; externalDeltaBytes: number; rssDeltaBytes: number };
    steady: { heapDeltaBytes: number; externalDeltaBytes: number; rssDeltaBytes: number };
    maxRssBytes: number;
  };
  const floor = throughput.find((t) => t.variant === "floor")?.recordsPerCpuSecond ?? 1;

  const lines = [
    `Capture benchmark — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} (${os.cpus().length} cores, shared)`,
    "",
    `Batch: ${BATCH} stream records (40% INSERT, 50% MODIFY, 10% REMOVE), items ~${int(averageImageBytes(records))} bytes of DynamoDB JSON ` +
      `with every type and 38-digit numbers; ${rounds} measured rounds (3 warm-up) of ${batchesPerRound} batches per variant, interleaved.`,
    "",
    "| variant | records/s per core (median) | min–max over rounds | vs floor | records/s wall | bytes/record out |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...throughput.map(
      (t) =>
        `| ${describeVariant(t.variant)} | ${int(t.recordsPerCpuSecond)} | ${int(t.minPerCpuSecond)}–${int(t.maxPerCpuSecond)} | ` +
        `${(t.recordsPerCpuSecond / floor).toFixed(2)}× | ${int(t.recordsPerWallSecond)} | ${int(t.bytesPerRecord)} |`,
    ),
    "",
    "| fidelity (same batch) | capture path | usual way |",
    "| --- | ---: | ---: |",
    `| N values changed (of ${int(fidelity.numbers)}) | ${fidelity.handlerDigitLoss} | ${int(fidelity.usualDigitLoss)} |`,
    `| sets written as {} (of ${int(fidelity.sets)}) | 0 | ${int(fidelity.usualSetsLost)} |`,
    "",
    fidelity.usualExample
      ? `Example: \`${fidelity.usualExample.original}\` becomes \`${fidelity.usualExample.after}\` the usual way; the delta line keeps it as given.`
      : "",
    "",
    `| peak memory, one ${BATCH}-record batch (event ${mib(memory.eventBytes)} MiB as JSON) | first batch | steady batch |`,
    "| --- | ---: | ---: |",
    `| V8 heap growth (garbage included) | ${mib(memory.first.heapDeltaBytes)} MiB | ${mib(memory.steady.heapDeltaBytes)} MiB |`,
    `| Buffers (encoded lines) | ${mib(memory.first.externalDeltaBytes)} MiB | ${mib(memory.steady.externalDeltaBytes)} MiB |`,
    `| RSS growth | ${mib(memory.first.rssDeltaBytes)} MiB | ${mib(memory.steady.rssDeltaBytes)} MiB |`,
    `| process max RSS (Node + tsx + fixtures) | ${mib(memory.maxRssBytes)} MiB | |`,
    "",
  ];
  const markdown = lines.join("\n");
  process.stdout.write(markdown);
  if (out !== "") writeFileSync(out, markdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
