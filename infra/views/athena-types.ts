/**
 * Athena column types in the two spellings the catalog needs: the Hive form Glue
 * stores in a table's storage descriptor (string, int, binary…) and the Trino form
 * Athena's SQL and its view metadata use (varchar, integer, varbinary…).
 */

/** Hive type → Trino type for every non-decimal type this package writes. */
const HIVE_TO_TRINO: Readonly<Record<string, string>> = {
  string: "varchar",
  boolean: "boolean",
  tinyint: "tinyint",
  smallint: "smallint",
  int: "integer",
  bigint: "bigint",
  float: "real",
  double: "double",
  date: "date",
  // Athena reads Iceberg and Hive timestamps at millisecond precision.
  timestamp: "timestamp(3)",
  binary: "varbinary",
};

/** Types a declared column may have: scalars Athena can cast a DynamoDB S, N or BOOL value to. */
export const DECLARED_COLUMN_TYPES = [
  "string",
  "boolean",
  "tinyint",
  "smallint",
  "int",
  "bigint",
  "float",
  "double",
  "decimal(p,s)",
  "date",
  "timestamp",
] as const;

const DECIMAL = /^decimal\((\d+),(\d+)\)$/;
const MAX_DECIMAL_PRECISION = 38;

/** Canonical spelling of a Hive decimal type, or an error naming the allowed range. */
function decimalType(precision: number, scale: number, original: string): string {
  if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale > precision) {
    throw new Error(
      `${JSON.stringify(original)} is not a valid decimal type: use decimal(p,s) with 1 <= p <= ${MAX_DECIMAL_PRECISION} and 0 <= s <= p`,
    );
  }
  return `decimal(${precision},${scale})`;
}

/**
 * Canonical Hive spelling of a type the user wrote (case and spaces ignored,
 * `integer` accepted for `int`). Throws for anything this package cannot map.
 */
export function canonicalHiveType(type: string): string {
  const compact = type.toLowerCase().replace(/\s+/g, "");
  if (compact === "integer") return "int";
  if (compact === "decimal") return "decimal(10,0)";
  const decimal = DECIMAL.exec(compact);
  if (decimal) return decimalType(Number(decimal[1]), Number(decimal[2]), type);
  if (compact in HIVE_TO_TRINO) return compact;
  throw new Error(`unsupported Athena column type ${JSON.stringify(type)}; use one of ${Object.keys(HIVE_TO_TRINO).join(", ")}, decimal(p,s)`);
}

/** The Trino spelling of a canonical Hive type (what CAST and the view metadata use). */
export function trinoType(hiveType: string): string {
  if (DECIMAL.test(hiveType)) return hiveType;
  const trino = HIVE_TO_TRINO[hiveType];
  if (trino === undefined) throw new Error(`no Trino type for Hive type ${JSON.stringify(hiveType)}`);
  return trino;
}

/** Canonical Hive type of a declared column, rejecting types a DynamoDB scalar cannot be cast to. */
export function declaredColumnType(column: string, type: string): string {
  let hive: string;
  try {
    hive = canonicalHiveType(type);
  } catch (error) {
    throw new Error(`declared column ${JSON.stringify(column)}: ${(error as Error).message}`);
  }
  if (hive === "binary") {
    throw new Error(
      `declared column ${JSON.stringify(column)}: binary is not supported; read binary attributes from item. Allowed types: ${DECLARED_COLUMN_TYPES.join(", ")}`,
    );
  }
  return hive;
}
