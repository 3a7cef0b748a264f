import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CaptureSummary } from "../../functions/stream-to-firehose/capture-batch";
import { METRICS_NAMESPACE, publishCaptureMetrics, type MetricSink } from "../../functions/stream-to-firehose/metrics";

class RecordingSink implements MetricSink {
  readonly calls: unknown[][] = [];
  addDimension(name: string, value: string): void {
    this.calls.push(["dimension", name, value]);
  }
  addMetric(name: string, unit: string, value: number): void {
    this.calls.push(["metric", name, unit, value]);
  }
  publishStoredMetrics(): void {
    this.calls.push(["publish"]);
  }
}

const summary: CaptureSummary = {
  records: 10,
  deliveredRecords: 9,
  deliveredBytes: 1234,
  calls: 3,
  retries: 2,
  failedEntries: 4,
  overflowRecords: 1,
  malformedRecords: 0,
  newestRecordAgeMs: 750,
  table: "orders",
  failure: { index: 9, reason: "time budget exhausted" },
};

void describe("publishCaptureMetrics", () => {
  void it("publishes every figure of the batch under the table dimension", () => {
    // Prepare
    const sink = new RecordingSink();
    // Act
    publishCaptureMetrics(sink, summary);
    // Assess
    assert.equal(METRICS_NAMESPACE, "DynamoDbLake");
    assert.deepEqual(sink.calls, [
      ["dimension", "table", "orders"],
      ["metric", "Records", "Count", 10],
      ["metric", "DeliveredRecords", "Count", 9],
      ["metric", "DeliveredBytes", "Bytes", 1234],
      ["metric", "PutRecordBatchCalls", "Count", 3],
      ["metric", "RetriedEntries", "Count", 2],
      ["metric", "FailedEntries", "Count", 4],
      ["metric", "OverflowRecords", "Count", 1],
      ["metric", "MalformedRecords", "Count", 0],
      ["metric", "BatchItemFailures", "Count", 1],
      ["metric", "NewestRecordAgeMs", "Milliseconds", 750],
      ["publish"],
    ]);
  });

  void it("leaves out the table and the age when no record could be read", () => {
    const sink = new RecordingSink();
    publishCaptureMetrics(sink, { ...summary, table: undefined, newestRecordAgeMs: undefined, failure: undefined });
    assert.deepEqual(sink.calls.map((c) => c[1]), [
      "Records", "DeliveredRecords", "DeliveredBytes", "PutRecordBatchCalls", "RetriedEntries",
      "FailedEntries", "OverflowRecords", "MalformedRecords", "BatchItemFailures", undefined,
    ]);
  });
});
