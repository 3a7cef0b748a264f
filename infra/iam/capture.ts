/**
 * The capture function's role: read the tables' streams (through Lambda's
 * event source mapping), put delta lines to Firehose, park oversize records
 * under the overflow prefix, and hand failed batches to the dead-letter queue.
 */
import {
  DYNAMODB_STREAM_LIST_ACTIONS,
  DYNAMODB_STREAM_READ_ACTIONS,
  FIREHOSE_PUT_ACTIONS,
  KMS_ENCRYPT_DECRYPT_ACTIONS,
  LOGS_WRITE_ACTIONS,
  S3_PUT_OBJECT_ACTIONS,
  SQS_SEND_ACTIONS,
} from "./actions";
import { logStreamsArn, tableStreamsArn } from "./arns";
import {
  parseDeliveryStreamArn,
  parseKmsKeyArn,
  parseLogGroupArn,
  parseQueueArn,
  parseS3Location,
  parseTableArnPattern,
  requireSome,
  samePartition,
} from "./patterns";
import { PolicyInputError, policyDocument, type PolicyDocument, type Statement } from "./policy";
import { kmsStatement, s3ObjectStatement, starOnlyStatement, statement } from "./statements";

export interface CaptureFunctionPolicyInput {
  /** Table ARN patterns, e.g. arn:aws:dynamodb:us-west-2:123456789012:table/prod*. */
  tables: string[];
  deliveryStreamArns: string[];
  /** Where oversize records go, e.g. s3://lake/overflow/orders/ or arn:aws:s3:::lake/overflow/orders/*. */
  overflow: string;
  deadLetterQueueArn: string;
  /** The function's log group (created by the stack, so no logs:CreateLogGroup). */
  logGroupArn: string;
  /** Keys of the tables (stream reads), the lake bucket (overflow) and the queue. */
  kmsKeyArns?: string[];
}

/** Services that use KMS for the capture function: stream reads, overflow writes, DLQ sends. */
const CAPTURE_KMS_SERVICES = ["dynamodb", "s3", "sqs"];

export function captureFunctionPolicy(i: CaptureFunctionPolicyInput): PolicyDocument {
  const tables = requireSome("tables", i.tables, "arn:aws:dynamodb:us-west-2:123456789012:table/orders").map(parseTableArnPattern);
  const partition = samePartition("tables", tables.map((t) => t.partition));
  const streams = requireSome("deliveryStreamArns", i.deliveryStreamArns, "arn:aws:firehose:us-west-2:123456789012:deliverystream/orders-changes")
    .map(parseDeliveryStreamArn);
  const overflow = parseS3Location(i.overflow, partition);
  if (overflow.prefix === "") {
    throw new PolicyInputError(`overflow ${JSON.stringify(i.overflow)}: it names the whole bucket; expected the overflow prefix, e.g. s3://${overflow.bucket}/overflow/orders/`);
  }
  const queue = parseQueueArn(i.deadLetterQueueArn);
  const logGroup = parseLogGroupArn(i.logGroupArn);
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  samePartition("capture function ARNs", [...streams, overflow, queue, logGroup, ...keys].map((a) => a.partition), partition);

  const statements: Statement[] = [
    statement("ReadTableStreams", DYNAMODB_STREAM_READ_ACTIONS, tables.map(tableStreamsArn)),
    starOnlyStatement("ListTableStreams", DYNAMODB_STREAM_LIST_ACTIONS),
    statement("PutDeltaRecords", FIREHOSE_PUT_ACTIONS, streams.map((s) => s.arn)),
    s3ObjectStatement("WriteOverflowRecords", S3_PUT_OBJECT_ACTIONS, overflow, [overflow.prefix]),
    statement("SendToDeadLetterQueue", SQS_SEND_ACTIONS, [queue.arn]),
    statement("WriteFunctionLogs", LOGS_WRITE_ACTIONS, [logStreamsArn(logGroup.arn)]),
  ];
  if (keys.length > 0) statements.push(kmsStatement("UseEncryptionKeys", KMS_ENCRYPT_DECRYPT_ACTIONS, keys, CAPTURE_KMS_SERVICES));
  return policyDocument(statements);
}
