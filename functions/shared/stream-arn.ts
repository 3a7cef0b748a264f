/**
 * The DynamoDB stream ARN rule, used by the capture function (which table a record came from) and
 * the dead-letter replay (checking a message's stream). Pure, no SDK: the function bundle imports it.
 */

/** arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>; the label itself contains colons. */
const STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([A-Za-z0-9_.-]{3,255})\/stream\/[^/\s]+$/;

/** The shape a stream ARN must have, for error messages. */
export const STREAM_ARN_FORM = "arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>";

/** The table's name in a DynamoDB stream ARN; undefined when `arn` is not one. */
export function tableOfStreamArn(arn: unknown): string | undefined {
  return typeof arn === "string" ? STREAM_ARN.exec(arn)?.[1] : undefined;
}
