"""The snapshot horizon T: after a (re-)snapshot, deltas the snapshot already reflects (ts_ms + 1000 <= T)
are ignored, so an older surviving change cannot overwrite the exported value of a key whose latest change
was lost, nor resurrect an item whose REMOVE was lost; later deltas still apply; maintenance keeps T."""
import os
import time
from datetime import datetime

import maintenance
from dynamodb_lake import args as job_args
from dynamodb_lake import tables
from factories import GLUE_PATH, Lake, delta, item_text, key, seq40, write_deltas, write_export
from test_load_snapshot import epoch_ms

spark, warehouse = GLUE_PATH  # this module runs on GlueCatalog + S3FileIO (moto)

T1 = epoch_ms(datetime(2026, 11, 20, 10, 0))        # first snapshot
T2 = epoch_ms(datetime(2026, 11, 20, 11, 0))        # repair snapshot
T2_TEXT = "2026-11-20T11:00:00.000Z"


def tombstone_rows(spark, lake: Lake) -> dict[str, tuple[str, int]]:
    rows = spark.sql(f"SELECT `_key`, `_seq`, unix_millis(`_ts`) AS ts FROM {lake.current.replace('_current', '_tombstones')}")
    return {r["_key"]: (r["_seq"], r["ts"]) for r in rows.collect()}


def repaired_lake(spark, warehouse, database, tmp_path) -> Lake:
    """First snapshot at T1; changes up to T2 of which some were lost; a repair snapshot at T2."""
    lake = Lake(str(tmp_path), database, warehouse)
    write_export(str(tmp_path / "e1"), "one", [{"pk": {"S": "a"}, "v": {"N": "1"}}, {"pk": {"S": "keep"}}])
    lake.load(spark, str(tmp_path / "e1"))
    # Only the older changes survive in changes/: a's newer MODIFY (v=3) and d's REMOVE were lost.
    write_deltas(os.path.join(lake.changes, "dt=2026-11-20", "hour=10", "survivors.gz"), [
        delta(50, "MODIFY", "a", {"v": {"N": "2"}}, ts_ms=T1 + 10_000),
        delta(40, "INSERT", "d", {"v": {"S": "doomed"}}, ts_ms=T1 + 5_000),
    ])
    assert lake.compact(spark)["applied"] == 2  # after T1: applied on top of the first snapshot
    write_export(str(tmp_path / "e2"), "two", [{"pk": {"S": "a"}, "v": {"N": "3"}}, {"pk": {"S": "keep"}}], T2_TEXT)
    loaded = lake.load(spark, str(tmp_path / "e2"))
    assert (loaded["snapshot_ms"], loaded["horizon_ms"]) == (T2, T2)
    return lake


EXPORTED = {key("a"): ("0" * 40, item_text("a", {"v": {"N": "3"}})), key("keep"): ("0" * 40, item_text("keep", {}))}


def test_a_resnapshot_keeps_the_exported_value_when_the_latest_change_was_lost(spark, warehouse, database, tmp_path):
    lake = repaired_lake(spark, warehouse, database, tmp_path)
    result = lake.compact(spark)
    assert (result["files"], result["records"], result["before_snapshot"], result["applied"], result["deleted"]) == (
        1, 2, 2, 0, 0)
    # a keeps the export's v=3 (not the surviving v=2); d, inserted then removed (REMOVE lost), stays deleted.
    assert lake.items(spark) == EXPORTED
    assert tombstone_rows(spark, lake) == {"{}": ("0" * 40, T2)}  # no tombstone for skipped deltas


def test_deltas_after_the_horizon_apply_and_the_boundary_is_one_second(spark, warehouse, database, tmp_path):
    lake = repaired_lake(spark, warehouse, database, tmp_path)
    write_deltas(os.path.join(lake.changes, "dt=2026-11-20", "hour=11", "after.gz"), [
        delta(60, "MODIFY", "edge", {"v": {"S": "reflected"}}, ts_ms=T2 - 1000),  # second T2-1 s: in the export
        delta(61, "MODIFY", "inside", {"v": {"S": "maybe not"}}, ts_ms=T2 - 999),  # may be after T2: applied
        delta(62, "MODIFY", "a", {"v": {"N": "4"}}, ts_ms=T2 + 5_000),
        delta(63, "REMOVE", "keep", ts_ms=T2 + 6_000),
    ])
    result = lake.compact(spark)
    assert (result["records"], result["before_snapshot"], result["applied"], result["deleted"]) == (6, 3, 2, 1)
    assert lake.items(spark) == {key("a"): (seq40(62), item_text("a", {"v": {"N": "4"}})),
                                 key("inside"): (seq40(61), item_text("inside", {"v": {"S": "maybe not"}}))}
    assert tombstone_rows(spark, lake) == {"{}": ("0" * 40, T2), key("keep"): (seq40(63), T2 + 6_000)}


def test_the_horizon_survives_maintenance(spark, warehouse, database, tmp_path):
    lake = repaired_lake(spark, warehouse, database, tmp_path)
    lake.compact(spark)
    for n in range(3):  # the snapshot load's commit is expired once newer ledger-bearing commits exist
        write_deltas(os.path.join(lake.changes, f"more-{n}.gz"), [delta(70 + n, "MODIFY", "keep", {}, ts_ms=T2 + n)])
        lake.compact(spark)
    args = job_args.parse([*lake.common(), "--older_than_hours", "0", "--retain_last", "1",
                           "--tombstone_retention_hours", "0"], maintenance.SPECIFIC, "")
    time.sleep(0.01)
    maintenance.run(spark, args, say=lambda _l: None)
    loads = spark.sql(f"SELECT count(*) FROM {lake.current}.snapshots "
                      "WHERE summary['dynamodb-lake.ledger'] = 'none'").first()[0]
    assert loads == 0  # the commit of the snapshot load is gone …
    assert tables.ledger_pointer(spark, lake.current).restart_from_ms == T2  # … its horizon is not
    assert tombstone_rows(spark, lake) == {"{}": ("0" * 40, T2)}  # tombstone pruning kept the horizon row
    # A late file holding an old change of a: still recognised as reflected by the snapshot.
    write_deltas(os.path.join(lake.changes, "late.gz"), [delta(55, "MODIFY", "a", {"v": {"N": "9"}}, ts_ms=T1 + 20_000)])
    result = lake.compact(spark)
    assert (result["before_snapshot"], result["applied"]) == (1, 0)
    assert lake.items(spark)[key("a")] == EXPORTED[key("a")]


def test_the_first_snapshot_ignores_the_changes_it_already_holds(spark, warehouse, database, tmp_path):
    lake = Lake(str(tmp_path), database, warehouse)
    # Capture starts before the snapshot: changes/ holds changes the export already reflects.
    write_deltas(os.path.join(lake.changes, "early.gz"), [
        delta(10, "INSERT", "a", {"v": {"N": "1"}}, ts_ms=T1 - 60_000),
        delta(11, "MODIFY", "a", {"v": {"N": "2"}}, ts_ms=T1 - 30_000),
        delta(12, "INSERT", "x", {}, ts_ms=T1 - 20_000),
        delta(13, "REMOVE", "x", ts_ms=T1 - 10_000),
    ])
    write_export(str(tmp_path / "e1"), "one", [{"pk": {"S": "a"}, "v": {"N": "2"}}])
    lake.load(spark, str(tmp_path / "e1"))
    result = lake.compact(spark)
    assert (result["before_snapshot"], result["applied"], result["deleted"]) == (4, 0, 0)
    assert lake.items(spark) == {key("a"): ("0" * 40, item_text("a", {"v": {"N": "2"}}))}
    assert tombstone_rows(spark, lake) == {"{}": ("0" * 40, T1)}
