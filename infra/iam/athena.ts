/**
 * The Athena reader: for the people who query the lake. Runs queries in one
 * workgroup, reads the named catalog tables and the lake prefixes behind them,
 * and writes query results under the results prefix. Never writes the lake.
 */
import { ATHENA_QUERY_ACTIONS, KMS_ENCRYPT_DECRYPT_ACTIONS, S3_LOCATE_BUCKET_ACTIONS, S3_QUERY_RESULTS_ACTIONS, S3_READ_OBJECT_ACTIONS } from "./actions";
import { athenaWorkgroupArn } from "./arns";
import { catalogStatements, parseCatalogTables } from "./glue-job";
import {
  parseBucketLocation,
  parseKeyPrefix,
  parseKmsKeyArn,
  parseScope,
  parseWorkgroupName,
  requireSome,
  samePartition,
  type Scope,
} from "./patterns";
import { policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3BucketStatement, s3ListStatement, s3ObjectStatement, statement } from "./statements";

export interface AthenaReaderPolicyInput {
  scope: Scope;
  workgroup: string;
  /** The lake bucket, s3://bucket/. */
  lake: string;
  /** What the tables read, e.g. warehouse/, changes/orders/, overflow/orders/. */
  readPrefixes: string[];
  /** The workgroup's result location inside the lake, e.g. athena-results/. */
  resultsPrefix: string;
  database: string;
  /** Tables and views queried, e.g. orders_current, orders_changes, orders_live, orders_tombstones. */
  catalogTables: string[];
  kmsKeyArns?: string[];
}

export function athenaReaderPolicy(i: AthenaReaderPolicyInput): PolicyDocument {
  const scope = parseScope(i.scope);
  const workgroup = parseWorkgroupName(i.workgroup);
  const lake = parseBucketLocation("lake", i.lake, scope.partition);
  const readPrefixes = requireSome("readPrefixes", i.readPrefixes, '["warehouse/", "changes/orders/"]').map((p) => parseKeyPrefix("readPrefix", p));
  const results = parseKeyPrefix("resultsPrefix", i.resultsPrefix);
  const catalog = parseCatalogTables(i.database, i.catalogTables);
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  samePartition("Athena reader ARNs", keys.map((k) => k.partition), scope.partition);

  const statements: Statement[] = [
    statement("RunQueriesInWorkgroup", ATHENA_QUERY_ACTIONS, [athenaWorkgroupArn(scope, workgroup)]),
    ...catalogStatements(scope, catalog, false),
    s3ObjectStatement("ReadLakeObjects", S3_READ_OBJECT_ACTIONS, lake, readPrefixes),
    s3ObjectStatement("WriteQueryResults", S3_QUERY_RESULTS_ACTIONS, lake, [results]),
    s3BucketStatement("LocateLakeBucket", S3_LOCATE_BUCKET_ACTIONS, lake),
    s3ListStatement("ListLakePrefixes", lake, [...readPrefixes, results]),
  ];
  if (keys.length > 0) statements.push(kmsStatement("UseEncryptionKeys", KMS_ENCRYPT_DECRYPT_ACTIONS, keys, ["s3"]));
  return policyDocument(statements);
}
