/**
 * Pure ARN → statement functions shared by the role policies (aws-cdk grants
 * style): each returns one statement granting a named action list.
 */
import { S3_LIST_ACTIONS, STAR_ONLY_ACTIONS, type StarOnlyAction } from "./actions";
import { bucketArn, objectsArn, viaService } from "./arns";
import type { ResourceArnPattern, S3Location } from "./patterns";
import { unique, type ConditionBlock, type ResourceStatement, type Statement } from "./policy";

export function statement(sid: string, actions: readonly string[], resources: readonly string[], condition?: ConditionBlock): Statement {
  const s: Statement = { Sid: sid, Effect: "Allow", Action: unique(actions), Resource: unique(resources) };
  if (condition) s.Condition = condition;
  return s;
}

/** The only way a statement gets Resource "*": its actions must be in STAR_ONLY_ACTIONS. */
export function starOnlyStatement(sid: string, actions: readonly StarOnlyAction[], condition?: ConditionBlock): Statement {
  for (const a of actions) {
    if (!(STAR_ONLY_ACTIONS as readonly string[]).includes(a)) throw new Error(`${a} is not in STAR_ONLY_ACTIONS`);
  }
  return statement(sid, actions, ["*"], condition);
}

/** StringLike only when some value has a wildcard: exact values get the stricter StringEquals. */
export function stringCondition(key: string, values: readonly string[]): ConditionBlock {
  const operator = values.some((v) => v.includes("*")) ? "StringLike" : "StringEquals";
  return { [operator]: { [key]: unique(values) } };
}

export function s3ObjectStatement(sid: string, actions: readonly string[], bucket: S3Location, prefixes: readonly string[]): Statement {
  return statement(sid, actions, prefixes.map((p) => objectsArn(bucket, p)));
}

export function s3BucketStatement(sid: string, actions: readonly string[], bucket: S3Location): Statement {
  return statement(sid, actions, [bucketArn(bucket)]);
}

/** ListBucket only below the given prefixes (ListObjects' prefix parameter is the s3:prefix key). */
export function s3ListStatement(sid: string, bucket: S3Location, prefixes: readonly string[]): Statement {
  return statement(sid, S3_LIST_ACTIONS, [bucketArn(bucket)], { StringLike: { "s3:prefix": unique(prefixes.map((p) => `${p}*`)) } });
}

/** KMS use of the given keys only when a listed service calls KMS on the role's behalf, in the keys' regions. */
export function kmsStatement(
  sid: string,
  actions: readonly string[],
  keys: readonly ResourceArnPattern[],
  services: readonly string[],
): Statement {
  const via = keys.flatMap((k) => services.map((s) => viaService(s, k.partition, k.region)));
  return statement(sid, actions, keys.map((k) => k.arn), stringCondition("kms:ViaService", via));
}

/** A resource-policy statement admitting exactly the given principals (role ARNs). */
export function resourceStatement(
  sid: string,
  principals: readonly string[],
  actions: readonly string[],
  resources: readonly string[],
  condition?: ConditionBlock,
): ResourceStatement {
  const s: ResourceStatement = { Sid: sid, Effect: "Allow", Principal: { AWS: unique(principals) }, Action: unique(actions), Resource: unique(resources) };
  if (condition) s.Condition = condition;
  return s;
}
