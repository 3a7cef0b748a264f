/**
 * Firehose PutRecordBatch limits. A record's size counts its whole Data,
 * including the trailing newline of the delta line.
 */
export const FIREHOSE_LIMITS = {
  /** Records per PutRecordBatch call. */
  maxRecordsPerCall: 500,
  /** Bytes of Data per PutRecordBatch call (4 MiB). */
  maxBytesPerCall: 4 * 1024 * 1024,
  /** Bytes of Data per record (1000 KiB). */
  maxBytesPerRecord: 1000 * 1024,
} as const;

export type FirehoseLimits = { readonly [K in keyof typeof FIREHOSE_LIMITS]: number };
