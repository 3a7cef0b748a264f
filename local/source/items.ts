/**
 * Item generator for the sample table: every DynamoDB type, 38-digit numbers,
 * empty strings, nested maps and lists, and a few items near the 400 KB limit.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { SeededRandom } from "./random";
import { TTL_ATTRIBUTE } from "./sample-table";

export type Item = Record<string, AttributeValue>;

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** 400 KB is DynamoDB's item limit (names and values); stay just under it. */
export const NEAR_LIMIT_BYTES = 395_000;

export const keyOf = (key: ItemKey): Item => ({ pk: { S: key.pk }, sk: { N: key.sk } });

/** A sort key: mostly small, sometimes 38 digits, sometimes negative. */
export function randomSortKey(random: SeededRandom): string {
  const roll = random.next();
  if (roll < 0.15) return random.digits(38);
  if (roll < 0.25) return `-${random.digits(1 + random.int(20))}`;
  if (roll < 0.3) return "0";
  return random.digits(1 + random.int(6));
}

/** Numbers in the canonical form DynamoDB returns, including 38 significant digits. */
function randomNumber(random: SeededRandom): string {
  const sign = random.chance(0.3) ? "-" : "";
  switch (random.int(5)) {
    case 0:
      return sign + random.digits(38);
    case 1:
      return `${sign}0.${"0".repeat(random.int(5))}${random.digits(1 + random.int(30)).replace(/0+$/, "") || "1"}`;
    case 2:
      return `${sign}${random.digits(1 + random.int(19))}.${random.digits(1 + random.int(18)).replace(/0+$/, "") || "5"}`;
    case 3:
      return String(random.int(1000));
    default:
      return sign + random.digits(1 + random.int(12));
  }
}

const WORDS = ["alpha", "ünïcödé", "emoji 🚀", 'quote " and \\ backslash', "line\nbreak", "tab\tchar", "日本語", "plain"];

function randomString(random: SeededRandom): string {
  return `${random.pick(WORDS)} ${random.digits(4)}`;
}

function uniqueStrings(random: SeededRandom, n: number): string[] {
  return [...new Set(Array.from({ length: n }, () => randomString(random)))];
}

function uniqueNumbers(random: SeededRandom, n: number): string[] {
  return [...new Set(Array.from({ length: n }, () => randomNumber(random)))];
}

function uniqueBinaries(random: SeededRandom, n: number): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) {
    const b = random.bytes(1 + random.int(16));
    seen.set(Buffer.from(b).toString("hex"), b);
  }
  return [...seen.values()];
}

function nested(random: SeededRandom, depth: number): AttributeValue {
  if (depth <= 0 || random.chance(0.3)) {
    return random.pick<() => AttributeValue>([
      () => ({ S: randomString(random) }),
      () => ({ N: randomNumber(random) }),
      () => ({ BOOL: random.chance(0.5) }),
      () => ({ NULL: true }),
      () => ({ B: random.bytes(4) }),
      () => ({ S: "" }),
    ])();
  }
  if (random.chance(0.5)) {
    const m: Item = {};
    for (let i = random.int(4); i >= 0; i--) m[`k${random.int(10)}`] = nested(random, depth - 1);
    return { M: m };
  }
  return { L: Array.from({ length: random.int(4) }, () => nested(random, depth - 1)) };
}

export interface ItemOptions {
  /** Epoch seconds for the TTL attribute; in the past makes the item a TTL candidate. */
  readonly expiresAt?: number;
  readonly nearLimit?: "string" | "binary";
}

export function randomItem(random: SeededRandom, key: ItemKey, options: ItemOptions = {}): Item {
  const item: Item = {
    ...keyOf(key),
    status: { S: random.pick(["new", "paid", "shipped", "returned"]) },
    price: { N: `${random.int(100000)}.${random.digits(2).replace(/0+$/, "") || "5"}` },
    qty: { N: String(random.int(50)) },
    big: { N: randomNumber(random) },
    note: { S: random.chance(0.2) ? "" : randomString(random) },
    flag: { BOOL: random.chance(0.5) },
    nothing: { NULL: true },
    blob: { B: random.bytes(1 + random.int(64)) },
    tags: { SS: uniqueStrings(random, 1 + random.int(4)) },
    scores: { NS: uniqueNumbers(random, 1 + random.int(4)) },
    blobs: { BS: uniqueBinaries(random, 1 + random.int(3)) },
    profile: { M: { level: nested(random, 3), history: { L: [nested(random, 2), nested(random, 2)] }, empty_map: { M: {} }, empty_list: { L: [] } } },
  };
  if (options.expiresAt !== undefined) item[TTL_ATTRIBUTE] = { N: String(options.expiresAt) };
  if (options.nearLimit === "string") item.payload = { S: "x".repeat(NEAR_LIMIT_BYTES) };
  if (options.nearLimit === "binary") item.payload_bin = { B: random.bytes(NEAR_LIMIT_BYTES) };
  return item;
}
