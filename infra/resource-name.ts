/**
 * Names that always fit AWS's limits. The lake names its children `<lake>-<table id>-<part>`, and
 * Pulumi auto-names each resource from that logical name plus `-` and 7 random characters; with a
 * long stack name or table id the result can pass a service's cap, which fails the deploy with
 * Pulumi's own naming error. Pure: the components and the tests share it.
 */
import { createHash } from "node:crypto";

/** What Pulumi appends to a logical name when it auto-names a resource: `-` and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** Characters of the hash that keeps a shortened name distinct from every other. */
export const NAME_HASH_LENGTH = 8;

/** One kind of name: its longest length, and the characters it refuses (each becomes `-`). */
export interface NameRule {
  readonly max: number;
  readonly invalid?: RegExp;
}

/** AWS's limits for the names the lake's children get. */
export const NAME_RULES = {
  iamRole: { max: 64, invalid: /[^\w+=,.@-]/g },
  iamPolicy: { max: 128, invalid: /[^\w+=,.@-]/g },
  /** Inline role policies: 128, the same characters as roles. */
  rolePolicy: { max: 128, invalid: /[^\w+=,.@-]/g },
  lambdaFunction: { max: 64, invalid: /[^A-Za-z0-9_-]/g },
  firehoseStream: { max: 64, invalid: /[^A-Za-z0-9_.-]/g },
  sqsQueue: { max: 80, invalid: /[^A-Za-z0-9_-]/g },
  eventRule: { max: 64, invalid: /[^A-Za-z0-9_.-]/g },
  /** Pulumi lower-cases a bucket's auto-name itself. */
  s3Bucket: { max: 63, invalid: /[^A-Za-z0-9.-]/g },
  glueJob: { max: 255 },
  glueTrigger: { max: 255 },
  metricAlarm: { max: 255 },
  snsTopic: { max: 256, invalid: /[^A-Za-z0-9_-]/g },
  /** Log group names are 512 long; CloudWatch appends 26 characters to a `namePrefix`. */
  logGroupPrefix: { max: 512 - 26, invalid: /[^A-Za-z0-9_/.#-]/g },
} as const satisfies Record<string, NameRule>;

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, NAME_HASH_LENGTH);

/**
 * `parts` joined with `-`, unchanged when it fits in `max` characters. Otherwise the leading parts are
 * cut and a hash of the whole name is put before the last part, which stays whole when it can
 * (`lake-<long id>-function` → `lake-<long i…>-<hash>-function`): the same input always gives the
 * same name, and two long names that share their start still differ.
 */
export function resourceName(parts: readonly string[], max: number): string {
  return fit(parts, max, parts.join("-"), false);
}

/**
 * The logical name of a child Pulumi auto-names: short enough that the physical name (it plus
 * Pulumi's random suffix) fits the service's limit. Characters the service refuses become `-`, and
 * then the name carries a hash of the original, so ids such as `a.b` and `a-b` still differ.
 */
export function autoName(rule: NameRule, ...parts: string[]): string {
  const clean = rule.invalid === undefined ? parts : parts.map((p) => p.replace(rule.invalid as RegExp, "-"));
  const original = parts.join("-");
  return fit(clean, rule.max - AUTONAME_SUFFIX_LENGTH, original, clean.join("-") !== original);
}

function fit(parts: readonly string[], max: number, hashOf: string, withHash: boolean): string {
  if (parts.length === 0) throw new Error("resourceName needs at least one part");
  if (!Number.isInteger(max) || max < NAME_HASH_LENGTH) throw new Error(`resourceName: the limit must be a whole number of at least ${NAME_HASH_LENGTH}; got ${max}`);
  const whole = parts.join("-");
  if (!withHash && whole.length <= max) return whole;
  const hash = shortHash(hashOf);
  const last = parts.length > 1 ? (parts[parts.length - 1] as string) : "";
  const head = parts.slice(0, -1).join("-");
  // `<head…>-<hash>-<last>` when the last part leaves room for some of the head; else `<whole…>-<hash>`.
  const room = max - hash.length - last.length - 2;
  if (last !== "" && room >= 1) return `${head.slice(0, room)}-${hash}-${last}`;
  if (max === hash.length) return hash;
  return `${whole.slice(0, max - hash.length - 1)}-${hash}`;
}
