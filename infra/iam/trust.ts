/**
 * Trust policies: which service may assume each role of the pipeline, with the
 * confused-deputy guard the service supports. Pure.
 */
import { STS_ASSUME_ROLE_ACTIONS } from "./actions";
import type { ConditionBlock } from "./policy";

export interface TrustPolicy {
  Version: "2012-10-17";
  Statement: {
    Effect: "Allow";
    Principal: { Service: string };
    Action: string[];
    Condition?: ConditionBlock;
  }[];
}

function serviceTrustPolicy(service: string, condition?: ConditionBlock): TrustPolicy {
  const statement: TrustPolicy["Statement"][number] = { Effect: "Allow", Principal: { Service: service }, Action: [...STS_ASSUME_ROLE_ACTIONS] };
  if (condition) statement.Condition = condition;
  return { Version: "2012-10-17", Statement: [statement] };
}

/** Lambda sets no source account on AssumeRole, so the function role has no condition. */
export function lambdaTrustPolicy(): TrustPolicy {
  return serviceTrustPolicy("lambda.amazonaws.com");
}

/** Firehose passes the account id as external id, so only this account's streams can use the role. */
export function firehoseTrustPolicy(accountId: string): TrustPolicy {
  return serviceTrustPolicy("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": accountId } });
}

/** Glue job roles, limited to jobs of this account. */
export function glueTrustPolicy(accountId: string): TrustPolicy {
  return serviceTrustPolicy("glue.amazonaws.com", { StringEquals: { "aws:SourceAccount": accountId } });
}
