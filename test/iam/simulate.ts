/**
 * Test helpers: evaluate one request against a generated identity policy with
 * the iam-simulate policy engine, and a simple glob model of IAM matching for
 * the randomized tests.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../infra/iam";

export const ROLE_ACCOUNT = "123456789012";

export interface Request {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export type Decision = "Allowed" | "Denied";

function accountOf(resource: string): string {
  const account = resource.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : ROLE_ACCOUNT;
}

function partitionOf(resource: string): string {
  return resource.startsWith("arn:") ? (resource.split(":")[1] ?? "aws") : "aws";
}

/**
 * The identity policy's decision for one request. Only the identity analysis
 * counts: it is what the generator controls (a cross-account table or a KMS
 * key also needs its resource policy, which is not ours to test). Fails when
 * the engine rejects the request or ignores a context key we pass, so a
 * condition can never pass or fail for a reason the test did not intend.
 */
export async function decide(policy: PolicyDocument, request: Request): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:${partitionOf(request.resource)}:iam::${ROLE_ACCOUNT}:role/lake-role`,
        action: request.action,
        resource: { resource: request.resource, accountId: accountOf(request.resource) },
        contextVariables: request.context ?? {},
      },
      identityPolicies: [{ name: "generated", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(`simulator rejected ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  }
  const results = response.resultType === "single" ? [response.result] : response.results;
  // A "*" request no statement's pattern covers yields no per-pattern result at all.
  if (response.resultType === "wildcard" && results.length === 0) return response.overallResult === "Allowed" ? "Allowed" : "Denied";
  if (results.length !== 1) throw new Error(`expected one simulation for ${request.action} on ${request.resource}, got ${results.length}`);
  const [result] = results;
  if (result?.ignoredContextKeys && result.ignoredContextKeys.length > 0) {
    throw new Error(`simulator ignored context keys ${result.ignoredContextKeys.join(", ")} for ${request.action}`);
  }
  const identity = result?.analysis.identityAnalysis?.result;
  if (identity === undefined) throw new Error(`no identity analysis for ${request.action} on ${request.resource}`);
  return identity === "Allowed" ? "Allowed" : "Denied";
}

/** Decides every request and returns the ones whose decision differs from `expected`, for one readable assertion. */
export async function mismatches(policy: PolicyDocument, requests: readonly Request[], expected: Decision): Promise<string[]> {
  const wrong: string[] = [];
  for (const r of requests) {
    const got = await decide(policy, r);
    if (got !== expected) wrong.push(`${r.action} ${r.resource}${r.context ? ` ${JSON.stringify(r.context)}` : ""} → ${got}`);
  }
  return wrong;
}

/** IAM-style glob: * matches any run of characters (including none), everything else literally. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(value);
}

/** Small deterministic PRNG (mulberry32) so a failing seed can be replayed. */
/** Seeds the randomized tests run when IAM_RANDOM_SEED is unset: the same cases on every run. */
export const FIXED_RANDOM_SEEDS: readonly number[] = [1, 1824379806, 2718281828, 3141592653];

/** The seeds to run: IAM_RANDOM_SEED's (one, or a comma-separated list) when set, else the fixed ones. */
export function randomSeeds(env: string | undefined): number[] {
  if (env === undefined || env.trim() === "") return [...FIXED_RANDOM_SEEDS];
  return env.split(",").map((part) => {
    const text = part.trim();
    const seed = Number(text);
    if (!/^\d+$/.test(text) || seed > 0xffffffff) {
      throw new Error(
        `IAM_RANDOM_SEED=${JSON.stringify(env)}: give whole numbers from 0 to 4294967295, separated by commas (e.g. IAM_RANDOM_SEED=1824379806), or unset it to run the fixed seeds`,
      );
    }
    return seed;
  });
}

export function randomSource(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    int,
    pick: <T>(xs: readonly T[]): T => {
      const x = xs[int(xs.length)];
      if (x === undefined) throw new Error("pick from an empty list");
      return x;
    },
    chance: (p: number): boolean => next() < p,
  };
}

/** One request of a principal in one account on a resource in (possibly) another, with the resource's own policy. */
export interface CrossAccountRequest extends Request {
  /** The calling role's ARN. */
  principal: string;
  /** The resource's account, when its ARN carries none (S3). */
  resourceAccount?: string;
}

/**
 * The overall decision AWS reaches: the caller's identity policy and the
 * resource's policy together. Across accounts both must allow; within one
 * account either may.
 */
export async function decideAcross(
  identityPolicy: PolicyDocument | undefined,
  resourcePolicy: object | undefined,
  request: CrossAccountRequest,
): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount ?? accountOf(request.resource) },
        // AWS sets aws:PrincipalArn on every request; the engine needs it spelled out.
        contextVariables: { "aws:PrincipalArn": request.principal, ...request.context },
      },
      identityPolicies: identityPolicy ? [{ name: "identity", policy: identityPolicy }] : [],
      resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(`simulator rejected ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  }
  const results = response.resultType === "single" ? [response.result] : response.results;
  if (results.length !== 1) throw new Error(`expected one simulation for ${request.action} on ${request.resource}, got ${results.length}`);
  const [result] = results;
  if (result?.ignoredContextKeys && result.ignoredContextKeys.length > 0) {
    throw new Error(`simulator ignored context keys ${result.ignoredContextKeys.join(", ")} for ${request.action}`);
  }
  return response.overallResult === "Allowed" ? "Allowed" : "Denied";
}
