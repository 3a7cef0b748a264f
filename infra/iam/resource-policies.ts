/**
 * Resource policies the components attach to what they create: the lake
 * bucket's TLS guard and the failure topic's publisher. Pure.
 */
import { S3_EVERY_ACTION, SNS_PUBLISH_ACTIONS } from "./actions";

/** Refuses every request on the bucket and its objects that is not made over TLS. */
export function denyInsecureTransportStatement(bucketArn: string): object {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: S3_EVERY_ACTION,
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

export function denyInsecureTransportPolicy(bucketArn: string): object {
  return { Version: "2012-10-17", Statement: [denyInsecureTransportStatement(bucketArn)] };
}

/** Lets the given EventBridge rules (and only them) publish to the topic: one rule, or each table's rule of a lake. */
export function topicPublishPolicy(topicArn: string, ruleArn: string | readonly string[]): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeJobFailures",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: SNS_PUBLISH_ACTIONS,
        Resource: topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ],
  };
}
