/**
 * Where everything lives in the lake bucket and the catalog. Pure: shared by the
 * components, the local pipeline and the tests, so the prefixes agree everywhere.
 */
export const LAKE_PREFIXES = {
  changes: "changes/",
  errors: "errors/",
  overflow: "overflow/",
  exports: "exports/",
  quarantine: "quarantine/",
  warehouse: "warehouse/",
  ledger: "_lake/",
  assets: "_assets/",
  athenaResults: "athena-results/",
} as const;

/** Glue/Athena names are lower case letters, digits and underscores. */
export function catalogName(tableName: string): string {
  const name = tableName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z0-9_]{1,200}$/.test(name)) throw new Error(`cannot derive a catalog name from table ${JSON.stringify(tableName)}`);
  return name;
}

export const changesPrefix = (table: string): string => `${LAKE_PREFIXES.changes}${table}/`;
/** Firehose object prefix: date and hour in the key, read by the _changes partition projection. */
export const firehoseChangesPrefix = (table: string): string =>
  `${changesPrefix(table)}dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`;
export const firehoseErrorPrefix = (table: string): string =>
  `${LAKE_PREFIXES.errors}${table}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`;
/** The capture function appends `<table>/` itself, from each record's eventSourceARN. */
export const overflowPrefix = (): string => LAKE_PREFIXES.overflow;
export const overflowTablePrefix = (table: string): string => `${LAKE_PREFIXES.overflow}${table}/`;
export const exportsPrefix = (table: string): string => `${LAKE_PREFIXES.exports}${table}/`;
export const quarantinePrefix = (table: string): string => `${LAKE_PREFIXES.quarantine}${table}/`;
export const ledgerPrefix = (table: string): string => `${LAKE_PREFIXES.ledger}${table}/`;
/**
 * The files of one Iceberg table of the lake: Iceberg's GlueCatalog puts a table at
 * <warehouse><database>.db/<table>/ when the table names no location and the database has none
 * (the scripts and the catalog component set neither), so each job role can be held to its own tables.
 * The scripts name the database by its catalog name, so the folder does too.
 */
export const warehouseTablePrefix = (database: string, catalogTable: string): string =>
  `${LAKE_PREFIXES.warehouse}${catalogName(database)}.db/${catalogName(catalogTable)}/`;

export const currentTableName = (table: string): string => `${catalogName(table)}_current`;
export const changesTableName = (table: string): string => `${catalogName(table)}_changes`;
export const liveViewName = (table: string): string => `${catalogName(table)}_live`;
