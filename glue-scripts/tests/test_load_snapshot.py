"""load_snapshot: the AWS export layout → exact rows of <t>_current; folders of exports; re-snapshot. On the
Glue catalog path (GlueCatalog + S3FileIO on moto), the exports in a folder."""
import os
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from dynamodb_lake import exports
from factories import GLUE_PATH, Lake, delta, write_deltas, write_export
from spark_assert import assertDataFrameEqual
from test_ddb_json import EVERY_TYPE, EVERY_TYPE_JSON, N38

spark, warehouse = GLUE_PATH  # this module runs on GlueCatalog + S3FileIO (moto)

DECLARED = '{"n38":"decimal(38,0)","t":"boolean","s":"string","price":"decimal(38,2)"}'
EXPORT_TIME = "2026-11-20T10:00:00.000Z"
EXPORT_DT = datetime(2026, 11, 20, 10, 0)  # the session time zone is UTC in tests (see conftest)


def epoch_ms(naive_utc: datetime) -> int:
    return int(naive_utc.replace(tzinfo=UTC).timestamp() * 1000)


def every_type_lake(tmp_path, database, warehouse):
    lake = Lake(str(tmp_path), database, warehouse, key_schema="pk:S,sk:N", declared=DECLARED)
    items = [{**EVERY_TYPE, "sk": {"N": N38}}, {"pk": {"S": "k2"}, "sk": {"N": "-7"}, "price": {"S": "cheap"}}]
    write_export(str(tmp_path / "exports" / "Orders"), "01763632800000-abcdef01", items, EXPORT_TIME)
    return lake


def test_hand_made_export_loads_every_type_exactly(spark, warehouse, database, tmp_path):
    lake = every_type_lake(tmp_path, database, warehouse)
    result = lake.load(spark, str(tmp_path / "exports" / "Orders"))
    assert (result["items"], result["export_items"], result["data_files"]) == (2, 2, 2)
    expected = spark.createDataFrame([
        ("k1", Decimal(N38), '{"pk":{"S":"k1"},"sk":{"N":"' + N38 + '"}}', EVERY_TYPE_JSON.replace('"ss":', f'"sk":{N38},"ss":'),
         "0" * 40, EXPORT_DT, Decimal(N38), 'héllo "q"', True, None),
        ("k2", Decimal(-7), '{"pk":{"S":"k2"},"sk":{"N":"-7"}}', '{"pk":"k2","price":"cheap","sk":-7}',
         "0" * 40, EXPORT_DT, None, None, None, None),
    ], "pk string, sk decimal(38,0), _key string, item_json string, _seq string, _ts timestamp, "
       "n38 decimal(38,0), s string, t boolean, price decimal(38,2)")
    actual = spark.table(lake.current)
    assert actual.columns == ["pk", "sk", "_key", "item", "item_json", "_seq", "_ts", "n38", "price", "s", "t"]
    assertDataFrameEqual(actual.select(*expected.columns), expected)
    items = {r["pk"]: r["item"] for r in actual.collect()}
    assert f'"n38":{{"N":"{N38}"}}' in items["k1"] and '"tiny":{"N":"-1E-130"}' in items["k1"]


def test_table_layout_is_bucketed_merge_on_read_and_sorted(spark, warehouse, database, tmp_path):
    lake = every_type_lake(tmp_path, database, warehouse)
    lake.load(spark, str(tmp_path / "exports" / "Orders"))
    props = {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {lake.current}").collect()}
    assert (props["format-version"], props["write.merge.mode"], props["write.update.mode"],
            props["write.delete.mode"]) == ("2", "merge-on-read", "merge-on-read", "merge-on-read")
    assert props["sort-order"] == "_key ASC NULLS FIRST"
    ddl = spark.sql(f"SHOW CREATE TABLE {lake.current}").first()[0]
    assert "CLUSTERED BY (_key)\nINTO 4 BUCKETS" in ddl  # how Spark prints Iceberg's bucket(4, _key)


def test_export_folder_picks_the_newest_completed_export(tmp_path):
    root = str(tmp_path / "exports" / "Orders")
    write_export(root, "old", [{"pk": {"S": "a"}}], "2026-11-01T00:00:00Z")
    newest = write_export(root, "new", [{"pk": {"S": "b"}}], "2026-11-02T00:00:00Z")
    in_progress = os.path.join(root, "AWSDynamoDB", "running", "data")
    os.makedirs(in_progress)
    open(os.path.join(in_progress, "part.json.gz"), "wb").close()
    found = exports.find_export(root)
    assert (found.directory, found.export_ms, found.item_count) == (newest, epoch_ms(datetime(2026, 11, 2)), 1)
    assert found.data_files == (os.path.join(newest, "data", "new-0000.json.gz"),
                                os.path.join(newest, "data", "new-0001.json.gz"))


def test_export_folder_without_a_completed_export_names_the_fix(tmp_path):
    os.makedirs(tmp_path / "AWSDynamoDB" / "x" / "data")
    (tmp_path / "AWSDynamoDB" / "x" / "data" / "a.json.gz").write_bytes(b"")
    with pytest.raises(ValueError, match="point --export_uri at one export directory"):
        exports.find_export(str(tmp_path))
    loaded = exports.find_export(str(tmp_path / "AWSDynamoDB" / "x"))
    assert (loaded.has_manifest, len(loaded.data_files)) == (False, 1)


def test_resnapshot_replaces_contents_and_applies_only_deltas_after_its_horizon(spark, warehouse, database, tmp_path):
    lake = Lake(str(tmp_path), database, warehouse)
    write_export(str(tmp_path / "e1"), "one", [{"pk": {"S": "a"}, "v": {"N": "1"}}, {"pk": {"S": "gone"}}])
    lake.load(spark, str(tmp_path / "e1"))
    t2 = epoch_ms(datetime(2026, 11, 20, 11, 0))
    write_deltas(os.path.join(lake.changes, "f1.gz"), [delta(50, "MODIFY", "a", {"v": {"N": "2"}}, ts_ms=t2 - 5000),
                                                       delta(60, "MODIFY", "b", {"v": {"N": "6"}}, ts_ms=t2 + 5000)])
    assert lake.compact(spark)["files"] == 1
    # A repair snapshot at t2 already holds a's change (and a newer one whose delta was lost): that change
    # is not applied again; b's change, made after t2, is.
    write_export(str(tmp_path / "e2"), "two", [{"pk": {"S": "a"}, "v": {"N": "3"}}, {"pk": {"S": "b"}}],
                 "2026-11-20T11:00:00.000Z")
    lake.load(spark, str(tmp_path / "e2"))
    summary = spark.sql(f"SELECT summary FROM {lake.current}.snapshots ORDER BY committed_at DESC LIMIT 1").first()[0]
    assert summary["dynamodb-lake.ledger"] == "none" and summary["dynamodb-lake.restart-from-ms"] == str(t2)
    assert sorted(lake.items(spark)) == ['{"pk":{"S":"a"}}', '{"pk":{"S":"b"}}']
    result = lake.compact(spark)
    assert (result["files"], result["before_snapshot"], result["applied"]) == (1, 1, 1)
    assert lake.items(spark) == {'{"pk":{"S":"a"}}': ("0" * 40, '{"pk":{"S":"a"},"v":{"N":"3"}}'),
                                 '{"pk":{"S":"b"}}': ("0" * 38 + "60", '{"pk":{"S":"b"},"v":{"N":"6"}}')}
