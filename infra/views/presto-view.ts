/**
 * The form in which Athena stores a view in the Glue Data Catalog, so a view can
 * be created through the Glue API (no DDL run) and Athena reads it as its own:
 * TableType VIRTUAL_VIEW, the SQL and Trino column types as base64 JSON in
 * ViewOriginalText, and the same columns with Hive types in the storage descriptor.
 */
import type { TableInput } from "@aws-sdk/client-glue";

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
  /**
   * Whose permissions the view runs with. Athena checks the caller's own permissions on the tables a
   * view reads, which is Trino's run-as-invoker; a view with neither this nor a Glue `Owner` is
   * rejected by Trino ("Run-as identity must be set for a run-as definer view").
   */
  runAsInvoker?: boolean;
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

/** The table comment that marks a Glue table as an Athena (Presto) view. */
export const PRESTO_VIEW_COMMENT = "Presto View";
/**
 * A view reads no files, yet Athena and Trino refuse one whose storage descriptor has no SerDe info
 * ("Table storage descriptor is missing SerDe info"), and the Pulumi provider leaves an empty SerDe
 * info out of the request: so the view's carries a name and nothing else.
 */
export const VIEW_SERDE_NAME = "presto_view";

/**
 * The Glue TableInput of an Athena view, as Athena's own CREATE VIEW stores it. Athena compares the
 * column types it derives from the SQL with the stored ones and calls the view stale when they
 * differ, so the SQL must CAST every output column to exactly these types. No Description: Athena's
 * engine takes it as the table comment, and only a table whose comment is "Presto View" is read as a view.
 */
export function glueViewTable(name: string, database: string, sql: string, columns: readonly ViewColumn[]): TableInput {
  return {
    Name: name,
    TableType: "VIRTUAL_VIEW",
    Parameters: { presto_view: "true", comment: PRESTO_VIEW_COMMENT },
    ViewOriginalText: encodePrestoView({
      originalSql: sql,
      catalog: ATHENA_CATALOG,
      schema: database,
      columns: columns.map((column) => ({ name: column.name, type: column.trinoType })),
      runAsInvoker: true,
    }),
    ViewExpandedText: "/* Presto View */",
    StorageDescriptor: {
      Columns: columns.map((column) => ({ Name: column.name, Type: column.hiveType })),
      SerdeInfo: { Name: VIEW_SERDE_NAME },
    },
  };
}
