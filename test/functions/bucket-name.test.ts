import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isBucketName } from "../../functions/shared/bucket-name";

void describe("isBucketName", () => {
  void it("accepts general purpose bucket names", () => {
    for (const name of ["abc", "my-lake", "lake.example.com", "a1b", "0lake9", "a".repeat(63)]) assert.equal(isBucketName(name), true, name);
  });

  void it("refuses what S3 refuses, and URIs or paths", () => {
    for (const name of ["ab", "a".repeat(64), "My-Lake", "-lake", "lake-", ".lake", "lake.", "la..ke", "la.-ke", "la-.ke", "192.168.5.4", "lake_1", "s3://lake", "lake/x", ""]) {
      assert.equal(isBucketName(name), false, name);
    }
  });
});
