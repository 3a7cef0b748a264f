/**
 * The Firehose delivery role: write delta objects and error output under the
 * stream's own prefixes of the lake bucket, and log delivery errors.
 */
import { KMS_ENCRYPT_DECRYPT_ACTIONS, LOGS_PUT_ACTIONS, S3_FIREHOSE_BUCKET_ACTIONS, S3_FIREHOSE_OBJECT_ACTIONS } from "./actions";
import { logStreamsArn } from "./arns";
import { parseBucketLocation, parseKeyPrefix, parseKmsKeyArn, parseLogGroupArn, requireSome, samePartition } from "./patterns";
import { policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3BucketStatement, s3ListStatement, s3ObjectStatement, statement } from "./statements";

export interface FirehoseDeliveryPolicyInput {
  /** The lake bucket, s3://bucket/ (or arn:aws:s3:::bucket). */
  bucket: string;
  /** Key prefixes the stream writes, e.g. changes/orders/ and errors/orders/. */
  prefixes: string[];
  /** The stream's log group; Firehose writes to a log stream the stack creates in it. */
  logGroupArn: string;
  /** The bucket's key, when it encrypts with SSE-KMS. */
  kmsKeyArns?: string[];
}

export function firehoseDeliveryPolicy(i: FirehoseDeliveryPolicyInput): PolicyDocument {
  const logGroup = parseLogGroupArn(i.logGroupArn);
  const bucket = parseBucketLocation("bucket", i.bucket, logGroup.partition);
  const prefixes = requireSome("prefixes", i.prefixes, '["changes/orders/", "errors/orders/"]').map((p) => parseKeyPrefix("prefix", p));
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  samePartition("Firehose delivery ARNs", keys.map((k) => k.partition), logGroup.partition);

  const statements: Statement[] = [
    s3ObjectStatement("WriteDeliveredObjects", S3_FIREHOSE_OBJECT_ACTIONS, bucket, prefixes),
    s3BucketStatement("LocateDeliveryBucket", S3_FIREHOSE_BUCKET_ACTIONS, bucket),
    s3ListStatement("ListDeliveryPrefixes", bucket, prefixes),
    statement("WriteDeliveryLogs", LOGS_PUT_ACTIONS, [logStreamsArn(logGroup.arn)]),
  ];
  // kms:ViaService is enough: S3 only asks KMS on the role's behalf for requests the S3 statements above allow.
  if (keys.length > 0) statements.push(kmsStatement("UseEncryptionKeys", KMS_ENCRYPT_DECRYPT_ACTIONS, keys, ["s3"]));
  return policyDocument(statements);
}
