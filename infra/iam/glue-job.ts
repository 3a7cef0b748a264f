/**
 * Statements every Glue job role shares: its script and libraries, its logs
 * and metrics, and the catalog tables it commits to.
 */
import {
  CLOUDWATCH_PUT_METRIC_ACTIONS,
  GLUE_GET_DATABASE_ACTIONS,
  GLUE_READ_TABLE_ACTIONS,
  GLUE_WRITE_TABLE_ACTIONS,
  LOGS_CREATE_GROUP_ACTIONS,
  LOGS_WRITE_ACTIONS,
  S3_READ_OBJECT_ACTIONS,
} from "./actions";
import { glueCatalogArn, glueDatabaseArn, glueTableArn, logGroupArn, logStreamsArn } from "./arns";
import { parseCatalogName, parseKeyPrefix, requireSome, type S3Location, type Scope } from "./patterns";
import { PolicyInputError, type Statement } from "./policy";
import { s3ObjectStatement, starOnlyStatement, statement, stringCondition } from "./statements";

/** Namespace of the lake's own job metrics (quarantined files, rows merged), as the Glue scripts publish them. */
export const LAKE_METRIC_NAMESPACE = "DynamoDbLake";
/** "Glue" is where --enable-metrics publishes job metrics. */
export const DEFAULT_JOB_METRIC_NAMESPACES = ["Glue", LAKE_METRIC_NAMESPACE];

/** Glue writes job output, errors and continuous logs to groups under this name. */
export const GLUE_JOB_LOG_GROUPS = "/aws-glue/jobs/*";

export function glueJobLogStatements(scope: Scope): Statement[] {
  const groups = logGroupArn(scope, GLUE_JOB_LOG_GROUPS);
  return [
    statement("CreateJobLogGroups", LOGS_CREATE_GROUP_ACTIONS, [groups]),
    statement("WriteJobLogs", LOGS_WRITE_ACTIONS, [logStreamsArn(groups)]),
  ];
}

export function glueJobMetricsStatement(namespaces: readonly string[] = DEFAULT_JOB_METRIC_NAMESPACES): Statement {
  for (const ns of requireSome("metricNamespaces", namespaces, JSON.stringify(DEFAULT_JOB_METRIC_NAMESPACES))) {
    if (typeof ns !== "string" || !/^[A-Za-z0-9._\-/#:]{1,255}$/.test(ns) || ns.startsWith("AWS/")) {
      throw new PolicyInputError(`metric namespace ${JSON.stringify(ns)}: it is not a custom CloudWatch namespace; expected 1-255 characters of A-Z a-z 0-9 . _ - / # :, not starting with AWS/`);
    }
  }
  return starOnlyStatement("PutJobMetrics", CLOUDWATCH_PUT_METRIC_ACTIONS, stringCondition("cloudwatch:namespace", namespaces));
}

export function glueJobAssetsStatement(lake: S3Location, assetsPrefix: string): Statement {
  return s3ObjectStatement("ReadJobAssets", S3_READ_OBJECT_ACTIONS, lake, [parseKeyPrefix("assetsPrefix", assetsPrefix)]);
}

export interface CatalogTables {
  database: string;
  tables: readonly string[];
}

export function parseCatalogTables(database: string, tables: readonly string[]): CatalogTables {
  return {
    database: parseCatalogName("Glue database name", database),
    tables: requireSome("catalogTables", tables, '["orders_current", "orders_tombstones"]').map((t) => parseCatalogName("Glue table name", t)),
  };
}

/** GetDatabase, and GetTable (plus CreateTable/UpdateTable when `write`) on the named tables only. */
export function catalogStatements(scope: Scope, catalog: CatalogTables, write: boolean): Statement[] {
  const catalogArn = glueCatalogArn(scope);
  const databaseArn = glueDatabaseArn(scope, catalog.database);
  const tableArns = catalog.tables.map((t) => glueTableArn(scope, catalog.database, t));
  return [
    statement("ReadCatalogDatabase", GLUE_GET_DATABASE_ACTIONS, [catalogArn, databaseArn]),
    statement(write ? "WriteCatalogTables" : "ReadCatalogTables", write ? GLUE_WRITE_TABLE_ACTIONS : GLUE_READ_TABLE_ACTIONS, [
      catalogArn,
      databaseArn,
      ...tableArns,
    ]),
  ];
}
