/**
 * The snapshot job's role. Export mode: start a point-in-time export of the
 * table into exports/<table>/, wait for it, and load the files into the
 * Iceberg current table. Glue mode: the job scans the table itself (a parallel,
 * rate-limited boto3 Scan), so no export files are written or read.
 */
import {
  DYNAMODB_SCAN_ACTIONS,
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  S3_READ_OBJECT_ACTIONS,
  S3_READ_WRITE_OBJECT_ACTIONS,
  STS_ASSUME_ROLE_ACTIONS,
} from "./actions";
import { tableArn } from "./arns";
import {
  catalogStatements,
  glueJobAssetsStatement,
  glueJobLogStatements,
  glueJobMetricsStatement,
  parseCatalogTables,
} from "./glue-job";
import {
  parseBucketLocation,
  parseKeyPrefix,
  parseKmsKeyArn,
  parseRoleArn,
  parseScope,
  parseTableArnPattern,
  requireSome,
  samePartition,
  type Scope,
} from "./patterns";
import { PolicyInputError, policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3ListStatement, s3ObjectStatement, statement } from "./statements";
import { tableExportStatements } from "./table-export";

export interface SnapshotJobPolicyInput {
  scope: Scope;
  tables: string[];
  mode: "export" | "glue";
  /** The lake bucket, s3://bucket/. */
  lake: string;
  /** exports/<table>/ of each table (export mode only). */
  exportsPrefixes: string[];
  /** The Iceberg tables' own folders, e.g. warehouse/lake.db/orders_current/ and warehouse/lake.db/orders_tombstones/. */
  warehousePrefixes: string[];
  assetsPrefix: string;
  database: string;
  /** Catalog tables the load creates and commits to, e.g. orders_current, orders_tombstones. */
  catalogTables: string[];
  kmsKeyArns?: string[];
  /** CloudWatch namespaces the job may publish to (default Glue and DynamoDbLake). */
  metricNamespaces?: string[];
  /**
   * Export mode, table in another account: the exporter roles there (see
   * exporterRolePolicy). The job assumes them to start and poll the export
   * instead of calling DynamoDB itself, which AWS does not allow across accounts.
   */
  exporterRoleArns?: string[];
}

export function snapshotJobPolicy(i: SnapshotJobPolicyInput): PolicyDocument {
  const scope = parseScope(i.scope);
  if (i.mode !== "export" && i.mode !== "glue") {
    throw new PolicyInputError(`snapshot mode ${JSON.stringify(i.mode)}: it is not a snapshot mode; expected "export" or "glue"`);
  }
  const tables = requireSome("tables", i.tables, "arn:aws:dynamodb:us-west-2:123456789012:table/orders").map(parseTableArnPattern);
  const lake = parseBucketLocation("lake", i.lake, scope.partition);
  const exportsPrefixes = i.mode === "export"
    ? requireSome("exportsPrefixes", i.exportsPrefixes, '["exports/orders/"]').map((p) => parseKeyPrefix("exportsPrefix", p))
    : [];
  const warehouse = requireSome("warehousePrefixes", i.warehousePrefixes, '["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/"]')
    .map((p) => parseKeyPrefix("warehousePrefix", p));
  const catalog = parseCatalogTables(i.database, i.catalogTables);
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  const exporters = (i.exporterRoleArns ?? []).map((r) => parseRoleArn("exporterRoleArn", r));
  if (exporters.length > 0 && i.mode !== "export") {
    throw new PolicyInputError(`exporterRoleArns ${JSON.stringify(i.exporterRoleArns)}: exporter roles serve export mode only; drop them or use mode "export"`);
  }
  samePartition("snapshot job ARNs", [...tables, ...keys, ...exporters].map((a) => a.partition), scope.partition);

  const statements: Statement[] = i.mode === "export"
    ? [
      // A table in another account is exported by its exporter role there: this role only assumes it.
      ...(exporters.length > 0
        ? [statement("AssumeTableExporters", STS_ASSUME_ROLE_ACTIONS, exporters.map((r) => r.arn))]
        : tableExportStatements(tables, lake, exportsPrefixes)),
      s3ObjectStatement("ReadTableExports", S3_READ_OBJECT_ACTIONS, lake, exportsPrefixes),
    ]
    : [statement("ScanTables", DYNAMODB_SCAN_ACTIONS, tables.map(tableArn))];
  statements.push(
    s3ObjectStatement("ReadWriteWarehouse", S3_READ_WRITE_OBJECT_ACTIONS, lake, warehouse),
    s3ListStatement("ListLakePrefixes", lake, [...exportsPrefixes, ...warehouse]),
    glueJobAssetsStatement(lake, i.assetsPrefix),
    ...catalogStatements(scope, catalog, true),
    ...glueJobLogStatements(scope),
    glueJobMetricsStatement(i.metricNamespaces),
  );
  if (keys.length > 0) statements.push(kmsStatement("UseEncryptionKeys", KMS_ENCRYPT_DECRYPT_ACTIONS, keys, ["s3"]));
  return policyDocument(statements);
}
