/**
 * The reconcile job's role: scan the source table and read the lake's current
 * and tombstones tables, to report missing, extra and differing items. It
 * writes nothing to the lake or the catalog.
 */
import { DYNAMODB_SCAN_ACTIONS, KMS_DECRYPT_ACTIONS, S3_READ_OBJECT_ACTIONS } from "./actions";
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
  parseScope,
  parseTableArnPattern,
  requireSome,
  samePartition,
  type Scope,
} from "./patterns";
import { policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3ListStatement, s3ObjectStatement, statement } from "./statements";

export interface ReconcileJobPolicyInput {
  scope: Scope;
  /** The source table(s) it scans, as ARNs. */
  tables: string[];
  /** The lake bucket, s3://bucket/. */
  lake: string;
  /** Read only: the Iceberg tables' folders, e.g. warehouse/lake.db/orders_current/, warehouse/lake.db/orders_tombstones/. */
  warehousePrefixes: string[];
  assetsPrefix: string;
  database: string;
  /** Catalog tables it reads, e.g. orders_current, orders_tombstones. */
  catalogTables: string[];
  kmsKeyArns?: string[];
  /** CloudWatch namespaces the job may publish to (default Glue and DynamoDbLake). */
  metricNamespaces?: string[];
}

export function reconcileJobPolicy(i: ReconcileJobPolicyInput): PolicyDocument {
  const scope = parseScope(i.scope);
  const tables = requireSome("tables", i.tables, "arn:aws:dynamodb:us-west-2:123456789012:table/orders").map(parseTableArnPattern);
  const lake = parseBucketLocation("lake", i.lake, scope.partition);
  const warehouse = requireSome("warehousePrefixes", i.warehousePrefixes, '["warehouse/lake.db/orders_current/", "warehouse/lake.db/orders_tombstones/"]')
    .map((p) => parseKeyPrefix("warehousePrefix", p));
  const catalog = parseCatalogTables(i.database, i.catalogTables);
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  samePartition("reconcile job ARNs", [...tables, ...keys].map((a) => a.partition), scope.partition);

  const statements: Statement[] = [
    statement("ScanTables", DYNAMODB_SCAN_ACTIONS, tables.map(tableArn)),
    s3ObjectStatement("ReadWarehouse", S3_READ_OBJECT_ACTIONS, lake, warehouse),
    s3ListStatement("ListLakePrefixes", lake, warehouse),
    glueJobAssetsStatement(lake, i.assetsPrefix),
    ...catalogStatements(scope, catalog, false),
    ...glueJobLogStatements(scope),
    glueJobMetricsStatement(i.metricNamespaces),
  ];
  if (keys.length > 0) statements.push(kmsStatement("UseDecryptionKeys", KMS_DECRYPT_ACTIONS, keys, ["s3"]));
  return policyDocument(statements);
}
