"""The compaction's pure steps on tiny DataFrames: exact rows in, exact rows out."""
import datetime
from decimal import Decimal

from pyspark.sql import Row

from dynamodb_lake.schema import table_schema
from dynamodb_lake.transforms import (
    ROUNDING_MS,
    after_horizon,
    applicable_sql,
    bucket_predicate,
    latest_per_key,
    raw_struct,
    reflected_by_snapshot,
    to_current_columns,
)
from spark_assert import assertDataFrameEqual

SCHEMA = table_schema("pk:S,sk:N", '{"price":"decimal(38,2)"}')
T = 1_795_176_000_000


def raw(spark, *rows: tuple):
    """Rows of records.raw_row's shape: (pk, sk, _key, item, item_json, price, _seq, _ts_ms, _op, _event_id)."""
    return spark.createDataFrame(list(rows), raw_struct(SCHEMA))


def change(pk: str, seq: int, op: str = "U", *, ts_ms: int = T, event: str | None = None, price: str | None = None,
           sk: str = "1") -> tuple:
    key = f'{{"pk":{{"S":"{pk}"}},"sk":{{"N":"{sk}"}}}}'
    return (pk, sk, key, f"item-{pk}-{seq}", f"json-{pk}-{seq}", price, str(seq).rjust(40, "0"), ts_ms, op,
            event or f"ev{seq}")


def test_latest_per_key_keeps_the_greatest_seq_and_one_of_equal_duplicates(spark):
    rows = raw(spark, change("a", 1), change("a", 3, "D"), change("a", 2), change("b", 5, event="y"),
               change("b", 5, event="x"), change("c", 9, sk="2"), change("c", 8))
    assertDataFrameEqual(latest_per_key(rows), raw(spark, change("a", 3, "D"), change("b", 5, event="x"),
                                                   change("c", 9, sk="2"), change("c", 8)))


def test_after_horizon_splits_at_ts_plus_the_rounding(spark):
    rows = raw(spark, change("edge", 1, ts_ms=T - ROUNDING_MS), change("inside", 2, ts_ms=T - ROUNDING_MS + 1),
               change("later", 3, ts_ms=T + 5))
    kept, reflected = after_horizon(rows, T)
    assertDataFrameEqual(kept, raw(spark, change("inside", 2, ts_ms=T - ROUNDING_MS + 1), change("later", 3, ts_ms=T + 5)))
    assertDataFrameEqual(reflected, raw(spark, change("edge", 1, ts_ms=T - ROUNDING_MS)))
    assert after_horizon(rows, None) == (rows, None)
    assert reflected_by_snapshot(T) == f"`_ts_ms` + 1000 <= {T}"


def test_current_columns_are_typed_and_a_bad_declared_value_is_null(spark):
    rows = raw(spark, change("a", 1, price="12.25", sk="7"), change("b", 2, "D", price="not a number"))
    expected = spark.createDataFrame([
        Row(pk="a", sk=Decimal(7), _key='{"pk":{"S":"a"},"sk":{"N":"7"}}', item="item-a-1", item_json="json-a-1",
            _seq="1".rjust(40, "0"), _ts=datetime.datetime(2026, 11, 20, 12, 0), price=Decimal("12.25"), _op="U"),
        Row(pk="b", sk=Decimal(1), _key='{"pk":{"S":"b"},"sk":{"N":"1"}}', item="item-b-2", item_json="json-b-2",
            _seq="2".rjust(40, "0"), _ts=datetime.datetime(2026, 11, 20, 12, 0), price=None, _op="D"),
    ], "pk string, sk decimal(38,0), _key string, item string, item_json string, _seq string, _ts timestamp, "
       "price decimal(38,2), _op string")
    assertDataFrameEqual(to_current_columns(rows, SCHEMA, keep_op=True), expected)
    assertDataFrameEqual(to_current_columns(rows, SCHEMA), expected.drop("_op"))


def test_applicable_rows_skip_upserts_not_newer_than_the_keys_tombstone(spark):
    batch = raw(spark, change("old", 4), change("new", 9), change("free", 1), change("del", 2, "D"))
    batch.createOrReplaceTempView("t_batch")
    spark.createDataFrame([(r[2], str(n).rjust(40, "0")) for r, n in ((change("old", 0), 5), (change("new", 0), 5),
                                                                      (change("del", 0), 7))],
                          "`_key` string, `_seq` string").createOrReplaceTempView("t_tombstones")
    assertDataFrameEqual(spark.sql(applicable_sql("t_batch", "t_tombstones", "")),
                         raw(spark, change("new", 9), change("free", 1), change("del", 2, "D")))


def test_bucket_predicate_prunes_only_when_the_batch_misses_some_buckets():
    assert bucket_predicate("t", 4, [3, 1]) == " AND lake.system.bucket(4, t.`_key`) IN (1, 3)"
    assert bucket_predicate("t", 4, [0, 1, 2, 3]) == "" and bucket_predicate("t", 4, []) == ""
