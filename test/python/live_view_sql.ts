/**
 * Prints the catalog definitions generated for the table specs given as a JSON
 * array in argv[2], as a JSON array: what test_live_view.py runs in DuckDB.
 */
import { changesTableDefinition } from "../../infra/views/changes-table";
import { liveViewColumns, liveViewGlueTable, liveViewSql } from "../../infra/views/live-view";
import type { LakeTableSpec } from "../../infra/views/table-spec";

const specs = JSON.parse(process.argv[2] ?? "[]") as LakeTableSpec[];
const out = specs.map((spec) => ({
  sql: liveViewSql(spec),
  columns: liveViewColumns(spec),
  glue: liveViewGlueTable(spec),
  changes: changesTableDefinition(spec),
}));
process.stdout.write(`${JSON.stringify(out)}\n`);
