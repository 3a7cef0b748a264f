/**
 * dynamodb-lake as a library: the components (usable from any Pulumi program), their pure
 * helpers, the lake layout, and the least-privilege policy generator as `iam`. Every export is
 * named here, so the public API is this list (test/infra/index.test.ts holds it to it).
 */

// The lake: one component for a whole lake of tables, and its configuration.
export {
  DynamoDbLake,
  LakeConfigError,
  lakeTableIds,
  type DynamoDbLakeArgs,
  type DynamoDbLakeTableArgs,
  type LakeTableCaptureArgs,
  type LakeTableCatalogArgs,
  type LakeTableCompactionArgs,
  type LakeTableOutputs,
  type LakeTableReconcileArgs,
  type LakeTableSnapshotArgs,
} from "./dynamodb-lake";
export { CONFIG_KEYS, CONFIG_NAMESPACE, StackConfigError, readStackConfig, type ConfigKey } from "./stack-config";

// The lake bucket.
export { DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS, DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS, LakeBucket, type LakeBucketArgs } from "./lake-bucket";
export {
  BucketChoiceError,
  checkBucketName,
  planLakeBucket,
  provideLakeBucket,
  type LakeBucketChoice,
  type LakeBucketPlan,
  type LakeBucketRef,
} from "./lake-bucket-choice";

// The source table: one resolver, pure checks.
export { isSourceTable, resolveSourceTable, sourceTableOf, type SourceTable, type SourceTableInput, type SourceTableSettings } from "./source-table";
export {
  REQUIRED_STREAM_VIEW_TYPE,
  TableConfigError,
  checkTableAccount,
  checkTableRegion,
  checkTableStream,
  keyAttributes,
  parseTableIdentifier,
  type StreamFacts,
  type TableIdentifier,
} from "./source-table-checks";

// Capture: stream → Lambda → Firehose → changes/.
export { CAPTURE_METRICS_NAMESPACE, CAPTURE_RUNTIME, CAPTURE_SERVICE_NAME, FIREHOSE_LOG_STREAM, TableCapture, type TableCaptureArgs } from "./table-capture";
export { CAPTURE_DEFAULTS, CaptureSettingError, DEAD_LETTER_RETENTION_SECONDS, LOG_RETENTION_DAYS, checkCaptureSetting, type CaptureSettingName } from "./capture-settings";

// Where everything lives in the bucket and the catalog.
export {
  LAKE_PREFIXES,
  catalogName,
  changesPrefix,
  changesTableName,
  currentTableName,
  exportsPrefix,
  firehoseChangesPrefix,
  firehoseErrorPrefix,
  ledgerPrefix,
  liveViewName,
  overflowPrefix,
  overflowTablePrefix,
  quarantinePrefix,
  warehouseTablePrefix,
} from "./layout";

// The lake side: snapshot, compaction and maintenance, reconcile, their Glue job arguments, the scripts, the catalog.
export type { LakeJobArgs, LakeLocationArgs, LakeTableArgs } from "./lake-table-args";
export { DEFAULT_SNAPSHOT_TIMEOUT_MINUTES, TableSnapshot, checkSnapshotSource, type TableSnapshotArgs } from "./table-snapshot";
export {
  DEFAULT_COMPACTION_SCHEDULE,
  DEFAULT_COMPACTION_TIMEOUT_MINUTES,
  DEFAULT_MAINTENANCE_SCHEDULE,
  DEFAULT_MAINTENANCE_TIMEOUT_MINUTES,
  FAILED_JOB_STATES,
  JOB_FAILURE_INPUT_PATHS,
  JOB_FAILURE_INPUT_TEMPLATE,
  TableCompaction,
  checkSchedule,
  jobFailurePattern,
  type TableCompactionArgs,
} from "./table-compaction";
export { DEFAULT_RECONCILE_TIMEOUT_MINUTES, TableReconcile, type TableReconcileArgs } from "./table-reconcile";
export { TableSourceAccess, exporterRoleName, type TableSourceAccessArgs } from "./table-source-access";
export { SourceAccountError, checkCrossAccountKeys, checkSourceAccount, type KeyManager, type SourceAccountFacts } from "./source-account-checks";
export {
  DEFAULT_BUCKETS,
  DEFAULT_NUMBER_OF_WORKERS,
  DEFAULT_READ_PERCENT,
  DEFAULT_RECONCILE_READ_PERCENT,
  DEFAULT_SNAPSHOT_MODE,
  DEFAULT_SNAPSHOT_RETENTION_HOURS,
  DEFAULT_TOMBSTONE_RETENTION_HOURS,
  DEFAULT_WORKER_TYPE,
  GLUE_VERSION,
  SPARK_CATALOG,
  bucketUri,
  checkBuckets,
  checkHours,
  checkReadPercent,
  compactArguments,
  glueRuntimeArguments,
  icebergSparkConf,
  jobArgv,
  loadSnapshotArguments,
  maintenanceArguments,
  reconcileArguments,
  tableJobArguments,
  warehouseUriOf,
  type CompactInputs,
  type JobArguments,
  type LoadSnapshotInputs,
  type MaintenanceInputs,
  type ReconcileInputs,
  type SnapshotMode,
  type TableJobInputs,
} from "./glue-job-arguments";
export {
  GLUE_ASSETS_PREFIX,
  GlueScripts,
  PYTHON_PACKAGE,
  REQUIRED_SCRIPTS,
  SNAPSHOT_PARSER_JAR,
  checkScriptsDirectory,
  checkSnapshotParserJar,
  contentHash,
  defaultScriptsDirectory,
  defaultSnapshotParserJar,
  listJobScripts,
  listPackageFiles,
  type GlueScriptsArgs,
  type ScriptFile,
} from "./glue-scripts-asset";
export {
  ATHENA_ENGINE_VERSION,
  DEFAULT_BYTES_SCANNED_CUTOFF,
  LakeCatalog,
  MIN_BYTES_SCANNED_CUTOFF,
  checkBytesScannedCutoff,
  type LakeCatalogArgs,
} from "./lake-catalog";
export { TableCatalog, type TableCatalogArgs } from "./table-catalog";

// The least-privilege policy generator.
export * as iam from "./iam";
