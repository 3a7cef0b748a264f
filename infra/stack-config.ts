/**
 * Reads the stack's `dynamodb-lake:*` config into DynamoDbLake arguments. Pure: the config
 * arrives as plain values (what `pulumi.Config#getObject` returns), and every mistake, including
 * a misspelt key that would otherwise be ignored, is an error naming the key and the fix.
 */
import { checkCaptureSetting, type CaptureSettingName } from "./capture-settings";
import type {
  DynamoDbLakeArgs,
  DynamoDbLakeTableArgs,
  LakeTableCaptureArgs,
  LakeTableCatalogArgs,
  LakeTableCompactionArgs,
  LakeTableReconcileArgs,
  LakeTableSnapshotArgs,
} from "./dynamodb-lake";
import { lakeTableIds } from "./dynamodb-lake";
import type { LakeBucketArgs } from "./lake-bucket";
import { planLakeBucket, type LakeBucketChoice } from "./lake-bucket-choice";
import type { LakeCatalogArgs } from "./lake-catalog";
import { parseTableIdentifier } from "./source-table-checks";

export const CONFIG_NAMESPACE = "dynamodb-lake";

export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
}

type Kind = "string" | "number" | "boolean" | "stringMap" | { readonly oneOf: readonly string[] };
type Schema<T> = { readonly [K in keyof Required<T>]: Kind };

const CAPTURE: Schema<LakeTableCaptureArgs> = {
  batchSize: "number",
  maximumBatchingWindowInSeconds: "number",
  parallelizationFactor: "number",
  maximumRetryAttempts: "number",
  maximumRecordAgeInSeconds: "number",
  functionMemorySize: "number",
  functionTimeoutSeconds: "number",
  logRetentionInDays: "number",
  bufferingIntervalSeconds: "number",
  bufferingSizeMiB: "number",
  iteratorAgeAlarmThresholdSeconds: "number",
  deliveryFreshnessAlarmThresholdSeconds: "number",
};
const SNAPSHOT: Schema<LakeTableSnapshotArgs> = {
  readPercent: "number",
  buckets: "number",
  workerType: "string",
  numberOfWorkers: "number",
  timeoutMinutes: "number",
};
const COMPACTION: Schema<LakeTableCompactionArgs> = {
  schedule: "string",
  workerType: "string",
  numberOfWorkers: "number",
  timeoutMinutes: "number",
  maintenanceSchedule: "string",
  maintenanceWorkerType: "string",
  maintenanceNumberOfWorkers: "number",
  maintenanceTimeoutMinutes: "number",
  snapshotRetentionHours: "number",
  tombstoneRetentionHours: "number",
};
const RECONCILE: Schema<LakeTableReconcileArgs> = { readPercent: "number", workerType: "string", numberOfWorkers: "number", timeoutMinutes: "number" };
const TABLE_CATALOG: Schema<LakeTableCatalogArgs> = { lookbackDays: "number", changesStartDate: "string" };
const TABLE_SCALARS = {
  table: "string",
  id: "string",
  keyColumnTypes: "stringMap",
  declaredColumns: "stringMap",
  snapshotMode: { oneOf: ["export", "glue"] },
} as const satisfies Partial<Schema<DynamoDbLakeTableArgs>>;
const TABLE_SECTIONS = { capture: CAPTURE, snapshot: SNAPSHOT, compaction: COMPACTION, reconcile: RECONCILE, catalog: TABLE_CATALOG } as const;
/** A table in another account: a role there for the deploy to assume (and the table's region, default aws:region). */
export interface SourceAccountConfig {
  readonly roleArn: string;
  readonly region?: string;
}
const SOURCE_ACCOUNT: Schema<SourceAccountConfig> = { roleArn: "string", region: "string" };
/** Builds the provider of a table's account from its `sourceAccount` (program.ts: an aws.Provider assuming the role). */
export type SourceProviderFactory = (tableId: string, account: SourceAccountConfig) => NonNullable<DynamoDbLakeTableArgs["sourceProvider"]>;
// Every table argument is either a scalar or a section: adding one to the component without adding it here fails to compile.
// The source provider, a resource, is configured as `sourceAccount` and built by the program.
const TABLE_KEYS: Record<Exclude<keyof DynamoDbLakeTableArgs, "sourceProvider"> | "sourceAccount", true> = {
  table: true,
  id: true,
  keyColumnTypes: true,
  declaredColumns: true,
  snapshotMode: true,
  capture: true,
  snapshot: true,
  compaction: true,
  reconcile: true,
  catalog: true,
  sourceAccount: true,
};
// Exporter grants come from the tables (sourceAccount), not from the bucket config.
const CREATE_BUCKET: Schema<Omit<LakeBucketArgs, "tableExporters">> = {
  bucketName: "string",
  kmsKeyArn: "string",
  abortIncompleteMultipartUploadDays: "number",
  versioning: "boolean",
  noncurrentVersionExpirationDays: "number",
  forceDestroy: "boolean",
  tags: "stringMap",
};
const LAKE_CATALOG: Schema<Omit<LakeCatalogArgs, "bucket" | "tags">> = {
  databaseName: "string",
  workgroupName: "string",
  bytesScannedCutoffPerQuery: "number",
  resultsKmsKeyArn: "string",
  forceDestroyWorkgroup: "boolean",
};
/** Top-level keys: `dynamodb-lake:<key>` in Pulumi.<stack>.yaml. */
export const CONFIG_KEYS = ["tables", "bucket", "kmsKeyArn", "alarmTopicArn", "catalog", "tags"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

const describeKind = (kind: Kind): string =>
  typeof kind === "object" ? `one of ${kind.oneOf.map((v) => JSON.stringify(v)).join(", ")}` : kind === "stringMap" ? "a map of strings" : `a ${kind}`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkValue(where: string, value: unknown, kind: Kind): void {
  const ok =
    typeof kind === "object"
      ? typeof value === "string" && kind.oneOf.includes(value)
      : kind === "stringMap"
        ? isPlainObject(value) && Object.values(value).every((v) => typeof v === "string")
        : kind === "number"
          ? typeof value === "number" && Number.isFinite(value)
          : typeof value === kind;
  if (!ok) throw new StackConfigError(`${where} must be ${describeKind(kind)}, got ${JSON.stringify(value)}`);
}

function checkSection(where: string, value: unknown, schema: Record<string, Kind>): Record<string, unknown> {
  if (!isPlainObject(value)) throw new StackConfigError(`${where} must be a map of settings, got ${JSON.stringify(value)}`);
  for (const [key, item] of Object.entries(value)) {
    // Own keys only: "constructor" or "toString" must not pass for settings.
    const kind = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (kind === undefined) {
      throw new StackConfigError(`${where}.${key} is not a setting; the settings are: ${Object.keys(schema).join(", ")}`);
    }
    if (item !== null && item !== undefined) checkValue(`${where}.${key}`, item, kind);
  }
  return value;
}

function readTable(where: string, raw: unknown): DynamoDbLakeTableArgs {
  if (!isPlainObject(raw)) throw new StackConfigError(`${where} must be a map with at least "table", got ${JSON.stringify(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(TABLE_KEYS, key)) {
      throw new StackConfigError(`${where}.${key} is not a setting; the settings are: ${Object.keys(TABLE_KEYS).join(", ")}`);
    }
  }
  if (raw.table === undefined || raw.table === null) {
    throw new StackConfigError(`${where}.table is missing: give the table's name or ARN`);
  }
  for (const [key, kind] of Object.entries(TABLE_SCALARS)) {
    if (raw[key] !== undefined && raw[key] !== null) checkValue(`${where}.${key}`, raw[key], kind);
  }
  try {
    parseTableIdentifier(raw.table as string);
  } catch (e) {
    throw new StackConfigError(`${where}.table: ${(e as Error).message}`);
  }
  for (const [key, schema] of Object.entries(TABLE_SECTIONS)) {
    if (raw[key] !== undefined && raw[key] !== null) checkSection(`${where}.${key}`, raw[key], schema);
  }
  if (raw.sourceAccount !== undefined && raw.sourceAccount !== null) {
    const account = checkSection(`${where}.sourceAccount`, raw.sourceAccount, SOURCE_ACCOUNT);
    const role = typeof account.roleArn === "string" ? /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/.exec(account.roleArn) : null;
    if (!role) {
      throw new StackConfigError(`${where}.sourceAccount.roleArn must be the ARN of a role in the table's account for the deploy to assume, e.g. arn:aws:iam::111122223333:role/lake-deploy; got ${JSON.stringify(account.roleArn)}`);
    }
    const id = parseTableIdentifier(raw.table as string);
    if (id.kind === "arn" && id.account !== role[1]) {
      throw new StackConfigError(`${where}.sourceAccount.roleArn is in account ${role[1]}, but the table ${raw.table as string} is in account ${id.account}: name a role in ${id.account}`);
    }
    if (id.kind === "name") {
      throw new StackConfigError(`${where}.table: a table in another account is named by its ARN (arn:aws:dynamodb:<region>:<account>:table/${id.name}), not by its name`);
    }
  }
  const capture = raw.capture as Record<string, number> | undefined;
  for (const [key, value] of Object.entries(capture ?? {})) {
    try {
      checkCaptureSetting(key as CaptureSettingName, value);
    } catch (e) {
      throw new StackConfigError(`${where}.capture.${(e as Error).message}`);
    }
  }
  return raw as unknown as DynamoDbLakeTableArgs;
}

/**
 * Builds the DynamoDbLake arguments from the stack config. `get(key)` returns the parsed value of
 * `dynamodb-lake:<key>`, or undefined when it is not set.
 */
export function readStackConfig(get: (key: ConfigKey) => unknown, sourceProvider?: SourceProviderFactory): DynamoDbLakeArgs {
  const at = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
  const tablesRaw = get("tables");
  if (!Array.isArray(tablesRaw) || tablesRaw.length === 0) {
    throw new StackConfigError(
      `${at("tables")} must list at least one table, e.g.\n  ${at("tables")}:\n    - table: orders\n      snapshotMode: export`,
    );
  }
  const read = tablesRaw.map((t, i) => readTable(`${at("tables")}[${i}]`, t));
  const ids = lakeTableIds(read, at("tables"));
  const tables = read.map((t, i): DynamoDbLakeTableArgs => {
    const { sourceAccount, ...table } = t as DynamoDbLakeTableArgs & { sourceAccount?: SourceAccountConfig };
    if (sourceAccount === undefined || sourceAccount === null) return table;
    if (!sourceProvider) throw new StackConfigError(`${at("tables")}[${i}].sourceAccount is set, but no provider factory was given to readStackConfig`);
    return { ...table, sourceProvider: sourceProvider(ids[i]!, sourceAccount) };
  });

  const bucket = get("bucket");
  planLakeBucket(bucket, at("bucket"));
  const choice = bucket as Record<string, unknown>;
  for (const key of Object.keys(choice)) {
    if (key !== "existingBucketName" && key !== "create") {
      throw new StackConfigError(`${at("bucket")}.${key} is not a setting; the settings are: existingBucketName, create`);
    }
  }
  if (choice.existingBucketName !== undefined) checkValue(`${at("bucket")}.existingBucketName`, choice.existingBucketName, "string");
  if (choice.create !== undefined) checkSection(`${at("bucket")}.create`, choice.create, CREATE_BUCKET);

  const args: { -readonly [K in keyof DynamoDbLakeArgs]: DynamoDbLakeArgs[K] } = {
    tables,
    bucket: choice as LakeBucketChoice,
  };
  const kmsKeyArn = get("kmsKeyArn");
  if (kmsKeyArn !== undefined) {
    checkValue(at("kmsKeyArn"), kmsKeyArn, "string");
    args.kmsKeyArn = kmsKeyArn as string;
  }
  const alarmTopicArn = get("alarmTopicArn");
  if (alarmTopicArn !== undefined) {
    checkValue(at("alarmTopicArn"), alarmTopicArn, "string");
    args.alarmTopicArn = alarmTopicArn as string;
  }
  const catalog = get("catalog");
  if (catalog !== undefined) args.catalog = checkSection(at("catalog"), catalog, LAKE_CATALOG);
  const tags = get("tags");
  if (tags !== undefined) {
    checkValue(at("tags"), tags, "stringMap");
    args.tags = tags as Record<string, string>;
  }
  return args;
}
