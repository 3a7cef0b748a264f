/**
 * Freshness, measured: the time from an acknowledged write to its visibility
 * in the live view (delta landed in S3, read by the view on Trino, Athena's
 * engine) and in the current view on Trino (after the next compaction).
 */
import type { LocalLake } from "../lake/lake";
import { trinoLakeRows, type LocalTrino } from "../emulator/trino";
import type { Workload } from "../source/workload";

export interface FreshnessFigures {
  readonly liveSeconds: number;
  readonly liveQuerySeconds: number;
  readonly currentSeconds: number;
  readonly compactSeconds: number;
  readonly text: string;
}

const hasProbe = (rows: readonly { item: string }[], marker: string): boolean => rows.some((r) => r.item.includes(marker));

/** Writes a probe item and polls the live view until it shows; returns seconds since the write was acknowledged. */
async function liveProbe(lake: LocalLake, trino: LocalTrino, workload: Workload, n: number): Promise<{ seconds: number; querySeconds: number; marker: string; acknowledged: number }> {
  const marker = `probe-${n}-${Date.now()}`;
  await workload.putProbe({ pk: "freshness#probe", sk: String(n) }, marker);
  const acknowledged = Date.now();
  for (;;) {
    const q0 = Date.now();
    const rows = await trinoLakeRows(trino, lake.spec, "live");
    const querySeconds = (Date.now() - q0) / 1000;
    if (hasProbe(rows, marker)) return { seconds: (Date.now() - acknowledged) / 1000, querySeconds, marker, acknowledged };
    if (Date.now() - acknowledged > 120_000) throw new Error("the probe write did not reach the live view within 120 s");
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function measureFreshness(lake: LocalLake, trino: LocalTrino, workload: Workload, probes = 3): Promise<FreshnessFigures> {
  const runs = [];
  for (let n = 0; n < probes; n++) runs.push(await liveProbe(lake, trino, workload, n));
  const liveSeconds = median(runs.map((r) => r.seconds));
  const liveQuerySeconds = median(runs.map((r) => r.querySeconds));
  const { marker, acknowledged } = runs.at(-1)!;
  const c0 = Date.now();
  await lake.compact();
  const compactSeconds = (Date.now() - c0) / 1000;
  if (!hasProbe(await trinoLakeRows(trino, lake.spec, "current"), marker)) throw new Error("the probe write is not in the current view after a compaction");
  const currentSeconds = (Date.now() - acknowledged) / 1000;
  return {
    liveSeconds,
    liveQuerySeconds,
    currentSeconds,
    compactSeconds,
    text:
      `write → live view ${liveSeconds.toFixed(1)} s (median of ${probes} probes: ${runs.map((r) => r.seconds.toFixed(1)).join(", ")} s; one live-view query ${liveQuerySeconds.toFixed(1)} s); ` +
      `write → current view ${currentSeconds.toFixed(1)} s with a compaction started right after the live hit (compaction ${compactSeconds.toFixed(1)} s)`,
  };
}
