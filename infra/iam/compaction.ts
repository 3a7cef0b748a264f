/**
 * The compaction (and maintenance) job's role: read delta and overflow files,
 * write the Iceberg warehouse, quarantine and its own ledger, commit to the
 * catalog tables, and optionally start follow-on jobs.
 */
import {
  GLUE_START_JOB_ACTIONS,
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  S3_DELETE_OBJECT_ACTIONS,
  S3_READ_OBJECT_ACTIONS,
  S3_READ_WRITE_OBJECT_ACTIONS,
} from "./actions";
import { glueJobArn } from "./arns";
import {
  catalogStatements,
  glueJobAssetsStatement,
  glueJobLogStatements,
  glueJobMetricsStatement,
  parseCatalogTables,
} from "./glue-job";
import {
  parseBucketLocation,
  parseGlueJobName,
  parseKeyPrefix,
  parseKmsKeyArn,
  parseScope,
  requireSome,
  samePartition,
  type Scope,
} from "./patterns";
import { PolicyInputError, policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3ListStatement, s3ObjectStatement, statement } from "./statements";

export interface CompactionJobPolicyInput {
  scope: Scope;
  /** The lake bucket, s3://bucket/. */
  lake: string;
  /** Read only, e.g. changes/orders/, overflow/orders/ (may be empty for maintenance). */
  readPrefixes: string[];
  /** Read prefixes whose objects the job may also delete (moving a corrupt delta file to quarantine), e.g. changes/orders/. Default none. */
  movePrefixes?: string[];
  /** Read, write and delete, e.g. warehouse/lake.db/orders_current/, quarantine/orders/, _lake/orders/. */
  writePrefixes: string[];
  assetsPrefix: string;
  database: string;
  catalogTables: string[];
  /** Glue jobs it may start, e.g. the snapshot job for a repair. */
  startJobNames?: string[];
  kmsKeyArns?: string[];
  /** CloudWatch namespaces the job may publish to (default Glue and DynamoDbLake). */
  metricNamespaces?: string[];
}

export function compactionJobPolicy(i: CompactionJobPolicyInput): PolicyDocument {
  const scope = parseScope(i.scope);
  const lake = parseBucketLocation("lake", i.lake, scope.partition);
  // Maintenance (expire, rewrite, remove orphans) reads nothing outside what it writes.
  const readPrefixes = (i.readPrefixes ?? []).map((p) => parseKeyPrefix("readPrefix", p));
  const writePrefixes = requireSome("writePrefixes", i.writePrefixes, '["warehouse/lake.db/orders_current/", "quarantine/orders/", "_lake/orders/"]')
    .map((p) => parseKeyPrefix("writePrefix", p));
  const movePrefixes = (i.movePrefixes ?? []).map((p) => parseKeyPrefix("movePrefix", p));
  const unread = movePrefixes.filter((p) => !readPrefixes.includes(p));
  if (unread.length > 0) {
    throw new PolicyInputError(`movePrefixes ${JSON.stringify(unread)} must also be in readPrefixes: a move reads the object before deleting it`);
  }
  const catalog = parseCatalogTables(i.database, i.catalogTables);
  const jobs = (i.startJobNames ?? []).map(parseGlueJobName);
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  samePartition("compaction job ARNs", keys.map((k) => k.partition), scope.partition);

  const statements: Statement[] = [];
  if (readPrefixes.length > 0) statements.push(s3ObjectStatement("ReadLakeObjects", S3_READ_OBJECT_ACTIONS, lake, readPrefixes));
  if (movePrefixes.length > 0) statements.push(s3ObjectStatement("DeleteMovedObjects", S3_DELETE_OBJECT_ACTIONS, lake, movePrefixes));
  statements.push(
    s3ObjectStatement("ReadWriteLakeObjects", S3_READ_WRITE_OBJECT_ACTIONS, lake, writePrefixes),
    s3ListStatement("ListLakePrefixes", lake, [...readPrefixes, ...writePrefixes]),
    glueJobAssetsStatement(lake, i.assetsPrefix),
    ...catalogStatements(scope, catalog, true),
  );
  if (jobs.length > 0) statements.push(statement("StartFollowOnJobs", GLUE_START_JOB_ACTIONS, jobs.map((j) => glueJobArn(scope, j))));
  statements.push(...glueJobLogStatements(scope), glueJobMetricsStatement(i.metricNamespaces));
  if (keys.length > 0) statements.push(kmsStatement("UseEncryptionKeys", KMS_ENCRYPT_DECRYPT_ACTIONS, keys, ["s3"]));
  return policyDocument(statements);
}
