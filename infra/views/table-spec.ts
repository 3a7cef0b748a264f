/**
 * What the catalog definitions of one lake table are generated from: the source
 * table, where its lake lives, its key schema and its declared columns. Pure:
 * shared by the components, the Glue job arguments and the tests.
 */
import { catalogName, changesTableName, currentTableName, liveViewName } from "../layout";
import { canonicalHiveType, declaredColumnType, trinoType } from "./athena-types";
import { isBucketName } from "../../functions/shared/bucket-name";

export type KeyAttributeType = "S" | "N" | "B";

export interface KeyAttribute {
  /** The DynamoDB attribute name, exactly as in the table's key schema. */
  name: string;
  type: KeyAttributeType;
  /** Athena type of the key column (Hive spelling). Default: S → string, N → decimal(38,0), B → binary. */
  columnType?: string;
}

export interface LakeTableSpec {
  /** Source DynamoDB table name. */
  tableName: string;
  /** Glue database that holds <t>_current, <t>_changes, <t>_tombstones and <t>_live. */
  database: string;
  /** Lake bucket name (no s3://). */
  bucket: string;
  /** Partition key first, then the sort key if any. */
  keys: KeyAttribute[];
  /** Attribute name → Athena type (Hive spelling), e.g. {"price": "decimal(38,2)"}. */
  declaredColumns: Record<string, string>;
  /** Days of `<t>_changes` partitions the live view reads besides today; must exceed the compaction lag. Default 2. */
  lookbackDays?: number;
  /**
   * First day (yyyy-MM-dd, UTC) the `<t>_changes` partition projection lists. Default 2024-01-01 here;
   * the TableCatalog component defaults it to the day of the first deploy.
   */
  changesStartDate?: string;
}

export const DEFAULT_LOOKBACK_DAYS = 2;
export const DEFAULT_CHANGES_START_DATE = "2024-01-01";

const KEY_TYPES: readonly KeyAttributeType[] = ["S", "N", "B"];
const DEFAULT_KEY_COLUMN_TYPE: Readonly<Record<KeyAttributeType, string>> = { S: "string", N: "decimal(38,0)", B: "binary" };
/** Key column types a key attribute may be stored as, besides its default. */
const KEY_COLUMN_TYPE_ALLOWED: Readonly<Record<KeyAttributeType, (hive: string) => boolean>> = {
  S: (hive) => hive === "string",
  N: (hive) => hive === "string" || hive.startsWith("decimal("),
  B: (hive) => hive === "binary",
};

const KEY_SCHEMA_FORM = 'name:S|N|B[:columnType], comma separated, e.g. "pk:S,sk:N" or "sk:N:decimal(38,6)"';

/** Splits on commas outside parentheses, so decimal(38,6) stays whole. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "(") depth += 1;
    else if (ch === ")") depth -= 1;
    else if (ch === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Checks one key attribute and returns it with a canonical columnType (when one was given). */
function checkKeyAttribute(key: KeyAttribute, where: string): KeyAttribute {
  if (key.name.length === 0 || key.name.length > 255) throw new Error(`${where}: key attribute name must be 1 to 255 characters`);
  if (/[,:]/.test(key.name)) throw new Error(`${where}: key attribute name ${JSON.stringify(key.name)} must not contain ',' or ':'`);
  if (!KEY_TYPES.includes(key.type)) {
    throw new Error(`${where}: key attribute type ${JSON.stringify(key.type)} must be S, N or B (DynamoDB key attributes are strings, numbers or binary)`);
  }
  if (key.columnType === undefined) return { name: key.name, type: key.type };
  const hive = canonicalHiveType(key.columnType);
  if (!KEY_COLUMN_TYPE_ALLOWED[key.type](hive)) {
    throw new Error(
      `${where}: a ${key.type} key cannot be stored as ${hive}; ${key.type === "N" ? "use string or decimal(p,s)" : `use ${DEFAULT_KEY_COLUMN_TYPE[key.type]}`}`,
    );
  }
  return { name: key.name, type: key.type, columnType: hive };
}

/** Checks a whole key schema: one or two attributes, distinct names and column names. */
export function checkKeySchema(keys: readonly KeyAttribute[]): KeyAttribute[] {
  if (keys.length < 1 || keys.length > 2) {
    throw new Error(`a key schema has a partition key and at most one sort key, got ${keys.length} attributes; expected ${KEY_SCHEMA_FORM}`);
  }
  const checked = keys.map((key, i) => checkKeyAttribute(key, `key attribute ${i + 1}`));
  if (checked.length === 2 && catalogName(checked[0]!.name) === catalogName(checked[1]!.name)) {
    throw new Error(`key attributes ${JSON.stringify(checked[0]!.name)} and ${JSON.stringify(checked[1]!.name)} map to the same column name`);
  }
  return checked;
}

/** Parses the Glue `--key_schema` argument, e.g. "pk:S,sk:N" or "pk:S,sk:N:decimal(38,6)". */
export function parseKeySchema(s: string): KeyAttribute[] {
  if (s.trim() === "") throw new Error(`empty key schema; expected ${KEY_SCHEMA_FORM}`);
  const keys = splitTopLevel(s).map((part, i): KeyAttribute => {
    const fields = part.split(":").map((field) => field.trim());
    const [name, type, columnType] = fields;
    if (fields.length < 2 || fields.length > 3 || !name || !type) {
      throw new Error(`key schema entry ${i + 1} ${JSON.stringify(part.trim())} is malformed; expected ${KEY_SCHEMA_FORM}`);
    }
    const key: KeyAttribute = { name, type: type as KeyAttributeType };
    if (fields.length === 3) {
      if (!columnType) throw new Error(`key schema entry ${i + 1} ${JSON.stringify(part.trim())} has an empty column type; expected ${KEY_SCHEMA_FORM}`);
      key.columnType = columnType;
    }
    return key;
  });
  return checkKeySchema(keys);
}

/** The inverse of parseKeySchema: the Glue `--key_schema` argument for these keys. */
export function formatKeySchema(keys: KeyAttribute[]): string {
  return checkKeySchema(keys)
    .map((key) => (key.columnType === undefined ? `${key.name}:${key.type}` : `${key.name}:${key.type}:${key.columnType}`))
    .join(",");
}

export interface ResolvedColumn {
  /** Attribute name in the item (DynamoDB JSON). */
  attribute: string;
  /** Catalog column name. */
  column: string;
  hiveType: string;
  trinoType: string;
}

export interface ResolvedKey extends ResolvedColumn {
  type: KeyAttributeType;
}

/** A spec checked and expanded into the names and types the generators use. */
export interface ResolvedSpec {
  tableName: string;
  database: string;
  bucket: string;
  keys: ResolvedKey[];
  declared: ResolvedColumn[];
  lookbackDays: number;
  changesStartDate: string;
  tables: { current: string; changes: string; tombstones: string; live: string };
}

/** Columns every current row has besides its keys and declared columns; declared columns must not take these names. */
export const BOOKKEEPING_COLUMNS = ["_key", "item", "item_json", "_seq", "_ts"] as const;
/** Columns the live view adds to tell where a row came from. */
export const LIVE_ONLY_COLUMNS = ["_source", "_overflow"] as const;

const GLUE_DATABASE = /^[a-z0-9_]{1,255}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const tombstonesTableName = (table: string): string => `${catalogName(table)}_tombstones`;

/** Checks a spec and derives every name and type from it; errors name the field and the fix. */
export function resolveSpec(spec: LakeTableSpec): ResolvedSpec {
  if (!spec.tableName) throw new Error("tableName is required: the source DynamoDB table name");
  if (!GLUE_DATABASE.test(spec.database)) {
    throw new Error(`database ${JSON.stringify(spec.database)} must be 1 to 255 lower-case letters, digits or underscores (a Glue database name Athena can query)`);
  }
  if (!isBucketName(spec.bucket)) throw new Error(`bucket ${JSON.stringify(spec.bucket)} must be an S3 bucket name without s3:// or a path`);
  const lookbackDays = spec.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > 366) {
    throw new Error(`lookbackDays must be a whole number of days from 1 to 366, got ${String(spec.lookbackDays)}`);
  }
  const changesStartDate = spec.changesStartDate ?? DEFAULT_CHANGES_START_DATE;
  if (!ISO_DATE.test(changesStartDate) || Number.isNaN(Date.parse(`${changesStartDate}T00:00:00Z`))) {
    throw new Error(`changesStartDate must be a date as yyyy-MM-dd, got ${JSON.stringify(changesStartDate)}`);
  }

  const keys = checkKeySchema(spec.keys).map((key): ResolvedKey => {
    const hiveType = key.columnType ?? DEFAULT_KEY_COLUMN_TYPE[key.type];
    if (catalogName(key.name).startsWith("__")) throw new Error(`key attribute ${JSON.stringify(key.name)}: column names starting with "__" are reserved for the live view`);
    return { attribute: key.name, type: key.type, column: catalogName(key.name), hiveType, trinoType: trinoType(hiveType) };
  });

  const taken = new Map<string, string>(keys.map((key) => [key.column, `key attribute ${JSON.stringify(key.attribute)}`]));
  for (const name of [...BOOKKEEPING_COLUMNS, ...LIVE_ONLY_COLUMNS]) taken.set(name, "a bookkeeping column");
  const declared = Object.entries(spec.declaredColumns).map(([attribute, type]): ResolvedColumn => {
    if (attribute.length === 0) throw new Error("declared column names must not be empty");
    const column = catalogName(attribute);
    if (column.startsWith("__")) throw new Error(`declared column ${JSON.stringify(attribute)}: column names starting with "__" are reserved for the live view`);
    const owner = taken.get(column);
    if (owner !== undefined) {
      throw new Error(`declared column ${JSON.stringify(attribute)} maps to column ${column}, already used by ${owner}; declare another attribute or drop it`);
    }
    taken.set(column, `declared column ${JSON.stringify(attribute)}`);
    const hiveType = declaredColumnType(attribute, type);
    return { attribute, column, hiveType, trinoType: trinoType(hiveType) };
  });

  return {
    tableName: spec.tableName,
    database: spec.database,
    bucket: spec.bucket,
    keys,
    declared,
    lookbackDays,
    changesStartDate,
    tables: {
      current: currentTableName(spec.tableName),
      changes: changesTableName(spec.tableName),
      tombstones: tombstonesTableName(spec.tableName),
      live: liveViewName(spec.tableName),
    },
  };
}
