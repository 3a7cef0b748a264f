/**
 * Parsing of the ARN and S3 patterns the policy generators take. Every
 * malformed input becomes a PolicyInputError naming what is wrong and the
 * expected form, so a bad stack config fails at preview instead of producing a
 * policy that grants the wrong thing (or nothing).
 */
import { PolicyInputError } from "./policy";
import { isBucketName } from "../../functions/shared/bucket-name";

/** Partitions whose ARNs the generator emits; a deployment lives in exactly one, so no wildcard. */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"] as const;

/** A parsed table ARN pattern: region and account exact or "*", table a name that may contain * wildcards. */
export interface TableArnPattern {
  partition: string;
  region: string;
  account: string;
  table: string;
}

export interface S3Location {
  partition: string;
  bucket: string;
  /** "" (the whole bucket) or a key prefix ending in "/". */
  prefix: string;
}

/** Where the Glue, Athena and Logs resources of a deployment live. Region and account may be "*". */
export interface Scope {
  partition: string;
  region: string;
  account: string;
}

/** A parsed ARN pattern of one of the other services the roles call (Firehose, SQS, Logs, KMS). */
export interface ResourceArnPattern {
  partition: string;
  region: string;
  account: string;
  /** The normalized ARN to put in a policy. */
  arn: string;
}

const TABLE_FORM =
  "arn:<partition>:dynamodb:<region>:<account>:table/<name> (region and account exact or *, name may use * wildcards), e.g. arn:aws:dynamodb:us-west-2:123456789012:table/prod*";
const S3_FORM =
  "s3://<bucket>/<prefix>/ or arn:<partition>:s3:::<bucket>/<prefix>/*, e.g. s3://my-lake/changes/ (one bucket, no wildcards; prefix empty or ending in /)";
const PREFIX_FORM = 'a key prefix like "changes/orders/" (no leading "/", ending in "/", no wildcards)';
const SCOPE_FORM = '{ partition: "aws", region: "us-west-2", account: "123456789012" } (region and account exact or *)';

function fail(what: string, input: unknown, problem: string, form: string): never {
  throw new PolicyInputError(`${what} ${JSON.stringify(input)}: ${problem}; expected ${form}`);
}

/** Problems every pattern shares: not a string, empty, whitespace, the ? wildcard. */
function commonProblem(input: unknown): string | undefined {
  if (typeof input !== "string") return `it is a ${input === null ? "null" : typeof input}, not a string`;
  if (input === "") return "it is empty";
  if (/\s/.test(input)) return "it contains whitespace";
  if (input.includes("?")) return "the ? wildcard is not supported (use *)";
  if (input.includes("${")) return 'it contains "${" (IAM policy variables are not supported)';
  return undefined;
}

function partitionProblem(partition: string): string | undefined {
  if ((PARTITIONS as readonly string[]).includes(partition)) return undefined;
  return `the partition ${JSON.stringify(partition)} is not one of ${PARTITIONS.join(", ")}`;
}

// Region and account are exact or "*": a partial wildcard ("eu-*") is rarely meant and the policy linter rejects it.
function regionProblem(region: string): string | undefined {
  if (region === "") return "the region is empty (use * for any region)";
  const ok = region === "*" || /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region);
  return ok ? undefined : `the region ${JSON.stringify(region)} is not a region name like us-west-2 (or * for any)`;
}

function accountProblem(account: string): string | undefined {
  if (account === "") return "the account is empty (use * for any account)";
  const ok = account === "*" || /^[0-9]{12}$/.test(account);
  return ok ? undefined : `the account ${JSON.stringify(account)} is not 12 digits (or * for any)`;
}

/** A name of `chars` (a regex class body) between min and max long; with * wildcards the literal part must fit in max. */
function nameProblem(kind: string, name: string, chars: string, describe: string, min: number, max: number): string | undefined {
  if (name === "") return `the ${kind} is empty`;
  const literal = name.replace(/\*/g, "");
  const ok = name.includes("*")
    ? new RegExp(`^[${chars}*]+$`).test(name) && literal.length <= max
    : new RegExp(`^[${chars}]{${min},${max}}$`).test(name);
  return ok ? undefined : `the ${kind} ${JSON.stringify(name)} is not ${min}-${max} characters of ${describe} (* wildcards allowed)`;
}

interface ArnFields {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

function splitArn(input: string): ArnFields | undefined {
  const parts = input.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return undefined;
  const [, partition = "", service = "", region = "", account = ""] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

const NOT_AN_ARN = "it is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)";

/** Parses a DynamoDB table ARN pattern such as arn:aws:dynamodb:us-west-2:123456789012:table/prod*. */
export function parseTableArnPattern(pattern: string): TableArnPattern {
  const what = "table ARN pattern";
  const common = commonProblem(pattern);
  if (common) fail(what, pattern, common, TABLE_FORM);
  const arn = splitArn(pattern);
  if (!arn) return fail(what, pattern, NOT_AN_ARN, TABLE_FORM);
  const { partition, service, region, account, resource } = arn;
  const envelope = partitionProblem(partition)
    ?? (service === "dynamodb" ? undefined : `it is an ARN for service ${JSON.stringify(service)}, not dynamodb`)
    ?? regionProblem(region)
    ?? accountProblem(account);
  if (envelope) fail(what, pattern, envelope, TABLE_FORM);
  if (!resource.startsWith("table/")) fail(what, pattern, `the resource ${JSON.stringify(resource)} does not start with table/`, TABLE_FORM);
  const table = resource.slice("table/".length);
  if (/\/stream(\/|$)/.test(table)) {
    fail(what, pattern, 'it is a stream ARN, not a table ARN (drop "/stream/…" and pass the table ARN)', TABLE_FORM);
  }
  if (/\/index(\/|$)/.test(table)) {
    fail(what, pattern, 'it is an index ARN, not a table ARN (drop "/index/…" and pass the table ARN)', TABLE_FORM);
  }
  if (table.includes("/") || table.includes(":")) {
    fail(what, pattern, `the table name ${JSON.stringify(table)} contains "/" or ":"`, TABLE_FORM);
  }
  const name = nameProblem("table name", table, "A-Za-z0-9_.\\-", "A-Z a-z 0-9 _ . -", 3, 255);
  if (name) fail(what, pattern, name, TABLE_FORM);
  return { partition, region, account, table };
}

function bucketProblem(bucket: string): string | undefined {
  if (bucket === "") return "the bucket name is empty";
  if (bucket.includes("*")) return `the bucket name ${JSON.stringify(bucket)} uses a wildcard (name one bucket)`;
  return isBucketName(bucket)
    ? undefined
    : `the bucket name ${JSON.stringify(bucket)} is not a valid S3 bucket name (3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit, no "..", not an IP address)`;
}

function prefixProblem(prefix: string, allowEmpty: boolean): string | undefined {
  if (prefix === "") return allowEmpty ? undefined : "the prefix is empty (it would grant the whole bucket)";
  if (/\s/.test(prefix)) return `the prefix ${JSON.stringify(prefix)} contains whitespace`;
  if (/[*?]/.test(prefix)) return `the prefix ${JSON.stringify(prefix)} uses a wildcard (name the exact prefix)`;
  if (prefix.includes("${")) return `the prefix ${JSON.stringify(prefix)} contains "\${" (IAM policy variables are not supported)`;
  if (prefix.startsWith("/")) return `the prefix ${JSON.stringify(prefix)} starts with "/"`;
  if (prefix.includes("//")) return `the prefix ${JSON.stringify(prefix)} has an empty path segment ("//")`;
  if (!prefix.endsWith("/")) return `the prefix ${JSON.stringify(prefix)} does not end with "/" (write ${JSON.stringify(`${prefix}/`)})`;
  return undefined;
}

/**
 * Parses s3://bucket/prefix/ or arn:<partition>:s3:::bucket/prefix/* (the trailing * optional).
 * An s3:// URI carries no partition: it gets `partition` (the deployment's, "aws" by default).
 */
export function parseS3Location(pattern: string, partition = "aws"): S3Location {
  const what = "S3 location";
  const common = commonProblem(pattern);
  if (common) fail(what, pattern, common, S3_FORM);
  let path: string;
  let part = partition;
  if (pattern.startsWith("s3://")) {
    path = pattern.slice("s3://".length);
  } else if (pattern.startsWith("arn:")) {
    const arn = splitArn(pattern);
    if (!arn) return fail(what, pattern, NOT_AN_ARN, S3_FORM);
    const envelope = partitionProblem(arn.partition)
      ?? (arn.service === "s3" ? undefined : `it is an ARN for service ${JSON.stringify(arn.service)}, not s3`)
      ?? (arn.region === "" && arn.account === "" ? undefined : "S3 bucket ARNs have an empty region and account (arn:aws:s3:::bucket/prefix/*)");
    if (envelope) fail(what, pattern, envelope, S3_FORM);
    part = arn.partition;
    path = arn.resource;
    if (path.endsWith("/*")) path = path.slice(0, -1);
  } else {
    return fail(what, pattern, "it is neither an s3:// URI nor an S3 ARN", S3_FORM);
  }
  const slash = path.indexOf("/");
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const prefix = slash < 0 ? "" : path.slice(slash + 1);
  const problem = partitionProblem(part) ?? bucketProblem(bucket) ?? prefixProblem(prefix, true);
  if (problem) fail(what, pattern, problem, S3_FORM);
  return { partition: part, bucket, prefix };
}

/** Parses an S3 location that must name a whole bucket (s3://bucket/), such as the lake. */
export function parseBucketLocation(what: string, pattern: string, partition?: string): S3Location {
  const location = parseS3Location(pattern, partition);
  if (location.prefix !== "") {
    fail(what, pattern, `it names the prefix ${JSON.stringify(location.prefix)}; give the bucket alone and the prefixes separately`, `s3://${location.bucket}/`);
  }
  if (partition !== undefined && location.partition !== partition) {
    fail(what, pattern, `its partition ${location.partition} differs from the deployment's partition ${partition}`, `an ARN in partition ${partition}`);
  }
  return location;
}

/** Checks a key prefix relative to a bucket, such as "changes/orders/". */
export function parseKeyPrefix(what: string, prefix: string): string {
  const problem = typeof prefix === "string" ? prefixProblem(prefix, false) : commonProblem(prefix);
  if (problem) fail(what, prefix, problem, PREFIX_FORM);
  return prefix;
}

export function parseScope(scope: Scope): Scope {
  const problem = typeof scope !== "object" || scope === null
    ? "it is not an object"
    : partitionProblem(String(scope.partition)) ?? regionProblem(String(scope.region)) ?? accountProblem(String(scope.account));
  if (problem) fail("scope", scope, problem, SCOPE_FORM);
  return { partition: scope.partition, region: scope.region, account: scope.account };
}

interface ResourceSpec {
  what: string;
  service: string;
  form: string;
  /** Returns the normalized resource part, or throws through `problem`. */
  resource(resource: string, problem: (message: string) => never): string;
}

function parseResourceArn(pattern: string, spec: ResourceSpec): ResourceArnPattern {
  const problem = (message: string): never => fail(spec.what, pattern, message, spec.form);
  const common = commonProblem(pattern);
  if (common) problem(common);
  const arn = splitArn(pattern);
  if (!arn) return problem(NOT_AN_ARN);
  const envelope = partitionProblem(arn.partition)
    ?? (arn.service === spec.service ? undefined : `it is an ARN for service ${JSON.stringify(arn.service)}, not ${spec.service}`)
    ?? regionProblem(arn.region)
    ?? accountProblem(arn.account);
  if (envelope) problem(envelope);
  const resource = spec.resource(arn.resource, problem);
  return {
    partition: arn.partition,
    region: arn.region,
    account: arn.account,
    arn: `arn:${arn.partition}:${spec.service}:${arn.region}:${arn.account}:${resource}`,
  };
}

function namedResource(typePrefix: string, kind: string, chars: string, describe: string, max: number) {
  return (resource: string, problem: (message: string) => never): string => {
    if (!resource.startsWith(typePrefix)) problem(`the resource ${JSON.stringify(resource)} does not start with ${typePrefix || "a name"}`);
    const name = resource.slice(typePrefix.length);
    const bad = nameProblem(kind, name, chars, describe, 1, max);
    if (bad) problem(bad);
    return resource;
  };
}

export function parseDeliveryStreamArn(pattern: string): ResourceArnPattern {
  return parseResourceArn(pattern, {
    what: "Firehose delivery stream ARN",
    service: "firehose",
    form: "arn:<partition>:firehose:<region>:<account>:deliverystream/<name>",
    resource: namedResource("deliverystream/", "delivery stream name", "A-Za-z0-9_.\\-", "A-Z a-z 0-9 _ . -", 64),
  });
}

export function parseQueueArn(pattern: string): ResourceArnPattern {
  return parseResourceArn(pattern, {
    what: "SQS queue ARN",
    service: "sqs",
    form: "arn:<partition>:sqs:<region>:<account>:<queue-name>",
    resource: namedResource("", "queue name", "A-Za-z0-9_.\\-", "A-Z a-z 0-9 _ - (and .fifo)", 80),
  });
}

/** Accepts the log group ARN with or without the ":*" some APIs append, and returns it without. */
export function parseLogGroupArn(pattern: string): ResourceArnPattern {
  const named = namedResource("log-group:", "log group name", "A-Za-z0-9_/.#\\-", "A-Z a-z 0-9 _ / . # -", 512);
  return parseResourceArn(pattern, {
    what: "log group ARN",
    service: "logs",
    form: "arn:<partition>:logs:<region>:<account>:log-group:<name>, e.g. arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/capture",
    resource: (resource, problem) => named(resource.endsWith(":*") ? resource.slice(0, -2) : resource, problem),
  });
}

export function parseKmsKeyArn(pattern: string): ResourceArnPattern {
  const named = namedResource("key/", "key id", "A-Za-z0-9\\-", "A-Z a-z 0-9 -", 128);
  return parseResourceArn(pattern, {
    what: "KMS key ARN",
    service: "kms",
    form: "arn:<partition>:kms:<region>:<account>:key/<key-id>",
    resource: (resource, problem) => {
      if (resource.startsWith("alias/")) problem("it is an alias ARN; key permissions are granted on the key ARN (arn:…:key/<key-id>)");
      return named(resource, problem);
    },
  });
}

/** Glue database and table names: what catalogName() produces. */
export function parseCatalogName(what: string, name: string): string {
  const problem = commonProblem(name) ?? (/^[a-z0-9_]{1,255}$/.test(name) ? undefined : "it is not 1-255 characters of a-z 0-9 _");
  if (problem) fail(what, name, problem, "a catalog name such as orders_current (see catalogName() in infra/layout.ts)");
  return name;
}

export function parseWorkgroupName(name: string): string {
  const problem = commonProblem(name) ?? (/^[A-Za-z0-9._-]{1,128}$/.test(name) ? undefined : "it is not 1-128 characters of A-Z a-z 0-9 . _ -");
  if (problem) fail("Athena workgroup name", name, problem, "a workgroup name such as dynamodb-lake");
  return name;
}

export function parseGlueJobName(name: string): string {
  const problem = commonProblem(name) ?? (/^[A-Za-z0-9._-]{1,255}$/.test(name) ? undefined : "it is not 1-255 characters of A-Z a-z 0-9 . _ -");
  if (problem) fail("Glue job name", name, problem, "a job name such as orders-load-snapshot");
  return name;
}

/** Rejects empty lists where a role cannot work without at least one entry. */
export function requireSome<T>(what: string, values: readonly T[] | undefined, example: string): readonly T[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new PolicyInputError(`${what} is empty; expected at least one, e.g. ${example}`);
  }
  return values as readonly T[];
}

/** All patterns of one policy must be in one partition: the role lives in one. */
export function samePartition(what: string, partitions: readonly string[], expected?: string): string {
  const first = expected ?? partitions[0] ?? "aws";
  const other = partitions.find((p) => p !== first);
  if (other !== undefined) {
    throw new PolicyInputError(`${what} mixes partitions ${first} and ${other}; one role lives in one partition`);
  }
  return first;
}

/** A parsed IAM role ARN: an exact role, never a pattern, as resource policies and trust policies name it. */
export interface RoleArn {
  partition: string;
  account: string;
  arn: string;
}

const ROLE_FORM = "arn:<partition>:iam::<account>:role/<optional path/><name>, e.g. arn:aws:iam::123456789012:role/orders-capture";

/** Parses an exact role ARN (no wildcards): what a resource policy's Principal or a trust policy names. */
export function parseRoleArn(what: string, input: string): RoleArn {
  const problem = (message: string): never => fail(what, input, message, ROLE_FORM);
  const common = commonProblem(input);
  if (common) problem(common);
  if (input.includes("*")) problem("it uses a wildcard (name the exact role: a policy naming a pattern could admit roles created later)");
  const arn = splitArn(input);
  if (!arn) return problem(NOT_AN_ARN);
  const envelope = partitionProblem(arn.partition)
    ?? (arn.service === "iam" ? undefined : `it is an ARN for service ${JSON.stringify(arn.service)}, not iam`)
    ?? (arn.region === "" ? undefined : "IAM ARNs have an empty region (arn:aws:iam::<account>:role/<name>)")
    ?? (/^[0-9]{12}$/.test(arn.account) ? undefined : `the account ${JSON.stringify(arn.account)} is not 12 digits`);
  if (envelope) problem(envelope);
  if (!arn.resource.startsWith("role/")) problem(`the resource ${JSON.stringify(arn.resource)} does not start with role/ (a user, group or root cannot be the pipeline's principal)`);
  const path = arn.resource.slice("role/".length);
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (!/^[\w+=,.@-]{1,64}$/.test(name) || !/^([\w+=,.@-]+\/)*$/.test(path.slice(0, path.length - name.length))) {
    problem(`the role name ${JSON.stringify(path)} is not 1-64 characters of A-Z a-z 0-9 + = , . @ _ - (with an optional path of the same characters)`);
  }
  return { partition: arn.partition, account: arn.account, arn: input };
}

/** A parsed DynamoDB stream ARN: one exact stream of one exact table. */
export interface StreamArn {
  table: TableArnPattern;
  /** The stream label, e.g. 2024-05-01T00:00:00.000. */
  label: string;
  arn: string;
}

const STREAM_FORM = "arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>, e.g. arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/2024-05-01T00:00:00.000";

/**
 * Parses an exact stream ARN. A stream in another account must be named
 * exactly: ListStreams does not work across accounts, and a resource policy
 * is attached to one stream.
 */
export function parseStreamArn(input: string): StreamArn {
  const problem = (message: string): never => fail("stream ARN", input, message, STREAM_FORM);
  const common = commonProblem(input);
  if (common) problem(common);
  if (input.includes("*")) problem("it uses a wildcard (name the table's current stream: the table's stream_arn output)");
  const m = typeof input === "string" ? /^(arn:[^:]+:dynamodb:[^:]+:[^:]+:table\/[^/]+)\/stream\/([^/]+)$/.exec(input) : null;
  if (!m?.[1] || !m[2]) return problem("it is not a table ARN followed by /stream/<label>");
  let table: TableArnPattern;
  try {
    table = parseTableArnPattern(m[1]);
  } catch (e) {
    return problem((e as Error).message);
  }
  if (table.region === "*" || table.account === "*") problem("its region and account must be exact");
  if (!/^[0-9A-Za-z:.\-]{1,40}$/.test(m[2])) problem(`the stream label ${JSON.stringify(m[2])} is not a label like 2024-05-01T00:00:00.000`);
  return { table, label: m[2], arn: input };
}

/** Parses a table ARN that must name exactly one table (no wildcards): what a resource policy is attached to. */
export function parseExactTableArn(input: string): TableArnPattern {
  const table = parseTableArnPattern(input);
  if (table.region === "*" || table.account === "*" || table.table.includes("*")) {
    fail("table ARN", input, "it uses a wildcard (a resource policy and an exporter role belong to one exact table)", TABLE_FORM);
  }
  return table;
}
