/** The batch summary as CloudWatch metrics (namespace DynamoDbLake), through Powertools' EMF output. */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { CaptureSummary } from "./capture-batch";

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export const METRICS_NAMESPACE = "DynamoDbLake";

/** The part of Powertools' Metrics this module uses. */
export interface MetricSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: Unit, value: number): unknown;
  publishStoredMetrics(): unknown;
}

export function publishCaptureMetrics(sink: MetricSink, summary: CaptureSummary): void {
  if (summary.table !== undefined) sink.addDimension("table", summary.table);
  sink.addMetric("Records", MetricUnit.Count, summary.records);
  sink.addMetric("DeliveredRecords", MetricUnit.Count, summary.deliveredRecords);
  sink.addMetric("DeliveredBytes", MetricUnit.Bytes, summary.deliveredBytes);
  sink.addMetric("PutRecordBatchCalls", MetricUnit.Count, summary.calls);
  sink.addMetric("RetriedEntries", MetricUnit.Count, summary.retries);
  sink.addMetric("FailedEntries", MetricUnit.Count, summary.failedEntries);
  sink.addMetric("OverflowRecords", MetricUnit.Count, summary.overflowRecords);
  sink.addMetric("MalformedRecords", MetricUnit.Count, summary.malformedRecords);
  sink.addMetric("BatchItemFailures", MetricUnit.Count, summary.failure === undefined ? 0 : 1);
  if (summary.newestRecordAgeMs !== undefined) {
    sink.addMetric("NewestRecordAgeMs", MetricUnit.Milliseconds, summary.newestRecordAgeMs);
  }
  sink.publishStoredMetrics();
}
