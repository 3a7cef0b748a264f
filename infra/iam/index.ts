/**
 * Least-privilege IAM policies for every role of the pipeline, generated from
 * table ARN patterns and S3 locations, and the trust and resource policies the
 * components attach. Pure: no Pulumi resources here.
 */
export { PolicyInputError, type ConditionBlock, type PolicyDocument, type Statement } from "./policy";
export {
  PARTITIONS,
  parseCatalogName,
  parseDeliveryStreamArn,
  parseGlueJobName,
  parseKeyPrefix,
  parseKmsKeyArn,
  parseLogGroupArn,
  parseQueueArn,
  parseS3Location,
  parseScope,
  parseTableArnPattern,
  parseWorkgroupName,
  type ResourceArnPattern,
  type S3Location,
  type Scope,
  type TableArnPattern,
} from "./patterns";
export * from "./actions";
export { DEFAULT_JOB_METRIC_NAMESPACES, GLUE_JOB_LOG_GROUPS, LAKE_METRIC_NAMESPACE } from "./glue-job";
export { captureFunctionPolicy, type CaptureFunctionPolicyInput } from "./capture";
export { firehoseDeliveryPolicy, type FirehoseDeliveryPolicyInput } from "./firehose";
export { snapshotJobPolicy, type SnapshotJobPolicyInput } from "./snapshot";
export { compactionJobPolicy, type CompactionJobPolicyInput } from "./compaction";
export { athenaReaderPolicy, type AthenaReaderPolicyInput } from "./athena";
export { reconcileJobPolicy, type ReconcileJobPolicyInput } from "./reconcile";
export { firehoseTrustPolicy, glueTrustPolicy, lambdaTrustPolicy, type TrustPolicy } from "./trust";
export { denyInsecureTransportPolicy, topicPublishPolicy } from "./resource-policies";
export { parseExactTableArn, parseRoleArn, parseStreamArn, type RoleArn, type StreamArn } from "./patterns";
export { type ResourcePolicyDocument, type ResourceStatement } from "./policy";
export {
  exporterRolePolicy,
  exporterTrustPolicy,
  sourceKeyPolicyStatements,
  streamResourcePolicy,
  tableResourcePolicy,
  type ExporterRolePolicyInput,
  type ExporterTrustPolicy,
  type SourceKeyPolicyInput,
  type StreamResourcePolicyInput,
  type TableResourcePolicyInput,
} from "./source-account";
export { exporterBucketStatements, lakeBucketPolicy, lakeKeyPolicyStatements, type LakeKeyPolicyInput, type TableExporter } from "./lake-account";
