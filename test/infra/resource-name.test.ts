import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AUTONAME_SUFFIX_LENGTH, autoName, NAME_RULES, resourceName } from "../../infra/resource-name";

const T60 = "t".repeat(60);

void describe("resourceName", () => {
  const cases: [string, string[], number, string][] = [
    ["keeps a name that fits, exactly as it was", ["lake-orders", "function"], 56, "lake-orders-function"],
    ["keeps a name of exactly the limit", ["abcd", "efgh"], 9, "abcd-efgh"],
    ["keeps a single part that fits", ["dynamodb-lake-dev"], 55, "dynamodb-lake-dev"],
    ["cuts the leading parts, keeps the last whole, hash before it", ["dynamodb-lake-dev", T60, "function"], 56, "dynamodb-lake-dev-tttttttttttttttttttt-c90b809b-function"],
    ["one changed character far past the cut gives another hash", ["dynamodb-lake-dev", `${"t".repeat(59)}u`, "function"], 56, "dynamodb-lake-dev-tttttttttttttttttttt-a3634886-function"],
    ["cuts the whole name when the last part leaves no room", ["abc", "x".repeat(20)], 12, "abc-80aca645"],
    ["cuts a single long part", ["a".repeat(30)], 20, "aaaaaaaaaaa-3a54fc0c"],
    ["cuts across part boundaries", ["lake", "orders", "y".repeat(60)], 20, "lake-orders-7d0fb7b2"],
  ];
  for (const [what, parts, max, want] of cases) {
    void it(what, () => {
      const got = resourceName(parts, max);
      assert.equal(got, want);
      assert.ok(got.length <= max, `${got.length} > ${max}`);
      assert.equal(resourceName(parts, max), got, "stable");
    });
  }

  void it("fits every limit from the hash length up, for names of any length", () => {
    for (let max = 8; max <= 90; max++) {
      for (const parts of [["x".repeat(100)], ["lake", T60, "delivery-role"], ["a", "b", "c".repeat(max)]]) {
        const got = resourceName(parts, max);
        assert.ok(got.length <= max, `${JSON.stringify(parts)} at ${max}: ${got}`);
      }
    }
  });

  void it("rejects no parts and a limit below the hash length", () => {
    assert.throws(() => resourceName([], 10), { message: "resourceName needs at least one part" });
    assert.throws(() => resourceName(["a"], 7), { message: "resourceName: the limit must be a whole number of at least 8; got 7" });
  });
});

void describe("autoName", () => {
  void it("leaves room for Pulumi's random suffix under the service's limit", () => {
    const name = autoName(NAME_RULES.lambdaFunction, `dynamodb-lake-dev-${T60}`, "function");
    assert.equal(name, "dynamodb-lake-dev-tttttttttttttttttttt-c90b809b-function");
    assert.equal(name.length + AUTONAME_SUFFIX_LENGTH, 64);
    assert.equal(autoName(NAME_RULES.sqsQueue, "lake-orders", "dlq"), "lake-orders-dlq");
  });

  void it("replaces characters the service refuses and keeps names distinct with a hash", () => {
    assert.equal(autoName(NAME_RULES.lambdaFunction, "lake-orders.v2", "function"), "lake-orders-v2-a84e0619-function");
    assert.equal(autoName(NAME_RULES.lambdaFunction, "lake-orders-v2", "function"), "lake-orders-v2-function");
    // Roles accept "." as they are: unchanged.
    assert.equal(autoName(NAME_RULES.iamRole, "lake-orders.v2", "function-role"), "lake-orders.v2-function-role");
  });

  void it("shortens a bucket's name to S3's 63 characters", () => {
    const name = autoName(NAME_RULES.s3Bucket, `dynamodb-lake-${"s".repeat(50)}-bucket`);
    assert.equal(name, "dynamodb-lake-ssssssssssssssssssssssssssssssss-b91a9afc");
    assert.equal(name.length + AUTONAME_SUFFIX_LENGTH, 63);
  });
});
