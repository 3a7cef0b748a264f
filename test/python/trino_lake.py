"""Puts a `Lake` (live_view_harness) into the moto Glue catalog and S3 the way production holds it, for Trino:

- the database, `<t>_changes` and `<t>_live` from the Glue inputs the components create (infra/, printed by
  live_view_sql.ts), through Glue CreateDatabase/CreateTable;
- `<t>_current` and `<t>_tombstones` as Iceberg tables (format 2, bucket(16, _key)) with the columns the jobs
  create (dynamodb_lake.schema), made and filled through Trino's iceberg connector;
- the deltas as gzip JSON lines under changes/<table>/dt=…/hour=…/ as Firehose writes them.
"""
from __future__ import annotations

import gzip
import json
import re
import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import boto3

from dynamodb_lake.schema import table_schema
from live_view_harness import Lake, q
from trino_server import ICEBERG_CATALOG, TrinoServer

ICEBERG_BUCKETS = 16
_SPARK_TO_TRINO = {"string": "varchar", "binary": "varbinary", "int": "integer", "float": "real",
                   "timestamp": "timestamp(6)"}
_DELTA_FIELDS = ("v", "table", "op", "seq", "ts_ms", "event_id", "ttl_delete", "keys", "new_image", "old_image", "overflow")
_JSON_TEXT_FIELDS = ("keys", "new_image", "old_image")
_PLAIN = re.compile(r"[\x20-\x7e]")


def trino_type(spark_type: str) -> str:
    return _SPARK_TO_TRINO.get(spark_type, spark_type)


def sql_literal(value, trino: str) -> str:
    """An exact SQL literal of `value` as the Trino type `trino` (strings as U&'' so any character fits)."""
    if value is None:
        return f"CAST(NULL AS {trino})"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'" if value else "X''"
    if isinstance(value, datetime):
        return f"CAST(TIMESTAMP '{value.isoformat(sep=' ', timespec='microseconds')}' AS {trino})"
    if isinstance(value, (int, Decimal)):
        return f"CAST('{value}' AS {trino})"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    text = "".join(ch if _PLAIN.match(ch) and ch not in "\\'" else ("''" if ch == "'" else _unicode_escape(ch))
                   for ch in value)
    return f"CAST(U&'{text}' AS {trino})"


def _unicode_escape(ch: str) -> str:
    code = ord(ch)
    return f"\\{code:04X}" if code <= 0xFFFF else f"\\+{code:06X}"


def key_schema(spec: dict) -> str:
    """The jobs' --key_schema argument for a spec's keys (name:type[:columnType])."""
    return ",".join(":".join([k["name"], k["type"], *([k["columnType"]] if "columnType" in k else [])]) for k in spec["keys"])


class TrinoLake:
    """Creates lakes in the moto account Trino reads; each lake in its own Glue database."""

    def __init__(self, trino: TrinoServer, aws_url: str, bucket: str):
        self.trino = trino
        kw = {"endpoint_url": aws_url, "region_name": trino.aws.region, "aws_access_key_id": trino.aws.access_key,
              "aws_secret_access_key": trino.aws.secret_key}
        self.glue = boto3.client("glue", **kw)
        self.s3 = boto3.client("s3", **kw)
        self.bucket = bucket
        if bucket not in [b["Name"] for b in self.s3.list_buckets()["Buckets"]]:
            self.s3.create_bucket(Bucket=bucket)

    def create(self, spec: dict, definition: dict, lake: Lake) -> None:
        glue = definition["glue"]
        assert lake.database == glue["database"]["Name"] == spec["database"]
        self.glue.create_database(DatabaseInput=glue["database"])
        self._iceberg_tables(spec, lake)
        self._deltas(glue["changes"], lake.changes)
        for table in (glue["changes"], glue["live"]):
            self.glue.create_table(DatabaseName=lake.database, TableInput=table)

    def _iceberg_tables(self, spec: dict, lake: Lake) -> None:
        schema = table_schema(key_schema(spec), json.dumps(spec["declaredColumns"]))
        current = [(column, trino_type(spark)) for column, spark in schema.columns()]
        tombstones = [("_key", "varchar"), ("_seq", "varchar"), ("_ts", "timestamp(6)")]
        for name, columns, rows in ((f"{lake.table}_current", current, lake.current),
                                    (f"{lake.table}_tombstones", tombstones, lake.tombstones)):
            table = f"{ICEBERG_CATALOG}.{q(lake.database)}.{q(name)}"
            ddl = ", ".join(f"{q(column)} {trino}" for column, trino in columns)
            # Where the jobs' GlueCatalog puts it: the database has no location, so <warehouse><db>.db/<table>/.
            location = f"s3://{self.bucket}/warehouse/{lake.database}.db/{name}"
            self.trino.query(f"CREATE TABLE {table} ({ddl}) WITH (format_version = 2, location = '{location}', "
                             f"partitioning = ARRAY['bucket(_key, {ICEBERG_BUCKETS})'])")
            if rows:
                values = ",\n".join("(" + ", ".join(sql_literal(row.get(column), trino) for column, trino in columns) + ")"
                                    for row in rows)
                self.trino.query(f"INSERT INTO {table} VALUES\n{values}")

    def _deltas(self, changes_table: dict, changes: list[dict]) -> None:
        """One gzip object per dt/hour partition, JSON lines; a row without `seq` and `op` is a corrupt line."""
        location = changes_table["StorageDescriptor"]["Location"]
        prefix = location.removeprefix(f"s3://{self.bucket}/")
        assert prefix != location, f"{location} is not in bucket {self.bucket}"
        partitions: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in changes:
            partitions[(row["dt"], row["hour"])].append(delta_line(row))
        for (dt, hour), lines in partitions.items():
            stamp = f"{dt}-{hour}-00-00"
            key = f"{prefix}dt={dt}/hour={hour}/lake-delivery-1-{stamp}-{uuid.uuid4()}.gz"
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=gzip.compress("".join(f"{line}\n" for line in lines).encode()))


def delta_line(row: dict) -> str:
    """A `<t>_changes` row (nested objects as JSON text, as the SerDe hands them over) back as the delta record line."""
    if set(row) <= {"dt", "hour"}:
        return '{"v": 1, "op": "MODIFY", "seq": '  # cut off mid-record: what the SerDe cannot parse
    record = {}
    for field in _DELTA_FIELDS:
        value = row.get(field)
        record[field] = json.loads(value) if field in _JSON_TEXT_FIELDS and value is not None else value
    return json.dumps(record, ensure_ascii=False)
