/**
 * The trust and resource policies the components attach: exact documents, and
 * the bucket's TLS guard proven with the policy engine.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { denyInsecureTransportPolicy, firehoseTrustPolicy, glueTrustPolicy, lambdaTrustPolicy, topicPublishPolicy } from "../../infra/iam";
import { ROLE_ACCOUNT } from "./simulate";

/** A trust policy that lets one service assume the role, under `condition` where given. */
function trustFor(service: string, condition?: Record<string, Record<string, string>>): unknown {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"], ...(condition && { Condition: condition }) }] };
}

void describe("trust policies", () => {
  const cases: [string, () => unknown, unknown][] = [
    ["lets only Lambda assume the function role", () => lambdaTrustPolicy(), trustFor("lambda.amazonaws.com")],
    [
      "lets only this account's Firehose streams assume the delivery role",
      () => firehoseTrustPolicy("123456789012"),
      trustFor("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": "123456789012" } }),
    ],
    [
      "lets only Glue, acting for this account, assume a job role",
      () => glueTrustPolicy("111122223333"),
      trustFor("glue.amazonaws.com", { StringEquals: { "aws:SourceAccount": "111122223333" } }),
    ],
  ];
  for (const [title, policy, expected] of cases) void it(title, () => assert.deepStrictEqual(policy(), expected));
});

void describe("resource policies", () => {
  void it("lets only the failure rule publish to the topic", () => {
    const topic = "arn:aws:sns:us-west-2:123456789012:lake-alarms";
    const rule = "arn:aws:events:us-west-2:123456789012:rule/orders-job-failed";
    assert.deepEqual(topicPublishPolicy(topic, rule), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgeJobFailures",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["sns:Publish"],
          Resource: topic,
          Condition: { ArnEquals: { "aws:SourceArn": rule } },
        },
      ],
    });
  });

  void it("denies every non-TLS request on the bucket and its objects", () => {
    assert.deepEqual(denyInsecureTransportPolicy("arn:aws:s3:::lake"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::lake", "arn:aws:s3:::lake/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  void it("makes the policy engine refuse a request over plain HTTP that the caller's own policy allows", async () => {
    // Prepare: a role of the bucket's account allowed to read and list everything in the lake
    const identity = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::lake", "arn:aws:s3:::lake/*"] }],
    };
    const decide = async (action: string, resource: string, secure: "true" | "false"): Promise<string> => {
      const response = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${ROLE_ACCOUNT}:role/reader`,
            action,
            resource: { resource, accountId: ROLE_ACCOUNT },
            contextVariables: { "aws:SecureTransport": secure },
          },
          identityPolicies: [{ name: "reader", policy: identity }],
          resourcePolicy: denyInsecureTransportPolicy("arn:aws:s3:::lake"),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      assert.equal(response.resultType, "single", JSON.stringify(response));
      return response.resultType === "single" ? response.result.analysis.result : "error";
    };
    // Act + Assess
    assert.deepEqual(
      [
        await decide("s3:GetObject", "arn:aws:s3:::lake/changes/orders/x", "true"),
        await decide("s3:GetObject", "arn:aws:s3:::lake/changes/orders/x", "false"),
        await decide("s3:ListBucket", "arn:aws:s3:::lake", "true"),
        await decide("s3:ListBucket", "arn:aws:s3:::lake", "false"),
      ],
      ["Allowed", "ExplicitlyDenied", "Allowed", "ExplicitlyDenied"],
    );
  });
});
