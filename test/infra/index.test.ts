import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lake from "../../infra";

/** The package's public values, by what they are. An export that disappears (or appears) fails here. */
const PUBLIC_VALUES = {
  components: ["DynamoDbLake", "LakeBucket", "TableCapture", "TableSnapshot", "TableCompaction", "TableReconcile", "GlueScripts", "LakeCatalog", "TableCatalog", "TableSourceAccess"],
  errors: ["LakeConfigError", "StackConfigError", "BucketChoiceError", "TableConfigError", "CaptureSettingError", "SourceAccountError"],
  crossAccount: ["exporterRoleName", "checkSourceAccount", "checkCrossAccountKeys"],
  configuration: ["CONFIG_KEYS", "CONFIG_NAMESPACE", "readStackConfig", "lakeTableIds", "planLakeBucket", "provideLakeBucket", "checkBucketName"],
  sourceTable: ["resolveSourceTable", "sourceTableOf", "isSourceTable", "parseTableIdentifier", "checkTableStream", "checkTableRegion", "checkTableAccount", "keyAttributes", "REQUIRED_STREAM_VIEW_TYPE"],
  capture: ["CAPTURE_DEFAULTS", "CAPTURE_METRICS_NAMESPACE", "CAPTURE_RUNTIME", "CAPTURE_SERVICE_NAME", "FIREHOSE_LOG_STREAM", "DEAD_LETTER_RETENTION_SECONDS", "LOG_RETENTION_DAYS", "checkCaptureSetting"],
  layout: [
    "LAKE_PREFIXES",
    "catalogName",
    "changesPrefix",
    "changesTableName",
    "currentTableName",
    "exportsPrefix",
    "firehoseChangesPrefix",
    "firehoseErrorPrefix",
    "ledgerPrefix",
    "liveViewName",
    "overflowPrefix",
    "overflowTablePrefix",
    "quarantinePrefix",
    "warehouseTablePrefix",
  ],
  bucket: ["DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS", "DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS"],
  jobs: [
    "DEFAULT_SNAPSHOT_TIMEOUT_MINUTES",
    "checkSnapshotSource",
    "DEFAULT_COMPACTION_SCHEDULE",
    "DEFAULT_COMPACTION_TIMEOUT_MINUTES",
    "DEFAULT_MAINTENANCE_SCHEDULE",
    "DEFAULT_MAINTENANCE_TIMEOUT_MINUTES",
    "FAILED_JOB_STATES",
    "JOB_FAILURE_INPUT_PATHS",
    "JOB_FAILURE_INPUT_TEMPLATE",
    "checkSchedule",
    "jobFailurePattern",
    "DEFAULT_RECONCILE_TIMEOUT_MINUTES",
  ],
  jobArguments: [
    "DEFAULT_BUCKETS",
    "DEFAULT_NUMBER_OF_WORKERS",
    "DEFAULT_READ_PERCENT",
    "DEFAULT_RECONCILE_READ_PERCENT",
    "DEFAULT_SNAPSHOT_MODE",
    "DEFAULT_SNAPSHOT_RETENTION_HOURS",
    "DEFAULT_TOMBSTONE_RETENTION_HOURS",
    "DEFAULT_WORKER_TYPE",
    "GLUE_VERSION",
    "SPARK_CATALOG",
    "bucketUri",
    "warehouseUriOf",
    "checkBuckets",
    "checkHours",
    "checkReadPercent",
    "icebergSparkConf",
    "glueRuntimeArguments",
    "tableJobArguments",
    "loadSnapshotArguments",
    "compactArguments",
    "maintenanceArguments",
    "reconcileArguments",
    "jobArgv",
  ],
  scripts: [
    "GLUE_ASSETS_PREFIX",
    "PYTHON_PACKAGE",
    "REQUIRED_SCRIPTS",
    "SNAPSHOT_PARSER_JAR",
    "checkScriptsDirectory",
    "checkSnapshotParserJar",
    "contentHash",
    "defaultScriptsDirectory",
    "defaultSnapshotParserJar",
    "listJobScripts",
    "listPackageFiles",
  ],
  catalog: ["ATHENA_ENGINE_VERSION", "DEFAULT_BYTES_SCANNED_CUTOFF", "MIN_BYTES_SCANNED_CUTOFF", "checkBytesScannedCutoff"],
  policies: ["iam"],
};

/** The public types: a type export that disappears fails the typecheck of this file. */
export type PublicTypes = [
  lake.DynamoDbLakeArgs,
  lake.DynamoDbLakeTableArgs,
  lake.LakeTableCaptureArgs,
  lake.LakeTableCatalogArgs,
  lake.LakeTableCompactionArgs,
  lake.LakeTableOutputs,
  lake.LakeTableReconcileArgs,
  lake.LakeTableSnapshotArgs,
  lake.ConfigKey,
  lake.LakeBucketArgs,
  lake.LakeBucketChoice,
  lake.LakeBucketPlan,
  lake.LakeBucketRef,
  lake.SourceTable,
  lake.SourceTableInput,
  lake.SourceTableSettings,
  lake.StreamFacts,
  lake.TableIdentifier,
  lake.TableCaptureArgs,
  lake.CaptureSettingName,
  lake.LakeJobArgs,
  lake.LakeLocationArgs,
  lake.LakeTableArgs,
  lake.TableSnapshotArgs,
  lake.TableCompactionArgs,
  lake.TableReconcileArgs,
  lake.TableSourceAccessArgs,
  lake.SourceAccountFacts,
  lake.KeyManager,
  lake.CompactInputs,
  lake.JobArguments,
  lake.LoadSnapshotInputs,
  lake.MaintenanceInputs,
  lake.ReconcileInputs,
  lake.SnapshotMode,
  lake.TableJobInputs,
  lake.GlueScriptsArgs,
  lake.ScriptFile,
  lake.LakeCatalogArgs,
  lake.TableCatalogArgs,
];

void describe("the package's exports", () => {
  void it("are exactly the public API", () => {
    const expected = Object.values(PUBLIC_VALUES).flat().sort();
    assert.equal(new Set(expected).size, expected.length, "a name is listed twice");
    assert.deepEqual(Object.keys(lake).sort(), expected);
  });

  void it("export each component as a class", () => {
    for (const name of PUBLIC_VALUES.components) assert.equal(typeof (lake as Record<string, unknown>)[name], "function", name);
  });

  void it("export the policy generator as `iam`", () => {
    for (const name of [
      "captureFunctionPolicy",
      "firehoseDeliveryPolicy",
      "snapshotJobPolicy",
      "compactionJobPolicy",
      "athenaReaderPolicy",
      "lambdaTrustPolicy",
      "firehoseTrustPolicy",
      "glueTrustPolicy",
      "denyInsecureTransportPolicy",
      "topicPublishPolicy",
      "parseTableArnPattern",
      "PolicyInputError",
    ]) {
      assert.equal(typeof (lake.iam as Record<string, unknown>)[name], "function", `iam.${name}`);
    }
  });
});
