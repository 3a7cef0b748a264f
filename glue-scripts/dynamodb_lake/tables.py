"""Iceberg DDL and metadata reads for <t>_current and <t>_tombstones (catalog `lake`)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import ddb_json
from .ledger import LEDGER_PROPERTY, RESTART_PROPERTY
from .schema import TableSchema, catalog_name

BUCKETS_PROPERTY = "dynamodb-lake.buckets"
# The <t>_tombstones row holding the snapshot horizon for the <t>_live view: "{}" is the canonical JSON
# of an empty key, which no real key is, so it never matches a delta or a row of <t>_current.
HORIZON_KEY = "{}"
# Merge-on-read: an update or delete writes small position-delete files next to the new rows instead of
# rewriting whole data files, so a compaction writes bytes in proportion to the keys it changes.
_TABLE_PROPERTIES = {
    "format-version": "2",
    "write.delete.mode": "merge-on-read",
    "write.update.mode": "merge-on-read",
    "write.merge.mode": "merge-on-read",
    "write.distribution-mode": "hash",
    "write.parquet.compression-codec": "zstd",
}


@dataclass(frozen=True)
class Names:
    current: str
    tombstones: str
    namespace: str


def names(database: str, table_name: str) -> Names:
    base = catalog_name(table_name)
    namespace = f"lake.{catalog_name(database)}"
    return Names(f"{namespace}.{base}_current", f"{namespace}.{base}_tombstones", namespace)


def quote(column: str) -> str:
    return f"`{column}`"


def exists(spark, table: str) -> bool:
    from pyspark.sql.utils import AnalysisException

    try:
        spark.table(table).schema  # noqa: B018 - resolving is the check
        return True
    except AnalysisException:
        return False


def _properties_sql(buckets: int) -> str:
    props = {**_TABLE_PROPERTIES, BUCKETS_PROPERTY: str(buckets)}
    return ", ".join(f"'{k}'='{v}'" for k, v in props.items())


def create_tables(spark, tables: Names, schema: TableSchema, buckets: int) -> None:
    """Creates both tables if absent: format 2, bucket(N, _key), merge-on-read, ordered by _key."""
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {tables.namespace}")
    columns = ", ".join(f"{quote(c)} {t}" for c, t in schema.columns())
    for table, cols in ((tables.current, columns), (tables.tombstones, "`_key` string, `_seq` string, `_ts` timestamp")):
        if not exists(spark, table):
            spark.sql(f"CREATE TABLE IF NOT EXISTS {table} ({cols}) USING iceberg "
                      f"PARTITIONED BY (bucket({buckets}, `_key`)) TBLPROPERTIES ({_properties_sql(buckets)})")
            spark.sql(f"ALTER TABLE {table} WRITE ORDERED BY `_key`")


def table_buckets(spark, table: str) -> int:
    rows = spark.sql(f"SHOW TBLPROPERTIES {table} ('{BUCKETS_PROPERTY}')").collect()
    value = rows[0][1] if rows else ""
    if not value.isdigit():
        raise ValueError(f"{table} has no {BUCKETS_PROPERTY} property: it was not created by load_snapshot")
    return int(value)


def add_declared_columns(spark, table: str, schema: TableSchema, fill_existing: bool = True) -> list[str]:
    """ALTER TABLE ADD COLUMNS for declared columns not yet in the table, then fills them for existing
    rows from `item` with the same function new rows use (ddb_json.declared_text): get_json_object on
    item_json would re-render numbers through a double."""
    from pyspark.sql.types import StringType

    present = {f.name for f in spark.table(table).schema.fields}
    added = [d for d in schema.declared if d.column not in present]
    if not added:
        return []
    spark.sql(f"ALTER TABLE {table} ADD COLUMNS ({', '.join(f'{quote(d.column)} {d.sql_type}' for d in added)})")
    if not fill_existing:  # the caller replaces every row next
        return [d.column for d in added]
    spark.udf.register(_DECLARED_TEXT_UDF, declared_text_of_item, StringType())
    sets = ", ".join(
        f"{quote(d.column)} = {declared_cast(f'{_DECLARED_TEXT_UDF}(item, {_sql_string(d.name)})', d.sql_type)}"
        for d in added)
    spark.sql(f"UPDATE {table} SET {sets}")
    return [d.column for d in added]


_DECLARED_TEXT_UDF = "dynamodb_lake_declared_text"


def declared_cast(text_sql: str, sql_type: str) -> str:
    """A declared column from its source text: a value that does not convert becomes NULL."""
    return text_sql if sql_type == "string" else f"try_cast({text_sql} AS {sql_type})"


def declared_text_of_item(item: str | None, name: str) -> str | None:
    """The declared column's source text from the DynamoDB JSON of an item (exact: no float anywhere)."""
    if item is None:
        return None
    try:
        return ddb_json.declared_text(json.loads(item), name)
    except (ValueError, ddb_json.ItemError):
        return None


def _sql_string(text: str) -> str:
    return "'" + _sql_text(text) + "'"


def _sql_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


@dataclass(frozen=True)
class LedgerPointer:
    current_snapshot: int | None
    ledger: str | None  # URI, "none" after a snapshot load, None when no commit carries one
    committed_ms: int | None
    restart_from_ms: int | None


def ledger_pointer(spark, table: str) -> LedgerPointer:
    """The newest ancestor of the current snapshot whose summary carries the ledger property."""
    rows = spark.sql(
        f"SELECT h.snapshot_id, s.summary['{LEDGER_PROPERTY}'] AS ledger, "
        f"s.summary['{RESTART_PROPERTY}'] AS restart, unix_millis(s.committed_at) AS committed "
        f"FROM {table}.history h JOIN {table}.snapshots s ON h.snapshot_id = s.snapshot_id "
        f"WHERE h.is_current_ancestor ORDER BY h.made_current_at DESC").collect()
    current = rows[0].snapshot_id if rows else None
    for row in rows:
        if row.ledger is not None:
            return LedgerPointer(current, row.ledger, row.committed, int(row.restart) if row.restart else None)
    return LedgerPointer(current, None, None, None)


def current_snapshot_id(spark, table: str) -> int | None:
    rows = spark.sql(f"SELECT snapshot_id FROM {table}.history WHERE is_current_ancestor "
                     f"ORDER BY made_current_at DESC LIMIT 1").collect()
    return rows[0].snapshot_id if rows else None


def snapshot_summary(spark, table: str, snapshot_id: int | None) -> dict[str, str]:
    """The summary of one snapshot; {} for a table without snapshots (snapshot_id None)."""
    if snapshot_id is None:
        return {}
    rows = spark.sql(f"SELECT summary FROM {table}.snapshots WHERE snapshot_id = {int(snapshot_id)}").collect()
    return dict(rows[0].summary) if rows else {}


def horizon_row_sql(tombstones: str, horizon_ms: int) -> str:
    """Replaces the horizon row of <t>_tombstones (_seq 0…0, _ts = T) in one commit."""
    return (f"MERGE INTO {tombstones} t USING (SELECT '{HORIZON_KEY}' AS `_key`, '{'0' * 40}' AS `_seq`, "
            f"timestamp_millis({int(horizon_ms)}) AS `_ts`) s ON t.`_key` = s.`_key` "
            "WHEN MATCHED THEN UPDATE SET t.`_seq` = s.`_seq`, t.`_ts` = s.`_ts` "
            "WHEN NOT MATCHED THEN INSERT (`_key`, `_seq`, `_ts`) VALUES (s.`_key`, s.`_seq`, s.`_ts`)")
