/**
 * The snapshot job's role. Export mode: start a point-in-time export of the
 * table into exports/<table>/, wait for it, and load the files into the
 * Iceberg current table. Glue mode: scan the table through Glue's DynamoDB
 * connector instead, so no export files are written or read.
 */
import {
  DYNAMODB_DESCRIBE_EXPORT_ACTIONS,
  DYNAMODB_EXPORT_ACTIONS,
  DYNAMODB_SCAN_ACTIONS,
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  S3_EXPORT_ACL_ACTIONS,
  S3_EXPORT_WRITE_ACTIONS,
  S3_READ_OBJECT_ACTIONS,
  S3_READ_WRITE_OBJECT_ACTIONS,
} from "./actions";
import { tableArn, tableExportsArn } from "./arns";
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
  parseScope,
  parseTableArnPattern,
  requireSome,
  samePartition,
  type Scope,
} from "./patterns";
import { PolicyInputError, policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3ListStatement, s3ObjectStatement, statement } from "./statements";

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
  samePartition("snapshot job ARNs", [...tables, ...keys].map((a) => a.partition), scope.partition);

  const statements: Statement[] = i.mode === "export"
    ? [
      statement("ExportTables", DYNAMODB_EXPORT_ACTIONS, tables.map(tableArn)),
      statement("DescribeTableExports", DYNAMODB_DESCRIBE_EXPORT_ACTIONS, tables.map(tableExportsArn)),
      s3ObjectStatement("WriteTableExports", S3_EXPORT_WRITE_ACTIONS, lake, exportsPrefixes),
      {
        ...s3ObjectStatement("SetTableExportOwnership", S3_EXPORT_ACL_ACTIONS, lake, exportsPrefixes),
        Condition: { StringEquals: { "s3:x-amz-acl": ["bucket-owner-full-control"] } },
      },
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
