/**
 * The simple model the lake must match: per key, the delta with the greatest
 * padded seq wins; a REMOVE deletes. Applied over a snapshot (whose rows lose
 * to every delta), it must give exactly the table.
 */
import type { DeltaRecord } from "../../functions/shared/delta-record";
import { canonicalItemText, keyText } from "./dynamodb-json";

export interface ModelRow {
  readonly seq: string;
  /** Canonical DynamoDB JSON text of the item, or null when the winning change is a delete. */
  readonly item: string | null;
}

export function applyDeltas(base: Map<string, ModelRow>, deltas: Iterable<DeltaRecord>, keyNames: readonly string[]): Map<string, ModelRow> {
  const out = new Map(base);
  for (const delta of deltas) {
    const key = keyText(delta.keys, keyNames);
    const current = out.get(key);
    if (current && current.seq >= delta.seq) continue;
    out.set(key, { seq: delta.seq, item: delta.op === "REMOVE" || !delta.new_image ? null : canonicalItemText(delta.new_image) });
  }
  return out;
}

/** Key → item text, deletes dropped. */
export function liveItems(rows: Map<string, ModelRow>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, row] of rows) if (row.item !== null) out.set(key, row.item);
  return out;
}

export interface Differences {
  readonly missing: string[];
  readonly extra: string[];
  readonly differing: string[];
}

/** Compares a lake's items with the table's, both as key → canonical item text. */
export function diffItems(table: Map<string, string>, lake: Map<string, string>): Differences {
  const missing = [...table.keys()].filter((k) => !lake.has(k)).sort();
  const extra = [...lake.keys()].filter((k) => !table.has(k)).sort();
  const differing = [...table.keys()].filter((k) => lake.has(k) && lake.get(k) !== table.get(k)).sort();
  return { missing, extra, differing };
}
