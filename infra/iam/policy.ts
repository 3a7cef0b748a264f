/**
 * The policy document shape every generator returns, and the error every
 * malformed input raises. Plain data: components serialize it with
 * pulumi.jsonStringify, tests hand it to a policy engine.
 */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** A pattern or input the generator cannot turn into a policy; the message names what is wrong and the expected form. */
export class PolicyInputError extends Error {
  override name = "PolicyInputError";
}

/** Keeps the first occurrence of each value, in order, so documents stay stable across runs. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

const SID = /^[A-Za-z0-9]+$/;

/** Assembles a document; Sids must be unique and alphanumeric (IAM rejects anything else). */
export function policyDocument(statements: Statement[]): PolicyDocument {
  const seen = new Set<string>();
  for (const s of statements) {
    if (!SID.test(s.Sid)) throw new Error(`statement Sid ${JSON.stringify(s.Sid)} must be alphanumeric`);
    if (seen.has(s.Sid)) throw new Error(`duplicate statement Sid ${s.Sid}`);
    if (s.Action.length === 0 || s.Resource.length === 0) throw new Error(`statement ${s.Sid} has no actions or resources`);
    seen.add(s.Sid);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** A statement of a resource policy (stream, table, bucket, key): the identity policy's shape plus the principals it admits. */
export interface ResourceStatement extends Statement {
  Principal: { AWS: string[] };
}

export interface ResourcePolicyDocument {
  Version: "2012-10-17";
  Statement: ResourceStatement[];
}

/** Assembles a resource policy; the same Sid and emptiness checks as policyDocument, and every statement names principals. */
export function resourcePolicyDocument(statements: ResourceStatement[]): ResourcePolicyDocument {
  for (const s of statements) {
    if (s.Principal.AWS.length === 0) throw new Error(`statement ${s.Sid} names no principal`);
  }
  policyDocument(statements);
  return { Version: "2012-10-17", Statement: statements };
}
