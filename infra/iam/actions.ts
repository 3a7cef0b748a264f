/**
 * Every IAM action a pipeline role may be granted, named by what it lets the
 * role do. Roles combine these lists; no action string appears anywhere else.
 */

/**
 * The only actions granted on Resource "*": IAM does not let them be scoped to
 * an ARN. Each grant of one is narrowed by a condition where the service offers
 * one (cloudwatch:namespace).
 */
export const STAR_ONLY_ACTIONS = [
  // Lambda's event source mapping lists a table's streams; ListStreams has no resource type.
  "dynamodb:ListStreams",
  // Metrics have no ARN (only optional "datasets"); narrowed with cloudwatch:namespace.
  "cloudwatch:PutMetricData",
] as const;
export type StarOnlyAction = (typeof STAR_ONLY_ACTIONS)[number];

// DynamoDB
export const DYNAMODB_STREAM_READ_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"];
export const DYNAMODB_STREAM_LIST_ACTIONS: StarOnlyAction[] = ["dynamodb:ListStreams"];
export const DYNAMODB_EXPORT_ACTIONS = ["dynamodb:ExportTableToPointInTime"];
export const DYNAMODB_DESCRIBE_EXPORT_ACTIONS = ["dynamodb:DescribeExport"];
/** What the jobs' own rate-limited parallel Scan calls: the read capacity to pace by, then the pages. */
export const DYNAMODB_SCAN_ACTIONS = ["dynamodb:DescribeTable", "dynamodb:Scan"];

// Firehose, SQS
export const FIREHOSE_PUT_ACTIONS = ["firehose:PutRecordBatch"];
export const SQS_SEND_ACTIONS = ["sqs:SendMessage"];

// S3: object-level actions take object ARNs (bucket/prefix*), bucket-level ones the bucket ARN.
export const S3_READ_OBJECT_ACTIONS = ["s3:GetObject"];
export const S3_PUT_OBJECT_ACTIONS = ["s3:PutObject"];
/** Iceberg writes in parts, commits new metadata and maintenance deletes expired files; quarantine moves files. */
/** The second half of a move (copy, then delete the original): no read-modify-write of the source. */
export const S3_DELETE_OBJECT_ACTIONS = ["s3:DeleteObject"];
export const S3_READ_WRITE_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
/** What DynamoDB's export to S3 needs from the caller, as AWS documents it (the ACL part below). */
export const S3_EXPORT_WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload"];
/** Granted only for the bucket-owner-full-control canned ACL, the one an export sets. */
export const S3_EXPORT_ACL_ACTIONS = ["s3:PutObjectAcl"];
/** Firehose's S3 destination, as AWS documents it, object part. */
export const S3_FIREHOSE_OBJECT_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"];
/** Firehose's S3 destination, bucket part (neither action takes an s3:prefix condition). */
export const S3_FIREHOSE_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"];
/** Athena writes query results (in parts when large) and reads them back for GetQueryResults. */
export const S3_QUERY_RESULTS_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"];
/** Always granted with an s3:prefix condition. */
export const S3_LIST_ACTIONS = ["s3:ListBucket"];
export const S3_LOCATE_BUCKET_ACTIONS = ["s3:GetBucketLocation"];

// CloudWatch Logs
export const LOGS_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];
export const LOGS_PUT_ACTIONS = ["logs:PutLogEvents"];
/** Glue creates its /aws-glue/jobs/* groups on a job's first run. */
export const LOGS_CREATE_GROUP_ACTIONS = ["logs:CreateLogGroup"];

// CloudWatch metrics
export const CLOUDWATCH_PUT_METRIC_ACTIONS: StarOnlyAction[] = ["cloudwatch:PutMetricData"];

// KMS: used only through the services that encrypt for the role (kms:ViaService).
export const KMS_ENCRYPT_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];
/** Reading objects encrypted with the key, never writing. */
export const KMS_DECRYPT_ACTIONS = ["kms:Decrypt"];

// Glue Data Catalog and jobs
export const GLUE_GET_DATABASE_ACTIONS = ["glue:GetDatabase"];
export const GLUE_READ_TABLE_ACTIONS = ["glue:GetTable"];
/** Iceberg's GlueCatalog creates the table on first load and swaps its metadata pointer on commit. */
export const GLUE_WRITE_TABLE_ACTIONS = ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable"];
/** Starts a job unless a run of it is already in progress (GetJobRuns). */
export const GLUE_START_JOB_ACTIONS = ["glue:GetJobRuns", "glue:StartJobRun"];

// Trust and resource policies
export const STS_ASSUME_ROLE_ACTIONS = ["sts:AssumeRole"];
export const SNS_PUBLISH_ACTIONS = ["sns:Publish"];
/** Only ever denied: the bucket policy refuses every S3 request made without TLS. A string, not a list, as it names no single action. */
export const S3_EVERY_ACTION = "s3:*";

// Athena
export const ATHENA_QUERY_ACTIONS = [
  "athena:GetWorkGroup",
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
];
