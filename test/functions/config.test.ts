import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCaptureConfig } from "../../functions/stream-to-firehose/config";

void describe("readCaptureConfig", () => {
  void it("reads the three variables", () => {
    // Prepare
    const env = { DELIVERY_STREAM_NAME: "orders-changes", OVERFLOW_BUCKET: "my-lake", OVERFLOW_PREFIX: "overflow/" };
    // Act
    const config = readCaptureConfig(env);
    // Assess
    assert.deepEqual(config, { deliveryStreamName: "orders-changes", overflowBucket: "my-lake", overflowPrefix: "overflow/" });
  });

  void it("fails fast naming every missing variable and the fix", () => {
    assert.throws(
      () => readCaptureConfig({}),
      {
        message:
          "stream-to-firehose is misconfigured:\n" +
          "- DELIVERY_STREAM_NAME is not set: set it to the name of the Firehose delivery stream that writes changes/<table>/\n" +
          "- OVERFLOW_BUCKET is not set: set it to the lake bucket name that receives records over 1000 KiB\n" +
          '- OVERFLOW_PREFIX is not set: set it to the key prefix for oversize records, e.g. "overflow/"',
      },
    );
  });

  void it("rejects an ARN, an s3:// URI and a prefix without a trailing slash", () => {
    const env = {
      DELIVERY_STREAM_NAME: "arn:aws:firehose:us-east-1:123456789012:deliverystream/x",
      OVERFLOW_BUCKET: "s3://my-lake",
      OVERFLOW_PREFIX: "overflow",
    };
    assert.throws(() => readCaptureConfig(env), (error: Error) =>
      /give the name, not the ARN/.test(error.message) &&
      /without s3:\/\//.test(error.message) &&
      /must end with "\/"/.test(error.message),
    );
  });

  void it("accepts an empty prefix (objects at <table>/ in the bucket root)", () => {
    assert.equal(readCaptureConfig({ DELIVERY_STREAM_NAME: "s", OVERFLOW_BUCKET: "abc", OVERFLOW_PREFIX: "" }).overflowPrefix, "");
  });
});
