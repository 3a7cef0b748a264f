/** Compares a lake's rows with a scan of the table, as canonical DynamoDB JSON per key. */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { canonicalItemText, keyText } from "./dynamodb-json";
import { diffItems, type Differences } from "./model";
import type { LakeRow } from "../lake/spark-runner";

export const SAMPLE_KEY_NAMES = ["pk", "sk"];

export function tableItems(scan: Record<string, AttributeValue>[]): Map<string, string> {
  return new Map(scan.map((item) => [keyText(item, SAMPLE_KEY_NAMES), canonicalItemText(item)]));
}

/** Lake rows keyed by their own `_key` text re-canonicalized, items by canonical text. */
export function lakeItems(rows: readonly LakeRow[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of rows) {
    const item = JSON.parse(row.item) as Record<string, AttributeValue>;
    const key = keyText(item, SAMPLE_KEY_NAMES);
    if (out.has(key)) throw new Error(`the lake holds key ${key} twice`);
    if (canonicalItemText(JSON.parse(row._key) as Record<string, AttributeValue>) !== key) {
      throw new Error(`row _key ${row._key} does not match its item's key ${key}`);
    }
    out.set(key, canonicalItemText(item));
  }
  return out;
}

export function compareWithTable(scan: Record<string, AttributeValue>[], rows: readonly LakeRow[]): Differences {
  return diffItems(tableItems(scan), lakeItems(rows));
}

export const differenceCount = (d: Differences): number => d.missing.length + d.extra.length + d.differing.length;
