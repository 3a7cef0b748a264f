/**
 * Prints the catalog definitions generated for the table specs given as a JSON
 * array in argv[2], as a JSON array: the view SQL and columns (run on DuckDB by
 * test_live_view.py) and the Glue inputs the components create (created in the
 * moto Glue catalog and queried on Trino by the Trino-judged tests).
 */
import { lakeDatabaseInput } from "../../infra/lake-catalog";
import { changesTableDefinition, changesTableInput } from "../../infra/views/changes-table";
import { liveViewColumns, liveViewGlueTable, liveViewSql } from "../../infra/views/live-view";
import type { LakeTableSpec } from "../../infra/views/table-spec";

const specs = JSON.parse(process.argv[2] ?? "[]") as LakeTableSpec[];
const out = specs.map((spec) => ({
  sql: liveViewSql(spec),
  columns: liveViewColumns(spec),
  changes: changesTableDefinition(spec),
  glue: { database: lakeDatabaseInput(spec.database), changes: changesTableInput(spec), live: liveViewGlueTable(spec) },
}));
process.stdout.write(`${JSON.stringify(out)}\n`);
