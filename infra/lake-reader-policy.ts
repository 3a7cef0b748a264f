/**
 * What the lake's Athena readers may touch, for the managed policy the lake deploys (`<lake>-athena-reader`):
 * per table its delta files, overflow records and Iceberg tables, and its catalog entries; the lake's
 * workgroup and query results. Pure: the component and the tests derive the same policy input.
 */
import type { AthenaReaderPolicyInput, Scope } from "./iam";
import { changesPrefix, changesTableName, currentTableName, LAKE_PREFIXES, liveViewName, overflowTablePrefix, warehouseTablePrefix } from "./layout";
import { tombstonesTableName } from "./views/table-spec";

export interface LakeReaderScope {
  readonly scope: Scope;
  readonly workgroup: string;
  readonly bucketName: string;
  readonly database: string;
  /** Source table names of the lake, in order. */
  readonly tables: readonly string[];
  readonly kmsKeyArns: readonly string[];
}

export function lakeReaderPolicyInput(r: LakeReaderScope): AthenaReaderPolicyInput {
  return {
    scope: r.scope,
    workgroup: r.workgroup,
    lake: `s3://${r.bucketName}/`,
    readPrefixes: r.tables.flatMap((t) => [
      changesPrefix(t),
      overflowTablePrefix(t),
      warehouseTablePrefix(r.database, currentTableName(t)),
      warehouseTablePrefix(r.database, tombstonesTableName(t)),
    ]),
    resultsPrefix: LAKE_PREFIXES.athenaResults,
    database: r.database,
    catalogTables: r.tables.flatMap((t) => [currentTableName(t), changesTableName(t), liveViewName(t), tombstonesTableName(t)]),
    ...(r.kmsKeyArns.length > 0 ? { kmsKeyArns: [...r.kmsKeyArns] } : {}),
  };
}
