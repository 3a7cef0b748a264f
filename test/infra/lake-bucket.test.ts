import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransportPolicy } from "../../infra/iam";
import { LakeBucket } from "../../infra/lake-bucket";
import {
  BucketChoiceError,
  checkBucketName,
  planLakeBucket,
  provideLakeBucket,
  type LakeBucketChoice,
} from "../../infra/lake-bucket-choice";
import { MockCloud, assertOnlyFailure, dependenciesOf, dependencyRecorder, nameOf, parseJson, previewFailures, settled, useMockCloud, valueOf } from "./pulumi-mocks";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

void describe("planLakeBucket", () => {
  const BOTH = "bucket: pass either existingBucketName (a bucket you already have) or create (a new bucket with safe defaults), not both";
  const NEITHER = "bucket: pass existingBucketName (a bucket you already have) or create (a new bucket with safe defaults; create: {} takes every default)";
  const rejected: [string, unknown, string][] = [
    ["both", { existingBucketName: "my-lake", create: {} }, BOTH],
    ["both, create with settings", { existingBucketName: "my-lake", create: { versioning: true } }, BOTH],
    ["neither (empty object)", {}, NEITHER],
    ["neither (undefined)", undefined, NEITHER],
    ["neither (null)", null, NEITHER],
    ["neither (a string)", "my-lake", NEITHER],
    ["neither (an array)", [], NEITHER],
    ["neither (both keys null)", { existingBucketName: null, create: null }, NEITHER],
    ["create not an object", { create: true }, "bucket.create must be an object of bucket settings (create: {} takes every default)"],
    ["create an array", { create: [] }, "bucket.create must be an object of bucket settings (create: {} takes every default)"],
    ["s3:// URI", { existingBucketName: "s3://my-lake/x/" }, 'bucket.existingBucketName: give the bucket name without s3:// ("my-lake")'],
    [
      "upper case",
      { existingBucketName: "My-Lake" },
      'bucket.existingBucketName: "My-Lake" is not a valid S3 bucket name (3 to 63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit, no "..", not an IP address)',
    ],
    [
      "bad created name",
      { create: { bucketName: "a" } },
      'bucket.create.bucketName: "a" is not a valid S3 bucket name (3 to 63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit, no "..", not an IP address)',
    ],
  ];
  for (const [label, choice, message] of rejected) {
    void it(`rejects ${label}`, () => {
      assert.throws(() => planLakeBucket(choice), (e: unknown) => e instanceof BucketChoiceError && e.message === message);
    });
  }

  void it("prefixes the message with where the choice came from", () => {
    assert.throws(() => planLakeBucket({}, "dynamodb-lake:bucket"), {
      message: "dynamodb-lake:bucket: pass existingBucketName (a bucket you already have) or create (a new bucket with safe defaults; create: {} takes every default)",
    });
  });

  void it("accepts exactly one choice", () => {
    assert.deepEqual(planLakeBucket({ existingBucketName: "my-lake" }), { kind: "existing", bucketName: "my-lake" });
    assert.deepEqual(planLakeBucket({ create: {} }), { kind: "create", args: {} });
    assert.deepEqual(planLakeBucket({ create: { versioning: true }, existingBucketName: undefined }), {
      kind: "create",
      args: { versioning: true },
    });
    const fromOutput = pulumi.output("my-lake");
    assert.deepEqual(planLakeBucket({ existingBucketName: fromOutput }), { kind: "existing", bucketName: fromOutput });
  });
});

void describe("checkBucketName", () => {
  for (const good of ["abc", "my-lake", "my.lake.2026", "a".repeat(63), "0lake9"]) {
    void it(`accepts ${good.slice(0, 20)}`, () => assert.doesNotThrow(() => checkBucketName(good, "b")));
  }
  for (const bad of ["ab", "a".repeat(64), "-lake", "lake-", "my_lake", "my..lake", "MyLake", ""]) {
    void it(`rejects ${JSON.stringify(bad.slice(0, 20))}`, () => assert.throws(() => checkBucketName(bad, "b"), BucketChoiceError));
  }
});

void describe("LakeBucket (Pulumi mocks)", () => {
  let cloud: MockCloud;
  beforeEach(async () => {
    cloud = await useMockCloud();
  });

  void it("creates a bucket with every protection and SSE-S3 by default", async () => {
    const lake = new LakeBucket("lake");
    await settled(lake);
    assert.equal(await valueOf(lake.bucketName), "lake-0a1b2c3");
    assert.equal(await valueOf(lake.bucketArn), "arn:aws:s3:::lake-0a1b2c3");
    assert.equal(await valueOf(lake.kmsKeyArn), undefined);

    const bucket = cloud.one("aws:s3/bucket:Bucket", "lake");
    assert.equal(bucket.inputs.forceDestroy, false);
    assert.equal(bucket.inputs.bucket, undefined);
    const id = "lake-id";
    assert.deepEqual(cloud.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "lake-public-access").inputs, {
      bucket: id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    assert.deepEqual(cloud.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "lake-ownership").inputs, {
      bucket: id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    assert.deepEqual(
      cloud.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "lake-encryption").inputs,
      { bucket: id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }] },
    );
    assert.deepEqual(cloud.one("aws:s3/bucketVersioning:BucketVersioning", "lake-versioning").inputs, {
      bucket: id,
      versioningConfiguration: { status: "Suspended" },
    });
    assert.deepEqual(cloud.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lake-lifecycle").inputs, {
      bucket: id,
      rules: [
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    });
    const policy = cloud.one("aws:s3/bucketPolicy:BucketPolicy", "lake-policy");
    assert.equal(policy.inputs.bucket, id);
    assert.deepEqual(parseJson(policy.inputs.policy), denyInsecureTransportPolicy("arn:aws:s3:::lake-0a1b2c3"));
  });

  void it("uses SSE-KMS with a bucket key, versioning with noncurrent expiry, and the given name and abort days", async () => {
    const lake = new LakeBucket("lake", {
      bucketName: "my-lake",
      kmsKeyArn: KEY,
      versioning: true,
      noncurrentVersionExpirationDays: 7,
      abortIncompleteMultipartUploadDays: 3,
      forceDestroy: true,
      tags: { team: "data" },
    });
    await settled(lake);
    assert.equal(await valueOf(lake.bucketName), "my-lake");
    assert.equal(await valueOf(lake.kmsKeyArn), KEY);
    const bucket = cloud.one("aws:s3/bucket:Bucket", "lake");
    assert.deepEqual(bucket.inputs, { bucket: "my-lake", forceDestroy: true, tags: { team: "data" } });
    assert.deepEqual(
      cloud.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "lake-encryption").inputs.rules,
      [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }],
    );
    assert.deepEqual(cloud.one("aws:s3/bucketVersioning:BucketVersioning", "lake-versioning").inputs.versioningConfiguration, {
      status: "Enabled",
    });
    assert.deepEqual(cloud.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lake-lifecycle").inputs.rules, [
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 3 } },
      { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 7 } },
    ]);
  });

  void it("orders the bucket policy after the public access block and ownership controls", async () => {
    const { transformation, dependsOn } = dependencyRecorder();
    const lake = new LakeBucket("lake", {}, { transformations: [transformation] });
    await settled(lake);
    assert.deepEqual(dependsOn.get("lake-policy"), ["lake-public-access", "lake-ownership"]);
  });

  void it("hands out the bucket name only once every protection is in place", async () => {
    const lake = new LakeBucket("lake");
    const name = valueOf(lake.bucketName);
    await settled(lake);
    await name;
    // The name output carries the configuration resources as dependencies, so users of it are created after them.
    const names = (await Promise.all((await dependenciesOf(lake.bucketName)).map(nameOf))).sort();
    assert.deepEqual(names, ["lake", "lake-encryption", "lake-lifecycle", "lake-policy", "lake-versioning"]);
  });

  void it("rejects abort days below 1 at preview", async () => {
    const failures = await previewFailures(async () => {
      const lake = new LakeBucket("lake", { abortIncompleteMultipartUploadDays: 0 });
      await assert.rejects(valueOf(lake.bucketName));
    });
    assertOnlyFailure(failures, "LakeBucket abortIncompleteMultipartUploadDays must be a whole number of days ≥ 1, got 0");
  });
});

void describe("provideLakeBucket (Pulumi mocks)", () => {
  let cloud: MockCloud;
  let root: pulumi.ComponentResource;
  beforeEach(async () => {
    cloud = await useMockCloud();
    cloud.buckets.add("existing-lake");
    root = new pulumi.ComponentResource("test:index:Root", "root");
  });

  void it("creates a LakeBucket for create", async () => {
    const ref = provideLakeBucket("lake", { create: { kmsKeyArn: KEY } }, root);
    assert.ok(ref.created instanceof LakeBucket);
    assert.equal(ref.kmsKeyArn, KEY);
    assert.equal(await valueOf(ref.bucketArn), "arn:aws:s3:::lake-0a1b2c3");
    assert.equal(cloud.invokes.length, 0);
  });

  void it("looks an existing bucket up, and fails at preview when it is missing", async () => {
    const ref = provideLakeBucket("lake", { existingBucketName: "existing-lake" }, root);
    assert.equal(ref.created, undefined);
    assert.equal(await valueOf(ref.bucketName), "existing-lake");
    assert.equal(await valueOf(ref.bucketArn), "arn:aws:s3:::existing-lake");
    assert.equal(cloud.ofType("aws:s3/bucket:Bucket").length, 0);

    const failures = await previewFailures(async () => {
      await assert.rejects(valueOf(provideLakeBucket("lake2", { existingBucketName: "missing-lake" }, root).bucketArn));
    });
    // The provider's own not-found error fails the preview (the mocks report it without its text).
    assert.ok(failures.length > 0);
    assert.deepEqual(cloud.invokes.at(-1), { token: "aws:s3/getBucket:getBucket", inputs: { bucket: "missing-lake" } });
  });

  void it("refuses both choices", () => {
    const both = { existingBucketName: "existing-lake", create: {} } as unknown as LakeBucketChoice;
    assert.throws(() => provideLakeBucket("lake", both, root), BucketChoiceError);
  });
});
