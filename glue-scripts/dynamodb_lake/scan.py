"""Parallel Scan with a read-capacity cap: the `--mode scan` source of load_snapshot and `--scan true` of reconcile.

The low-level boto3 client is used on purpose and its items are never deserialized to Python numbers:
DynamoDB JSON keeps numbers as strings, so all 38 digits survive (binary comes back as bytes and is
turned back into base64 text). Connectors that convert items to Spark/DynamicFrame rows
go through doubles (or fixed decimals) and silently round large or very precise numbers.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

from . import ddb_json, storage
from .aws_clients import dynamodb_client

# On-demand tables have no provisioned RCU; the table's default maximum (what Glue's DynamoDB connector
# assumes too) is used unless the table sets OnDemandThroughput.MaxReadRequestUnits.
ON_DEMAND_READ_UNITS = 40000.0


def read_capacity(description: dict) -> float:
    provisioned = float(description.get("ProvisionedThroughput", {}).get("ReadCapacityUnits") or 0)
    if provisioned > 0:
        return provisioned
    on_demand = float(description.get("OnDemandThroughput", {}).get("MaxReadRequestUnits") or 0)
    return on_demand if on_demand > 0 else ON_DEMAND_READ_UNITS


def pause_needed(consumed_units: float, elapsed_s: float, units_per_s: float) -> float:
    """Seconds to wait so that consumed_units over the run stays at or under units_per_s."""
    if units_per_s <= 0:
        return 0.0
    return max(0.0, consumed_units / units_per_s - elapsed_s)


def scan_segment(table: str, segment: int, total: int, units_per_s: float, region: str = "") -> Iterator[dict]:
    client = dynamodb_client(region)
    request = {"TableName": table, "Segment": segment, "TotalSegments": total, "ReturnConsumedCapacity": "TOTAL"}
    started, consumed = time.monotonic(), 0.0
    while True:
        page = client.scan(**request)
        yield from (ddb_json.from_client(item) for item in page.get("Items", []))
        # An emulator may not report capacity: count 1 unit per 4 KB read then, like eventually consistent scans.
        consumed += float(page.get("ConsumedCapacity", {}).get("CapacityUnits") or max(1, page.get("ScannedCount", 0)) / 2)
        time.sleep(pause_needed(consumed, time.monotonic() - started, units_per_s))
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def scan_items(spark, table: str, read_percent: float, segments: int, region: str = ""):
    """Every item of the table (its name, or its ARN: a table in another account is named by ARN), scanned on
    the executors in parallel segments that together use at most read_percent of its read capacity:
    (RDD of DynamoDB JSON items, the scan's start in epoch ms, segments).
    segments 0 means 4 per core. A change made before the start is in the scan (later ones may be too)."""
    description = dynamodb_client(region).describe_table(TableName=table)["Table"]
    total = segments or 4 * spark.sparkContext.defaultParallelism
    per_segment = read_capacity(description) * read_percent / total
    started_ms, env = int(time.time() * 1000), storage.driver_env()

    def segment_items(segment: int) -> Iterator[dict]:
        storage.use_env(env)
        yield from scan_segment(table, segment, total, per_segment, region)

    return spark.sparkContext.parallelize(range(total), total).flatMap(segment_items), started_ms, total
