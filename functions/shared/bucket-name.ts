/**
 * The S3 general purpose bucket name rule, used by the capture function's configuration, the
 * components' bucket choice, the table spec and the IAM pattern checks. Pure, no SDK: the function
 * bundle imports it.
 */

/** The rule in words, for error messages. */
export const BUCKET_NAME_RULE = '3 to 63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit, no "..", not an IP address';

/** 3–63 of a-z 0-9 . -, starting and ending with a letter or digit; no "..", ".-" or "-."; not an IPv4 address. */
export function isBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !/\.\.|\.-|-\./.test(name) && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}
