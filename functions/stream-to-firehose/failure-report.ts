import type { DynamoDBBatchItemFailure, DynamoDBRecord } from "aws-lambda";

const SEQUENCE_NUMBER = /^[0-9]{1,40}$/;

/**
 * The batch item failure for the earliest record that was not delivered: its
 * ORIGINAL SequenceNumber (unpadded), since that is what Lambda checkpoints on.
 * Lambda then resends that record and everything after it. When that record
 * has no usable SequenceNumber, the nearest earlier record's is used (its
 * resend is a harmless duplicate); with none at all the whole batch must fail.
 */
export function batchItemFailureAt(records: readonly DynamoDBRecord[], index: number): DynamoDBBatchItemFailure {
  for (let i = index; i >= 0; i--) {
    const sequenceNumber = records[i]?.dynamodb?.SequenceNumber;
    if (typeof sequenceNumber === "string" && SEQUENCE_NUMBER.test(sequenceNumber)) return { itemIdentifier: sequenceNumber };
  }
  throw new Error(
    `record ${index} of the batch failed and neither it nor any earlier record has a SequenceNumber to report: failing the whole batch so Lambda retries it`,
  );
}
