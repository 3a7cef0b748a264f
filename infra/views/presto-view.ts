/**
 * The form in which Athena stores a view in the Glue Data Catalog, so a view can
 * be created through the Glue API (no DDL run) and Athena reads it as its own:
 * TableType VIRTUAL_VIEW, the SQL and Trino column types as base64 JSON in
 * ViewOriginalText, and the same columns with Hive types in the storage descriptor.
 */

export interface ViewColumn {
  name: string;
  /** Hive spelling, for the storage descriptor (string, decimal(38,0), timestamp…). */
  hiveType: string;
  /** Trino spelling, for the view metadata Athena checks (varchar, decimal(38,0), timestamp(3)…). */
  trinoType: string;
}

/** The JSON Athena keeps inside ViewOriginalText. */
export interface PrestoViewDefinition {
  originalSql: string;
  catalog: string;
  schema: string;
  columns: { name: string; type: string }[];
}

export interface GlueViewTable {
  tableType: "VIRTUAL_VIEW";
  viewOriginalText: string;
  viewExpandedText: string;
  parameters: Record<string, string>;
  columns: { name: string; type: string }[];
}

/** Athena's name for the Glue Data Catalog. */
export const ATHENA_CATALOG = "awsdatacatalog";
const PREFIX = "/* Presto View: ";
const SUFFIX = " */";

export function encodePrestoView(definition: PrestoViewDefinition): string {
  return `${PREFIX}${Buffer.from(JSON.stringify(definition), "utf8").toString("base64")}${SUFFIX}`;
}

/** Reads a ViewOriginalText back; throws when it is not Athena's form. */
export function decodePrestoView(viewOriginalText: string): PrestoViewDefinition {
  if (!viewOriginalText.startsWith(PREFIX) || !viewOriginalText.endsWith(SUFFIX)) {
    throw new Error(`not an Athena view text: expected "${PREFIX}<base64>${SUFFIX}"`);
  }
  const base64 = viewOriginalText.slice(PREFIX.length, viewOriginalText.length - SUFFIX.length);
  return JSON.parse(Buffer.from(base64, "base64").toString("utf8")) as PrestoViewDefinition;
}

/**
 * A Glue table input for an Athena view. Athena compares the column types it
 * derives from the SQL with the stored ones and calls the view stale when they
 * differ, so the SQL must CAST every output column to exactly these types.
 */
export function glueViewTable(database: string, sql: string, columns: readonly ViewColumn[]): GlueViewTable {
  return {
    tableType: "VIRTUAL_VIEW",
    viewOriginalText: encodePrestoView({
      originalSql: sql,
      catalog: ATHENA_CATALOG,
      schema: database,
      columns: columns.map((column) => ({ name: column.name, type: column.trinoType })),
    }),
    viewExpandedText: "/* Presto View */",
    parameters: { presto_view: "true", comment: "Presto View" },
    columns: columns.map((column) => ({ name: column.name, type: column.hiveType })),
  };
}
