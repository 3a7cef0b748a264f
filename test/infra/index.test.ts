import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lake from "../../infra";

void describe("the package's exports", () => {
  void it("exports every component", () => {
    for (const name of [
      "DynamoDbLake",
      "LakeBucket",
      "TableCapture",
      "TableSnapshot",
      "TableCompaction",
      "GlueScripts",
      "LakeCatalog",
      "TableCatalog",
    ]) {
      assert.equal(typeof (lake as Record<string, unknown>)[name], "function", name);
    }
  });

  void it("exports the pure helpers and the policy generator", () => {
    for (const name of ["planLakeBucket", "parseTableIdentifier", "checkTableStream", "checkCaptureSetting", "readStackConfig", "lakeTableIds", "catalogName"]) {
      assert.equal(typeof (lake as Record<string, unknown>)[name], "function", name);
    }
    for (const name of [
      "captureFunctionPolicy",
      "firehoseDeliveryPolicy",
      "snapshotJobPolicy",
      "compactionJobPolicy",
      "athenaReaderPolicy",
      "lambdaTrustPolicy",
      "firehoseTrustPolicy",
      "glueTrustPolicy",
      "denyInsecureTransportPolicy",
      "topicPublishPolicy",
      "parseTableArnPattern",
      "PolicyInputError",
    ]) {
      assert.equal(typeof (lake.iam as Record<string, unknown>)[name], "function", `iam.${name}`);
    }
  });
});
