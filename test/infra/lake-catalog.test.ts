import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkBytesScannedCutoff, LakeCatalog } from "../../infra/lake-catalog";
import { useLakeMockCloud } from "./lake-mocks";
import { assertOnlyFailure, previewFailures, settled, valueOf } from "./pulumi-mocks";

const DATABASE = "aws:glue/catalogDatabase:CatalogDatabase";
const WORKGROUP = "aws:athena/workgroup:Workgroup";

void describe("LakeCatalog", () => {
  void it("creates the lake's Glue database and an enforced, encrypted, capped Athena workgroup", async () => {
    const cloud = await useLakeMockCloud();
    const catalog = new LakeCatalog("Prod-Lake", { bucket: "lake-bucket" });
    await settled(catalog);

    assert.deepEqual(cloud.one(DATABASE, "Prod-Lake-database").inputs, {
      name: "prod_lake",
      description: "dynamodb-lake: current views (Iceberg), change logs and live views of DynamoDB tables",
    });
    assert.deepEqual(cloud.one(WORKGROUP, "Prod-Lake-workgroup").inputs, {
      name: "Prod-Lake",
      description: "dynamodb-lake queries",
      forceDestroy: true,
      state: "ENABLED",
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10737418240,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: "s3://lake-bucket/athena-results/",
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    });
    assert.equal(await valueOf(catalog.databaseName), "prod_lake");
    assert.equal(await valueOf(catalog.workgroupName), "Prod-Lake");
    assert.equal(await valueOf(catalog.resultsUri), "s3://lake-bucket/athena-results/");
  });

  void it("takes names, a cutoff, a results KMS key and tags", async () => {
    const cloud = await useLakeMockCloud();
    const key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const catalog = new LakeCatalog("lake", {
      bucket: "b-1",
      databaseName: "analytics",
      workgroupName: "analysts",
      bytesScannedCutoffPerQuery: 100_000_000,
      resultsKmsKeyArn: key,
      forceDestroyWorkgroup: false,
      tags: { team: "data" },
    });
    await settled(catalog);
    assert.equal(cloud.one(DATABASE, "lake-database").inputs.name, "analytics");
    assert.deepEqual(cloud.one(DATABASE, "lake-database").inputs.tags, { team: "data" });
    const wg = cloud.one(WORKGROUP, "lake-workgroup").inputs as { name: string; forceDestroy: boolean; tags: unknown; configuration: Record<string, unknown> };
    assert.equal(wg.name, "analysts");
    assert.equal(wg.forceDestroy, false);
    assert.deepEqual(wg.tags, { team: "data" });
    assert.equal(wg.configuration.bytesScannedCutoffPerQuery, 100_000_000);
    assert.deepEqual(wg.configuration.resultConfiguration, {
      outputLocation: "s3://b-1/athena-results/",
      encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: key },
    });
  });

  void it("fails the preview on a cutoff Athena would refuse", async () => {
    await useLakeMockCloud();
    const failures = await previewFailures(async () => {
      const catalog = new LakeCatalog("tiny-cutoff", { bucket: "b-1", bytesScannedCutoffPerQuery: 1024 });
      await valueOf(catalog.databaseName);
    });
    assertOnlyFailure(failures, "bytesScannedCutoffPerQuery must be a whole number of bytes of at least 10000000 (10 MB); got 1024");
  });
});

void describe("checkBytesScannedCutoff", () => {
  void it("accepts whole byte counts from 10 MB up", () => {
    assert.equal(checkBytesScannedCutoff(10_000_000), 10_000_000);
    assert.equal(checkBytesScannedCutoff(2 ** 40), 2 ** 40);
  });
  void it("rejects smaller or fractional counts", () => {
    assert.throws(() => checkBytesScannedCutoff(9_999_999), { message: "bytesScannedCutoffPerQuery must be a whole number of bytes of at least 10000000 (10 MB); got 9999999" });
    assert.throws(() => checkBytesScannedCutoff(10_000_000.5), /got 10000000.5$/);
  });
});
