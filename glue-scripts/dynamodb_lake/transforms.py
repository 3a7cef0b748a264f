"""Pure DataFrame → DataFrame steps and the SQL statements of the compaction."""
from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import BinaryType, LongType, StringType, StructField, StructType

from .schema import TableSchema
from .tables import declared_cast, quote


def raw_struct(schema: TableSchema) -> StructType:
    """Spark schema of records.raw_row tuples."""
    fields = [StructField(k.column, BinaryType() if k.dynamo_type == "B" else StringType()) for k in schema.keys]
    fields += [StructField(c, StringType()) for c in ("_key", "item", "item_json")]
    fields += [StructField(d.column, StringType()) for d in schema.declared]
    fields += [StructField("_seq", StringType(), False), StructField("_ts_ms", LongType(), False),
               StructField("_op", StringType(), False), StructField("_event_id", StringType())]
    return StructType(fields)


def to_current_columns(raw: DataFrame, schema: TableSchema, keep_op: bool = False) -> DataFrame:
    """Raw rows → the table's typed columns; a declared value that does not convert becomes NULL."""
    cols = []
    for k in schema.keys:
        if k.dynamo_type == "N" and k.sql_type != "string":
            cols.append(F.expr(f"try_cast({quote(k.column)} AS {k.sql_type})").alias(k.column))
        else:
            cols.append(F.col(quote(k.column)))
    cols += [F.col("_key"), F.col("item"), F.col("item_json"), F.col("_seq"),
             F.expr("timestamp_millis(_ts_ms)").alias("_ts")]
    for d in schema.declared:
        cols.append(F.expr(declared_cast(quote(d.column), d.sql_type)).alias(d.column))
    if keep_op:
        cols.append(F.col("_op"))
    return raw.select(*cols)


def latest_per_key(raw: DataFrame) -> DataFrame:
    """One row per _key: the greatest 40-digit _seq wins (string order = numeric order at equal width);
    rows with equal _seq are duplicates of one stream record, so any one of them may stand."""
    order = Window.partitionBy("_key").orderBy(F.col("_seq").desc(), F.col("_event_id").asc_nulls_last(),
                                                 F.col("_op").asc())
    return raw.withColumn("_rank", F.row_number().over(order)).where("_rank = 1").drop("_rank")


# ApproximateCreationDateTime is whole seconds, rounded down: a change stamped ts_ms happened before ts_ms + 1000.
ROUNDING_MS = 1000


def reflected_by_snapshot(horizon_ms: int) -> str:
    """The snapshot-horizon rule, the one definition the compaction uses (the live view in infra/views states
    the same): a snapshot with horizon T already reflects a change stamped ts_ms when ts_ms + 1000 <= T."""
    return f"`_ts_ms` + {ROUNDING_MS} <= {int(horizon_ms)}"


def after_horizon(raw: DataFrame, horizon_ms: int | None) -> tuple[DataFrame, DataFrame | None]:
    """Raw rows → (rows the snapshot does not reflect, the ones it does); all of them without a snapshot."""
    if horizon_ms is None:
        return raw, None
    reflected = reflected_by_snapshot(horizon_ms)
    return raw.where(f"NOT ({reflected})"), raw.where(reflected)


def touched_buckets_sql(batch_view: str, buckets: int) -> str:
    """The buckets a batch touches, and whether any of its rows there is a delete."""
    return (f"SELECT lake.system.bucket({int(buckets)}, `_key`) AS b, max(`_op` = 'D') AS d "
            f"FROM {batch_view} GROUP BY 1")


def change_counts_sql(source_view: str, target: str, predicate: str) -> str:
    """How many upserts and deletes of the batch will change the target (the MERGE's own condition)."""
    return ("SELECT count_if(s.`_op` = 'U' AND (t.`_seq` IS NULL OR s.`_seq` > t.`_seq`)) AS applied, "
            "count_if(s.`_op` = 'D' AND s.`_seq` > t.`_seq`) AS deleted "
            f"FROM {source_view} s LEFT JOIN {target} t ON t.`_key` = s.`_key`{predicate}")


def bucket_predicate(alias: str, buckets: int, bucket_ids: list[int]) -> str:
    """Limits the target scan to the buckets the batch touches (pushed down to Iceberg file pruning)."""
    if not bucket_ids or len(bucket_ids) >= buckets:
        return ""
    return f" AND lake.system.bucket({buckets}, {alias}.`_key`) IN ({', '.join(str(b) for b in sorted(bucket_ids))})"


def applicable_sql(batch_view: str, tombstones: str, predicate: str) -> str:
    """Batch rows that may apply: deletes always (they only remove older rows); upserts only when newer
    than the key's tombstone, so a late duplicate of an older change cannot resurrect a deleted item."""
    return (f"SELECT c.* FROM {batch_view} c LEFT JOIN {tombstones} tb ON c.`_key` = tb.`_key`{predicate} "
            "WHERE c.`_op` = 'D' OR tb.`_seq` IS NULL OR c.`_seq` > tb.`_seq`")


def merge_current_sql(target: str, source_view: str, columns: list[str], predicate: str) -> str:
    """Applies a change only when its _seq is greater than the row's: idempotent and order-free."""
    sets = ", ".join(f"t.{quote(c)} = s.{quote(c)}" for c in columns)
    cols = ", ".join(quote(c) for c in columns)
    values = ", ".join(f"s.{quote(c)}" for c in columns)
    return (f"MERGE INTO {target} t USING {source_view} s ON t.`_key` = s.`_key`{predicate} "
            "WHEN MATCHED AND s.`_seq` > t.`_seq` AND s.`_op` = 'D' THEN DELETE "
            f"WHEN MATCHED AND s.`_seq` > t.`_seq` THEN UPDATE SET {sets} "
            f"WHEN NOT MATCHED AND s.`_op` = 'U' THEN INSERT ({cols}) VALUES ({values})")


def merge_tombstones_sql(target: str, batch_view: str, predicate: str) -> str:
    """Keeps the greatest delete _seq per key; re-running it changes nothing."""
    return (f"MERGE INTO {target} t USING (SELECT `_key`, `_seq`, `_ts` FROM {batch_view} WHERE `_op` = 'D') s "
            f"ON t.`_key` = s.`_key`{predicate} "
            "WHEN MATCHED AND s.`_seq` > t.`_seq` THEN UPDATE SET t.`_seq` = s.`_seq`, t.`_ts` = s.`_ts` "
            "WHEN NOT MATCHED THEN INSERT (`_key`, `_seq`, `_ts`) VALUES (s.`_key`, s.`_seq`, s.`_ts`)")
