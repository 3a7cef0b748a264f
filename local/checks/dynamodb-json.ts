/**
 * Canonical DynamoDB JSON text, so that an item read from a scan and an item
 * rebuilt from the lake compare as strings: attribute names sorted, binary as
 * base64, sets sorted (sets have no order).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

type Json = null | boolean | string | Json[] | { [k: string]: Json };

/** Lambda/stream style values use base64 strings for binary; SDK values use bytes. Both are accepted. */
type AnyValue = AttributeValue | Record<string, unknown>;

const b64 = (v: unknown): string => (typeof v === "string" ? v : Buffer.from(v as Uint8Array).toString("base64"));

export function canonicalValue(value: AnyValue): Json {
  const v = value as Record<string, unknown>;
  if (v.S !== undefined) return { S: v.S as string };
  if (v.N !== undefined) return { N: v.N as string };
  if (v.B !== undefined) return { B: b64(v.B) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL as boolean };
  if (v.NULL !== undefined) return { NULL: true };
  if (v.SS !== undefined) return { SS: [...(v.SS as string[])].sort() };
  if (v.NS !== undefined) return { NS: [...(v.NS as string[])].sort() };
  if (v.BS !== undefined) return { BS: (v.BS as unknown[]).map(b64).sort() };
  if (v.L !== undefined) return { L: (v.L as AnyValue[]).map(canonicalValue) };
  if (v.M !== undefined) return { M: canonicalItem(v.M as Record<string, AnyValue>) };
  throw new Error(`unknown attribute value ${JSON.stringify(value)}`);
}

export function canonicalItem(item: Record<string, AnyValue>): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const name of Object.keys(item).sort()) out[name] = canonicalValue(item[name]!);
  return out;
}

export const canonicalItemText = (item: Record<string, AnyValue>): string => JSON.stringify(canonicalItem(item));

/** The lake's merge key: the key attributes, names sorted, compact. */
export function keyText(item: Record<string, AnyValue>, keyNames: readonly string[]): string {
  const key: Record<string, AnyValue> = {};
  for (const name of [...keyNames].sort()) {
    const value = item[name];
    if (value === undefined) throw new Error(`item has no key attribute ${name}`);
    key[name] = value;
  }
  return canonicalItemText(key);
}
