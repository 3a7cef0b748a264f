/**
 * The repair check, against the emulator: glue-scripts/reconcile.py compares
 * the current view with a scan (or a fresh export) of the table and reports
 * missing, extra and differing items.
 */
import type { LocalLake } from "./lake";

export interface ReconcileDetail {
  readonly kind: "missing" | "extra" | "differing";
  readonly _key: string;
  readonly source: string | null;
  readonly lake: string | null;
}

export interface ReconcileReport {
  /** The script's "reconcile: N items, M differences (…)" line. */
  readonly summary: string;
  readonly items: number;
  readonly differences: number;
  readonly missing: number;
  readonly extra: number;
  readonly differing: number;
  readonly details: ReconcileDetail[];
  readonly exitCode: number;
}

export type ReconcileSource = { readonly scan: true } | { readonly exportUri: string };

/** Runs reconcile.py against a scan or an export directory, in the shared Spark session. */
export async function reconcileLake(lake: LocalLake, from: ReconcileSource): Promise<ReconcileReport> {
  const result = await lake.run("reconcile", lake.reconcileArgv(from));
  const lines = result.output.split("\n");
  const summary = lines.find((l) => l.startsWith("reconcile: "));
  const json = lines.filter((l) => l.startsWith("{")).pop();
  if (!summary || !json || (result.exitCode !== 0 && result.exitCode !== 1)) {
    throw new Error(`reconcile.py exited ${result.exitCode} without its report:\n${result.output.slice(-3000)}`);
  }
  const parsed = JSON.parse(json) as Omit<ReconcileReport, "summary" | "exitCode">;
  return { ...parsed, summary, exitCode: result.exitCode };
}

/** Reconciles with a fresh export of the table (taken now, so after the newest merged change). */
export async function reconcileWithFreshExport(lake: LocalLake): Promise<ReconcileReport> {
  return reconcileLake(lake, { exportUri: await lake.exportTable() });
}
