"""Snapshot by parallel Scan with a read-capacity cap (the `--mode scan` path of load_snapshot).

The low-level boto3 client is used on purpose and its items are never deserialized to Python numbers:
DynamoDB JSON keeps numbers as strings, so all 38 digits survive (binary comes back as bytes and is
turned back into base64 text). Connectors that convert items to Spark/DynamicFrame rows
go through doubles (or fixed decimals) and silently round large or very precise numbers.
"""
from __future__ import annotations

import os
import time
from typing import Iterator

from . import ddb_json

# On-demand tables have no provisioned RCU; the table's default maximum (what Glue's DynamoDB connector
# assumes too) is used unless the table sets OnDemandThroughput.MaxReadRequestUnits.
ON_DEMAND_READ_UNITS = 40000.0


def dynamodb_client(region: str = ""):
    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL") or None
    return boto3.client("dynamodb", region_name=region or None, endpoint_url=endpoint)


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


def scan_segment(table_name: str, segment: int, total: int, units_per_s: float, region: str = "") -> Iterator[dict]:
    client = dynamodb_client(region)
    request = {"TableName": table_name, "Segment": segment, "TotalSegments": total, "ReturnConsumedCapacity": "TOTAL"}
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
