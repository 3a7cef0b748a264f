"""CloudWatch metrics of a compaction run (namespace DynamoDbLake, dimension TableName)."""
from __future__ import annotations

NAMESPACE = "DynamoDbLake"
_METRICS = (("files", "DeltaFiles", "Count"), ("records", "DeltaRecords", "Count"), ("applied", "ItemsApplied", "Count"),
            ("deleted", "ItemsDeleted", "Count"), ("quarantined", "FilesQuarantined", "Count"), ("bytes", "DeltaBytes", "Bytes"),
            # Files found by a sweep that landed beyond --lateness_hours: merged, but worth an alarm.
            ("late_files", "LateFiles", "Count"))


def metric_data(table_name: str, summary: dict) -> list[dict]:
    return [{"MetricName": name, "Dimensions": [{"Name": "TableName", "Value": table_name}],
             "Value": float(summary.get(field, 0)), "Unit": unit} for field, name, unit in _METRICS]


def put(table_name: str, summary: dict, region: str = "") -> None:
    import boto3

    boto3.client("cloudwatch", region_name=region or None).put_metric_data(
        Namespace=NAMESPACE, MetricData=metric_data(table_name, summary))
