/**
 * The Athena view `<t>_live`: the compacted current table plus the deltas not
 * compacted yet, latest per key by seq, deletes removed. Generated from the
 * table spec as Athena (Trino) SQL and stored in the catalog in Athena's form.
 */
import type { TableInput } from "@aws-sdk/client-glue";
import { liveViewName } from "../layout";
import { type ViewColumn, glueViewTable } from "./presto-view";
import { jsonScalar, quoteIdentifier, sqlJsonQuote, sqlString } from "./sql-text";
import { type LakeTableSpec, type ResolvedColumn, type ResolvedKey, type ResolvedSpec, resolveSpec } from "./table-spec";

/** `_source` of a row: compacted into <t>_current, or read from a delta not compacted yet. */
export const LIVE_SOURCE = { current: "current", changes: "changes" } as const;

const BOOKKEEPING: Readonly<Record<"_key" | "item" | "item_json" | "_seq" | "_ts" | "_source" | "_overflow", ViewColumn>> = {
  _key: { name: "_key", hiveType: "string", trinoType: "varchar" },
  item: { name: "item", hiveType: "string", trinoType: "varchar" },
  item_json: { name: "item_json", hiveType: "string", trinoType: "varchar" },
  _seq: { name: "_seq", hiveType: "string", trinoType: "varchar" },
  _ts: { name: "_ts", hiveType: "timestamp", trinoType: "timestamp(3)" },
  _source: { name: "_source", hiveType: "string", trinoType: "varchar" },
  _overflow: { name: "_overflow", hiveType: "string", trinoType: "varchar" },
};

const asViewColumn = (column: ResolvedColumn): ViewColumn => ({ name: column.column, hiveType: column.hiveType, trinoType: column.trinoType });

/** The view's columns in order: keys, _key, item, item_json, declared columns, _seq, _ts, _source, _overflow. */
export function liveViewColumns(spec: LakeTableSpec): ViewColumn[] {
  return columnsOf(resolveSpec(spec));
}

function columnsOf(resolved: ResolvedSpec): ViewColumn[] {
  return [
    ...resolved.keys.map(asViewColumn),
    BOOKKEEPING._key,
    BOOKKEEPING.item,
    BOOKKEEPING.item_json,
    ...resolved.declared.map(asViewColumn),
    BOOKKEEPING._seq,
    BOOKKEEPING._ts,
    BOOKKEEPING._source,
    BOOKKEEPING._overflow,
  ];
}

// Names used only inside the view; resolveSpec keeps user columns off the "__" prefix.
const keyMatch = (i: number): string => `__k${i + 1}`;
const SOURCE_RANK = "__source_rank";
const EVENT_ID = "__event_id";
const IS_DELETE = "__is_delete";
const RANK = "__rank";
const HORIZON = "__horizon";

/**
 * The `_key` of the `<t>_tombstones` row holding the snapshot horizon T (its `_ts`), written by
 * load_snapshot: the canonical JSON of an empty key, which no real key is.
 */
export const HORIZON_KEY = "{}";
const EPOCH = "TIMESTAMP '1970-01-01 00:00:00.000'";
/**
 * A delta's ApproximateCreationDateTime (ts_ms, epoch milliseconds) plus ms, as a timestamp. Not
 * date_add('millisecond', …): its amount is an integer, and epoch milliseconds overflow it.
 */
const tsPlus = (ms: number): string => `${EPOCH} + ("ts_ms"${ms ? ` + ${ms}` : ""}) * INTERVAL '0.001' SECOND`;

const cast = (expr: string, column: ViewColumn): string => `CAST(${expr} AS ${column.trinoType}) AS ${quoteIdentifier(column.name)}`;
const tryCast = (expr: string, column: ViewColumn): string => `TRY_CAST(${expr} AS ${column.trinoType}) AS ${quoteIdentifier(column.name)}`;
const nullAs = (column: ViewColumn): string => cast("NULL", column);

/** The exact DynamoDB JSON text of a key attribute's value (S string, N number text, B base64). */
const keyValue = (document: string, key: ResolvedKey): string => jsonScalar(document, [key.attribute, key.type]);

/** The typed key column of a delta or tombstone row, from the key attribute's exact text (as compaction types it). */
function typedKey(text: string, key: ResolvedKey): string {
  const column = asViewColumn(key);
  if (key.hiveType === "binary") return cast(`from_base64(${text})`, column);
  if (key.hiveType === "string") return cast(text, column);
  return tryCast(text, column);
}

/** Code point order, as Python's sort_keys and the canonical `_key` use. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0)!);
  const y = Array.from(b, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * SQL building the canonical `_key` of a delta row: {"<name>":{"<T>":"<value>"},…},
 * names sorted, no spaces, strings escaped as JSON.stringify / json.dumps(ensure_ascii=False).
 * N values (digits, sign, point, exponent) and B values (base64) need no escaping.
 */
function canonicalKeySql(resolved: ResolvedSpec, indent: string): string {
  const ordered = resolved.keys.map((key, i) => ({ key, match: keyMatch(i) })).sort((a, b) => byCodePoint(a.key.attribute, b.key.attribute));
  const parts = ordered.map(({ key, match }, i) => {
    const head = `${i === 0 ? "{" : ","}${JSON.stringify(key.attribute)}:{${JSON.stringify(key.type)}:`;
    const value = key.type === "S" ? sqlJsonQuote(match, `${indent}    `) : `'"' || ${match} || '"'`;
    return `${sqlString(head)}\n${indent}  || ${value}\n${indent}  || '}'`;
  });
  return `${parts.join(`\n${indent}  || `)}\n${indent}  || '}'`;
}

/**
 * A declared column of a delta row: the attribute's S, N, B or BOOL text cast to the column type
 * (what compaction casts too); NULL when absent, NULL, a set, list or map, or not castable.
 */
function declaredFromImage(column: ResolvedColumn): string {
  const scalars = ["S", "N", "B", "BOOL"].map((tag) => jsonScalar('"new_image"', [column.attribute, tag]));
  return tryCast(`coalesce(${scalars.join(", ")})`, asViewColumn(column));
}

function header(resolved: ResolvedSpec): string {
  const t = resolved.tables;
  const days = resolved.lookbackDays;
  return `-- ${t.live}: ${t.current} plus the deltas in ${t.changes} not compacted into it yet,
-- latest version per key, deleted items removed. Generated by dynamodb-lake from the table spec.
--
-- * Candidates per key: the ${t.current} row (its _seq), the ${t.tombstones} row of a compacted
--   delete (its _seq), and every delta of the last ${days} day(s) of ${t.changes} partitions plus today (dt, UTC).
--   Deltas older than that must already be compacted: keep the compaction lag below ${days} day(s).
-- * Keys match on the exact key attribute text from the DynamoDB JSON (_key of current rows, keys of
--   deltas), never on numbers, so keys of any length and precision compare exactly. The typed key
--   columns go into the same PARTITION BY so that a filter on them reaches the table scans.
-- * The greatest 40-digit _seq wins; on a tie the current row wins (that delta is already merged).
--   A winning REMOVE or tombstone removes the key, so a late duplicate of an older change cannot resurrect it.
-- * Rows from deltas (_source = 'changes'): item is the delta's new_image (DynamoDB JSON, same content,
--   key order may differ); item_json is NULL because turning DynamoDB JSON into plain JSON needs a
--   recursive rewrite SQL cannot express (the next compaction fills it); declared columns are the
--   attribute's S, N, B or BOOL text cast with TRY_CAST (NULL for sets, lists and maps until compaction);
--   _key is built in the canonical form (names sorted, compact, strings escaped as JSON).
-- * A delta too large for Firehose keeps its images in S3: such a row has _overflow = the s3:// URI of the
--   whole record and item, item_json and declared columns NULL until compaction resolves it.
-- * Snapshot horizon: the ${t.tombstones} row with _key '${HORIZON_KEY}' (no real key) holds in _ts the point in
--   time T of the snapshot ${t.current} was loaded from. A delta with ts_ms + 1000 <= T is already in that
--   snapshot (ApproximateCreationDateTime is rounded down to the second) and is ignored, as compaction
--   ignores it: an older delta must not overwrite an exported value whose own newer delta was lost.
--   Without that row every delta is read.`;
}

export function liveViewSql(spec: LakeTableSpec): string {
  const resolved = resolveSpec(spec);
  const { database, tables, keys, declared } = resolved;
  const columns = columnsOf(resolved);
  const keyColumns = keys.map(asViewColumn);
  const declaredColumns = declared.map(asViewColumn);
  const table = (name: string): string => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`;
  const matches = keys.map((_, i) => keyMatch(i));
  const list = (items: string[]): string => items.map((item) => `    ${item}`).join(",\n");
  const bookkeeping = (key: keyof typeof BOOKKEEPING): ViewColumn => BOOKKEEPING[key];

  const currentRows = list([
    ...keys.map((key, i) => `${keyValue('"_key"', key)} AS ${keyMatch(i)}`),
    `0 AS ${SOURCE_RANK}`,
    `'' AS ${EVENT_ID}`,
    `FALSE AS ${IS_DELETE}`,
    ...keyColumns.map((column) => cast(quoteIdentifier(column.name), column)),
    cast('"_key"', bookkeeping("_key")),
    cast('"item"', bookkeeping("item")),
    cast('"item_json"', bookkeeping("item_json")),
    ...declaredColumns.map((column) => cast(quoteIdentifier(column.name), column)),
    cast('"_seq"', bookkeeping("_seq")),
    cast('"_ts"', bookkeeping("_ts")),
    cast(sqlString(LIVE_SOURCE.current), bookkeeping("_source")),
    nullAs(bookkeeping("_overflow")),
  ]);

  const tombstoneRows = list([
    ...keys.map((key, i) => `${keyValue('"_key"', key)} AS ${keyMatch(i)}`),
    `1 AS ${SOURCE_RANK}`,
    `'' AS ${EVENT_ID}`,
    `TRUE AS ${IS_DELETE}`,
    ...keys.map((key) => typedKey(keyValue('"_key"', key), key)),
    ...columns.slice(keys.length).map((column) => (column.name === "_seq" ? cast('"_seq"', column) : nullAs(column))),
  ]);

  const recentChanges = list([
    ...keys.map((key, i) => `${keyValue('"keys"', key)} AS ${keyMatch(i)}`),
    // Contract 1 pads seq to 40 digits; padding again keeps string order = numeric order for any writer.
    `lpad("seq", 40, '0') AS "seq40"`,
    '"event_id"',
    '"op"',
    '"ts_ms"',
    '"new_image"',
    '"overflow"',
  ]);

  const changeRows = list([
    ...matches,
    `2 AS ${SOURCE_RANK}`,
    `"event_id" AS ${EVENT_ID}`,
    `"op" = 'REMOVE' AS ${IS_DELETE}`,
    ...keys.map((key, i) => typedKey(keyMatch(i), key)),
    `CAST(\n      ${canonicalKeySql(resolved, "      ")}\n    AS varchar) AS "_key"`,
    cast('"new_image"', bookkeeping("item")),
    nullAs(bookkeeping("item_json")),
    ...declared.map(declaredFromImage),
    cast('"seq40"', bookkeeping("_seq")),
    cast(tsPlus(0), bookkeeping("_ts")),
    cast(sqlString(LIVE_SOURCE.changes), bookkeeping("_source")),
    cast('"overflow"', bookkeeping("_overflow")),
  ]);

  const output = columns.map((column) => `    ${quoteIdentifier(column.name)}`).join(",\n");
  // The typed key columns are a function of the key text, so adding them leaves the groups as they are
  // and lets Athena push a filter on them (a lookup by key) below the window into the table scans.
  const partitionBy = [...keyColumns.map((column) => quoteIdentifier(column.name)), ...matches].join(", ");

  return `${header(resolved)}
WITH
current_rows AS (
  SELECT
${currentRows}
  FROM ${table(tables.current)}
),
tombstone_rows AS (
  SELECT
${tombstoneRows}
  FROM ${table(tables.tombstones)}
  WHERE "_key" <> ${sqlString(HORIZON_KEY)}
),
horizon AS (
  -- one row always: T, or the epoch when no snapshot horizon was recorded
  SELECT coalesce(max("_ts"), ${EPOCH}) AS ${HORIZON}
  FROM ${table(tables.tombstones)}
  WHERE "_key" = ${sqlString(HORIZON_KEY)}
),
recent_changes AS (
  SELECT
${recentChanges}
  FROM ${table(tables.changes)}
  CROSS JOIN horizon
  WHERE "dt" >= date_format(current_date - INTERVAL '${resolved.lookbackDays}' DAY, '%Y-%m-%d')
    -- a line the SerDe could not parse reads as NULLs (ignore.malformed.json); compaction quarantines its file
    AND "seq" IS NOT NULL
    AND ${tsPlus(1000)} > ${HORIZON}
),
change_rows AS (
  SELECT
${changeRows}
  FROM recent_changes
  -- a record whose keys do not fit the key schema cannot be placed; it stays visible in ${tables.changes}
  WHERE ${matches.map((match) => `${match} IS NOT NULL`).join(" AND ")}
),
candidates AS (
  SELECT * FROM current_rows
  UNION ALL
  SELECT * FROM tombstone_rows
  UNION ALL
  SELECT * FROM change_rows
),
ranked AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY ${partitionBy} ORDER BY "_seq" DESC, ${SOURCE_RANK} ASC, ${EVENT_ID} DESC) AS ${RANK}
  FROM candidates
)
SELECT
${output}
FROM ranked
WHERE ${RANK} = 1 AND NOT ${IS_DELETE}
`;
}

/** The Glue TableInput that makes `<t>_live` an Athena view (the component and the local lake create it). */
export function liveViewGlueTable(spec: LakeTableSpec): TableInput {
  return glueViewTable(liveViewName(spec.tableName), spec.database, liveViewSql(spec), liveViewColumns(spec));
}

