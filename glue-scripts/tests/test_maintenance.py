"""maintenance: compacts files and deletes, expires snapshots but keeps the ledger, removes orphans,
prunes tombstones past retention, deletes unreferenced ledger objects; the table's items never change. On the
Glue catalog path (GlueCatalog + S3FileIO on moto), except orphan removal."""
import os
import time

import pytest

import maintenance
from dynamodb_lake import args as job_args
from dynamodb_lake import tables
from factories import GLUE_PATH, Lake, SimulatedKill, delta, key, kill_at, write_deltas, write_export

spark, warehouse = GLUE_PATH  # this module runs on GlueCatalog + S3FileIO (moto)


def test_maintenance_keeps_items_and_bookkeeping(spark, warehouse, database, tmp_path):
    lake = Lake(str(tmp_path), database, warehouse)
    write_export(str(tmp_path / "exports"), "base", [{"pk": {"S": f"k{i}"}} for i in range(20)])
    lake.load(spark, str(tmp_path / "exports"))
    write_deltas(os.path.join(lake.changes, "1.gz"), [delta(10, "REMOVE", "k1"), delta(11, "MODIFY", "k2", {})])
    lake.compact(spark)
    write_deltas(os.path.join(lake.changes, "2.gz"), [delta(20, "REMOVE", "k3"), delta(21, "MODIFY", "k4", {})])
    with pytest.raises(SimulatedKill):
        lake.compact(spark, fail=kill_at("after_ledger"))
    lake.compact(spark)
    items = lake.items(spark)
    ledger_dir = tmp_path / "_lake" / "Orders" / "ledger"
    assert len(os.listdir(ledger_dir)) == 3  # two committed, one from the killed run
    for name in os.listdir(ledger_dir):
        os.utime(ledger_dir / name, (time.time() - 48 * 3600,) * 2)
    in_flight = ledger_dir / "9999999999999-running.json"  # a compaction that has not committed yet
    in_flight.write_text("{}")
    snapshots_before = spark.sql(f"SELECT count(*) FROM {lake.current}.snapshots").first()[0]
    ledger_before = tables.ledger_pointer(spark, lake.current)
    deletes_before = int(tables.snapshot_summary(spark, lake.current, ledger_before.current_snapshot)["total-position-deletes"])

    args = job_args.parse([*lake.common(), "--older_than_hours", "0", "--retain_last", "1", "--tombstone_retention_hours", "0",
                           "--delete_file_threshold", "1", "--state_uri", str(tmp_path / "_lake" / "Orders")],
                          maintenance.SPECIFIC, "")
    result = maintenance.run(spark, args, say=lambda _l: None)

    assert lake.items(spark) == items
    # Every tombstone is past retention; the snapshot horizon row (_key "{}") is kept.
    tombstones = spark.table(lake.current.replace("_current", "_tombstones")).collect()
    assert result["tombstones_pruned"] == 2 and [(r["_key"], r["_seq"]) for r in tombstones] == [("{}", "0" * 40)]
    # Only the newest ledger is needed: the killed run's and the first run's objects go; a fresh one stays.
    assert result["ledgers_deleted"] == 2 and len(os.listdir(ledger_dir)) == 2 and in_flight.exists()
    assert result[lake.current]["orphans_removed"] == 0  # nothing on moto S3 is a day old
    assert result[lake.current]["rewritten_data_files"] > 0
    kept = spark.sql(f"SELECT summary['dynamodb-lake.ledger'] AS l FROM {lake.current}.snapshots").collect()
    assert [r.l for r in kept if r.l] == [ledger_before.ledger]  # older ones expired, the ledger's kept
    assert len(kept) < snapshots_before + 2
    assert tables.ledger_pointer(spark, lake.current).ledger == ledger_before.ledger
    summary = tables.snapshot_summary(spark, lake.current, tables.current_snapshot_id(spark, lake.current))
    assert int(summary["total-position-deletes"]) < deletes_before == 4  # deletes folded into rewritten files
    assert lake.compact(spark)["files"] == 0  # the ledger survived: nothing is applied twice
    write_deltas(os.path.join(lake.changes, "3.gz"), [delta(30, "REMOVE", "k5")])
    assert lake.compact(spark)["deleted"] == 1 and key("k5") not in lake.items(spark)


# On the folder catalog: orphans must be 24 h old, and objects on (moto) S3 cannot be backdated.
def test_maintenance_removes_orphan_files_a_day_old(local_spark, local_warehouse, database, tmp_path):
    lake = Lake(str(tmp_path), database, local_warehouse)
    write_export(str(tmp_path / "exports"), "base", [{"pk": {"S": f"k{i}"}} for i in range(3)])
    lake.load(local_spark, str(tmp_path / "exports"))
    items = lake.items(local_spark)
    data = os.path.join(local_warehouse, database, "orders_current", "data")
    orphan, fresh = os.path.join(data, "orphan.parquet"), os.path.join(data, "fresh.parquet")
    for path in (orphan, fresh):
        open(path, "wb").close()
    two_days_ago = time.time() - 48 * 3600
    os.utime(orphan, (two_days_ago, two_days_ago))  # orphans need 24 h at least, whatever --older_than_hours says
    args = job_args.parse([*lake.common(), "--older_than_hours", "0"], maintenance.SPECIFIC, "")
    result = maintenance.run(local_spark, args, say=lambda _l: None)
    assert result[lake.current]["orphans_removed"] == 1 and not os.path.exists(orphan) and os.path.exists(fresh)
    assert lake.items(local_spark) == items
