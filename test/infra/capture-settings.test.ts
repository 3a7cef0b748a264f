import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CAPTURE_DEFAULTS,
  CaptureSettingError,
  checkCaptureSetting,
  type CaptureSettingName,
} from "../../infra/capture-settings";

void describe("checkCaptureSetting", () => {
  // [setting, accepted values, rejected values, the allowed range as the message states it]
  const table: [CaptureSettingName, number[], number[], string][] = [
    ["batchSize", [1, 500, 10_000], [0, 10_001, 1.5, -1, NaN], "a whole number from 1 to 10000 (Lambda's DynamoDB Streams batch size limit)"],
    ["maximumBatchingWindowInSeconds", [0, 1, 300], [-1, 301, 0.5], "a whole number from 0 to 300 (Lambda's batching window limit)"],
    ["parallelizationFactor", [1, 10], [0, 11], "a whole number from 1 to 10 (Lambda's per-shard concurrency limit)"],
    ["maximumRetryAttempts", [-1, 0, 10, 10_000], [-2, 10_001], "a whole number from 0 to 10000 or -1 (-1 retries until the record expires)"],
    ["maximumRecordAgeInSeconds", [-1, 60, 21_600, 604_800], [0, 59, 604_801, -2], "a whole number from 60 to 604800 or -1 (-1 means no limit)"],
    ["functionMemorySize", [128, 10_240], [127, 10_241], "a whole number from 128 to 10240 (Lambda's memory range in MiB)"],
    ["functionTimeoutSeconds", [1, 900], [0, 901], "a whole number from 1 to 900 (Lambda's timeout range)"],
    ["logRetentionInDays", [1, 30, 3653], [2, 0, 4000], "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the values CloudWatch Logs accepts)"],
    ["bufferingIntervalSeconds", [0, 60, 900], [-1, 901], "a whole number from 0 to 900 (Firehose's buffering interval range)"],
    ["bufferingSizeMiB", [1, 64, 128], [0, 129], "a whole number from 1 to 128 (Firehose's buffering size range for S3)"],
    ["iteratorAgeAlarmThresholdSeconds", [1, 86_400], [0, 86_401], "a whole number from 1 to 86400 (the stream keeps records 24 h)"],
    ["deliveryFreshnessAlarmThresholdSeconds", [60, 86_400], [59, 86_401], "a whole number from 60 to 86400 (Firehose reports freshness per minute)"],
  ];
  for (const [name, accepted, rejected, allowed] of table) {
    void it(`${name}: accepts ${accepted.join(", ")}; rejects ${rejected.join(", ")}`, () => {
      for (const value of accepted) assert.equal(checkCaptureSetting(name, value), value);
      for (const value of rejected) {
        assert.throws(
          () => checkCaptureSetting(name, value),
          (e: unknown) => e instanceof CaptureSettingError && e.message === `${name} is ${JSON.stringify(value)}; it must be ${allowed}`,
        );
      }
    });
  }

  void it("accepts every default", () => {
    for (const [name, value] of Object.entries(CAPTURE_DEFAULTS)) {
      if (name === "deliveryFreshnessAlarmMarginSeconds") continue;
      assert.equal(checkCaptureSetting(name as CaptureSettingName, value), value);
    }
  });

  // That the README states these defaults is checked in readme-defaults.test.ts.
  void it("keeps a dead letter replayable and the iterator age alarm early", () => {
    // A record sent to the dead-letter queue at the default age still has time in the stream to be replayed.
    assert.ok(CAPTURE_DEFAULTS.maximumRecordAgeInSeconds < 24 * 3600);
    // The iterator age alarm fires long before records reach that age.
    assert.ok(CAPTURE_DEFAULTS.iteratorAgeAlarmThresholdSeconds * 4 <= CAPTURE_DEFAULTS.maximumRecordAgeInSeconds);
  });
});
