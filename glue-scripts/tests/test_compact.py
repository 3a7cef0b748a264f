"""compact: latest wins by padded seq, deletes and tombstones, quarantine, overflow, exactly-once; on the
Glue catalog path (GlueCatalog + S3FileIO on moto), the deltas in a folder."""
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

import compact
from conftest import glue_env
from dynamodb_lake import ledger, metrics, storage, tables
from factories import (
    GLUE_PATH,
    Lake,
    SimulatedKill,
    delta,
    item_text,
    key,
    kill_at,
    seq40,
    write_deltas,
    write_export,
    write_lines,
)

spark, warehouse = GLUE_PATH  # this module runs on GlueCatalog + S3FileIO (moto)

N38 = "98765432109876543210987654321098765432"
SHORT = "9" * 21            # a 21-digit SequenceNumber …
LONG = "1" + "0" * 39       # … loses to a 40-digit one that is numerically larger


def loaded_lake(spark, tmp_path, database, warehouse, items, **kw) -> Lake:
    lake = Lake(str(tmp_path), database, warehouse, **kw)
    write_export(str(tmp_path / "exports"), "base", items)
    lake.load(spark, str(tmp_path / "exports"))
    return lake


def hour(lake: Lake, day: str, hh: str, name: str) -> str:
    return os.path.join(lake.changes, f"dt=2026-11-{day}", f"hour={hh}", name)


def test_latest_wins_with_duplicates_reorders_deletes_reinserts_ttl_and_seq_widths(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse,
                       [{"pk": {"S": "ttl"}, "v": {"S": "base"}}, {"pk": {"S": "keep"}, "v": {"S": "base"}}])
    # The newer file is listed first by name order of nothing: changes for one key are spread over both.
    write_deltas(hour(lake, "20", "11", "b.gz"), [
        delta(30, "MODIFY", "a", {"v": {"N": N38}}),
        delta(20, "INSERT", "b", {"v": {"S": "b20"}}),                          # duplicate of a line in a.gz
        delta(26, "INSERT", "c", {"v": {"S": "again"}}),                        # re-insert after the delete
        delta(SHORT.rjust(40, "0"), "MODIFY", "w", {"v": {"S": "short"}}),
    ])
    write_deltas(hour(lake, "20", "10", "a"), [
        delta(10, "INSERT", "a", {"v": {"S": "a10"}}),
        delta(20, "INSERT", "b", {"v": {"S": "b20"}}),
        delta(24, "INSERT", "c", {"v": {"S": "first"}}),
        delta(25, "REMOVE", "c"),
        delta(40, "REMOVE", "ttl", ttl=True),
        delta(LONG, "MODIFY", "w", {"v": {"S": "long"}}),
    ], gz=False)
    result = lake.compact(spark)
    assert {k: result[k] for k in ("files", "records", "applied", "deleted", "quarantined")} == {
        "files": 2, "records": 10, "applied": 4, "deleted": 1, "quarantined": 0}
    expected = {
        key("a"): (seq40(30), item_text("a", {"v": {"N": N38}})),
        key("b"): (seq40(20), item_text("b", {"v": {"S": "b20"}})),
        key("c"): (seq40(26), item_text("c", {"v": {"S": "again"}})),
        key("w"): (LONG, item_text("w", {"v": {"S": "long"}})),
        key("keep"): ("0" * 40, item_text("keep", {"v": {"S": "base"}})),
    }
    assert lake.items(spark) == expected
    plain = {r["pk"]: r["item_json"] for r in spark.table(lake.current).collect()}
    assert plain["a"] == f'{{"pk":"a","v":{N38}}}'
    assert {r["_key"]: r["_seq"] for r in spark.table(lake.current.replace("_current", "_tombstones")).collect()} == {
        key("ttl"): seq40(40), "{}": "0" * 40}  # "{}": the snapshot horizon row

    # Re-delivered lines under a new name and a late file with an older name (within --lateness_hours of the
    # newest hour consumed, so this run's listing finds it): nothing goes back in time.
    write_deltas(hour(lake, "20", "12", "redelivery.gz"), [delta(20, "INSERT", "b", {"v": {"S": "b20"}}),
                                                           delta(10, "INSERT", "a", {"v": {"S": "a10"}})])
    write_deltas(hour(lake, "20", "09", "late.gz"), [delta(35, "INSERT", "ttl", {"v": {"S": "stale"}}),
                                                     delta(5, "MODIFY", "keep", {"v": {"S": "older"}}),
                                                     delta(50, "MODIFY", "keep", {"v": {"S": "newer"}})])
    result = lake.compact(spark)
    assert (result["files"], result["applied"], result["deleted"]) == (2, 1, 0)
    expected[key("keep")] = (seq40(50), item_text("keep", {"v": {"S": "newer"}}))
    assert lake.items(spark) == expected
    assert lake.compact(spark)["files"] == 0


def test_corrupt_files_are_quarantined_counted_and_their_good_lines_merged(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "x"}}])
    write_lines(hour(lake, "20", "10", "mixed.gz"), [
        json.dumps(delta(11, "INSERT", "good1", {})), "{broken", json.dumps({**delta(12, "INSERT", "bad", {}), "seq": "12"}),
        json.dumps(delta(13, "INSERT", "good2", {}))])
    bad_gzip = hour(lake, "20", "10", "bad.gz")
    bad_bytes = b"\x1f\x8b\x08\x00garbage-garbage"
    with open(bad_gzip, "wb") as handle:
        handle.write(bad_bytes)
    write_deltas(hour(lake, "20", "10", "fine.gz"), [delta(14, "REMOVE", "x")])
    result = lake.compact(spark)
    assert {k: result[k] for k in ("files", "records", "applied", "deleted", "quarantined")} == {
        "files": 3, "records": 3, "applied": 2, "deleted": 1, "quarantined": 2}
    assert sorted(lake.items(spark)) == [key("good1"), key("good2")]
    quarantine = tmp_path / "quarantine" / "Orders" / "dt=2026-11-20" / "hour=10"
    assert sorted(os.listdir(quarantine)) == ["bad.gz", "bad.gz.errors.json", "mixed.gz", "mixed.gz.errors.json"]
    report = json.loads((quarantine / "mixed.gz.errors.json").read_text())
    assert (report["records"], report["error_count"]) == (2, 2)
    assert report["errors"][0].startswith("line 2: not JSON") and "left-padded to 40 digits" in report["errors"][1]
    assert (quarantine / "bad.gz").read_bytes() == bad_bytes
    assert not os.path.exists(bad_gzip) and not os.path.exists(hour(lake, "20", "10", "mixed.gz"))  # moved
    assert os.path.exists(hour(lake, "20", "10", "fine.gz"))
    assert lake.compact(spark)["files"] == 0  # consumed: counted once, not quarantined again


def test_a_quarantine_cut_short_by_a_kill_is_finished_by_the_next_run(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "x"}}])
    mixed = hour(lake, "20", "10", "mixed.gz")
    write_lines(mixed, [json.dumps(delta(11, "INSERT", "good", {})), "{broken"])
    with pytest.raises(SimulatedKill):
        lake.compact(spark, fail=kill_at("before_commit"))
    assert os.path.exists(mixed)  # not committed yet: the rerun must still find the good line
    with pytest.raises(SimulatedKill):
        lake.compact(spark, fail=kill_at("after_commit"))
    quarantined = tmp_path / "quarantine" / "Orders" / "dt=2026-11-20" / "hour=10"
    assert sorted(os.listdir(quarantined)) == ["mixed.gz", "mixed.gz.errors.json"]
    assert os.path.exists(mixed)  # committed, original not yet deleted
    assert lake.compact(spark)["files"] == 0
    assert not os.path.exists(mixed)
    assert sorted(lake.items(spark)) == [key("good"), key("x")]
    assert lake.compact(spark)["files"] == 0  # the original already gone is fine


def test_overflow_records_and_declared_columns_that_appear_later(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "old"}, "price": {"N": "3.5"}}])
    whole = delta(60, "MODIFY", "big", {"blob": {"S": "z" * 300_000}, "price": {"N": "12.25"}})
    overflow = tmp_path / "overflow" / "Orders" / f"{seq40(60)}-ev.json"
    overflow.parent.mkdir(parents=True)
    overflow.write_text(json.dumps(whole))
    write_deltas(hour(lake, "20", "10", "o.gz"), [{**whole, "new_image": None, "overflow": f"file://{overflow}"}])
    lake.declared = '{"price":"decimal(38,2)"}'
    result = lake.compact(spark)
    assert (result["applied"], result["columns_added"]) == (1, ["price"])
    rows = {r["pk"]: (r["price"], r["item"]) for r in spark.table(lake.current).collect()}
    assert str(rows["big"][0]) == "12.25" and rows["big"][1] == item_text("big", whole["new_image"])
    assert str(rows["old"][0]) == "3.50"  # filled for rows that were already there


def test_a_compaction_changes_only_what_changed(spark, warehouse, database, tmp_path):
    items = [{"pk": {"S": f"k{i:04d}"}, "pad": {"S": "p" * 200}} for i in range(400)]
    lake = loaded_lake(spark, tmp_path, database, warehouse, items)
    before = spark.sql(f"SELECT count(*) FROM {lake.current}.files WHERE content = 0").first()[0]
    write_deltas(hour(lake, "20", "10", "two.gz"), [delta(70, "MODIFY", "k0001", {"v": {"N": "1"}}),
                                                    delta(71, "REMOVE", "k0002")])
    lake.compact(spark)
    snapshot = tables.current_snapshot_id(spark, lake.current)
    summary = tables.snapshot_summary(spark, lake.current, snapshot)
    buckets = set(spark.sql(f"SELECT lake.system.bucket(4, '{key('k0001')}'), "
                            f"lake.system.bucket(4, '{key('k0002')}')").first())
    assert (summary["added-records"], summary["added-position-deletes"]) == ("1", "2")
    assert "deleted-data-files" not in summary and "removed-delete-files" not in summary  # no file rewritten
    assert int(summary["changed-partition-count"]) == len(buckets)
    assert int(summary["added-files-size"]) < 12_000  # one tiny data file and its position deletes
    files = dict(spark.sql(f"SELECT content, count(*) FROM {lake.current}.files GROUP BY content").collect())
    assert files == {0: before + 1, 1: len(buckets)}  # one new data file, one position-delete file per bucket


def test_waits_for_the_snapshot_without_touching_anything(spark, warehouse, database, tmp_path):
    lake = Lake(str(tmp_path), database, warehouse)
    write_deltas(hour(lake, "20", "10", "early.gz"), [delta(1, "INSERT", "a", {})])
    assert lake.compact(spark) == {"job": "compact", "table": lake.current, "status": "waiting for the snapshot"}
    assert not os.path.exists(tmp_path / "_lake")


def test_killed_anywhere_then_rerun_neither_skips_nor_double_applies(spark, warehouse, database, tmp_path):
    points = ["after_ledger", "after_tombstones", "before_commit", "after_commit"]
    lake = loaded_lake(spark, tmp_path, database, warehouse,
                       [{"pk": {"S": f"{kind}{step}"}} for step in range(len(points)) for kind in "du"])
    ledgers = 1  # the snapshot load's commit
    for step, point in enumerate(points):
        base = 100 * (step + 1)
        d, u = f"d{step}", f"u{step}"
        write_deltas(hour(lake, "20", "11", f"{step}.gz"), [delta(base + 10, "REMOVE", d),
                                                           delta(base + 11, "MODIFY", u, {"n": {"N": "1"}})])
        with pytest.raises(SimulatedKill):
            lake.compact(spark, fail=kill_at(point))
        committed = point == "after_commit"
        ledgers += committed
        state = lake.items(spark)
        assert (key(d) in state, state[key(u)][0]) == ((False, seq40(base + 11)) if committed else (True, "0" * 40))
        # A late file with an older name lands before the rerun, and a re-delivered duplicate of the delete.
        write_deltas(hour(lake, "20", "09", f"{step}-late.gz"), [delta(base + 9, "INSERT", d, {"late": {"S": "x"}}),
                                                                delta(base + 12, "MODIFY", u, {"n": {"N": "2"}})])
        write_deltas(hour(lake, "20", "12", f"{step}-dup.gz"), [delta(base + 10, "REMOVE", d)])
        rerun = lake.compact(spark)
        ledgers += 1
        assert (point, rerun["files"]) == (point, 2 if committed else 3)
        state = lake.items(spark)
        assert key(d) not in state and state[key(u)] == (seq40(base + 12), item_text(u, {"n": {"N": "2"}}))
    history = spark.sql(f"SELECT summary['dynamodb-lake.ledger'] AS l FROM {lake.current}.snapshots "
                        "WHERE summary['dynamodb-lake.ledger'] IS NOT NULL ORDER BY committed_at").collect()
    assert len(history) == ledgers  # one commit per completed run: a killed run left no half-commit
    consumed = json.loads(pathlib.Path(history[-1].l).read_text())["consumed"]
    assert len(consumed) == 12 and sorted(os.path.basename(f) for f in consumed)[:3] == ["0-dup.gz", "0-late.gz", "0.gz"]


def test_the_command_line_job_dies_at_the_fault_point_and_reruns(spark, warehouse, database, tmp_path, moto_server):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "a"}}])
    write_deltas(hour(lake, "20", "10", "1.gz"), [delta(10, "MODIFY", "a", {"n": {"N": "1"}})])
    flags = [part for name, value in vars(lake.compact_args()).items() if value
             for part in (f"--{name}", str(value))]
    argv = [sys.executable, os.path.join(os.path.dirname(__file__), "..", "compact.py"), *flags]
    env = glue_env(moto_server, warehouse)
    killed = subprocess.run([*argv, "--fail_at", "after_commit", "--JOB_NAME", "ignored"], capture_output=True,
                            text=True, env=env)
    assert killed.returncode == 137 and "fault injection: exiting at after_commit" in killed.stdout
    rerun = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert (summary["job"], summary["files"]) == ("compact", 0)
    # Another process committed: drop this session's cached table metadata (it expires only after 30 s idle).
    spark.sql(f"REFRESH TABLE {lake.current}")
    assert lake.items(spark) == {key("a"): (seq40(10), item_text("a", {"n": {"N": "1"}}))}


def test_a_run_overtaken_by_another_compaction_refuses_to_commit(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "a"}}])
    write_deltas(hour(lake, "20", "10", "1.gz"), [delta(10, "MODIFY", "a", {"n": {"N": "1"}})])
    inner: list[dict] = []

    def another_compaction_meanwhile(point: str) -> None:
        if point == "after_tombstones":
            inner.append(lake.compact(spark))

    with pytest.raises(RuntimeError, match="another compaction or snapshot load committed"):
        lake.compact(spark, fail=another_compaction_meanwhile)
    assert inner[0]["files"] == 1 and lake.compact(spark)["files"] == 0
    assert lake.items(spark) == {key("a"): (seq40(10), item_text("a", {"n": {"N": "1"}}))}


def test_declared_columns_added_later_are_filled_exactly_for_existing_rows(spark, warehouse, database, tmp_path):
    big = "123456789012345678901234567890.25"  # 32 significant digits: a double keeps 17
    lake = loaded_lake(spark, tmp_path, database, warehouse, [
        {"pk": {"S": "n"}, "price": {"N": big}, "label": {"N": big}, "tags": {"M": {"x": {"N": big}}}},
        {"pk": {"S": "s"}, "price": {"S": "not a number"}, "label": {"BOOL": True}, "tags": {"NULL": True}}])
    write_deltas(hour(lake, "20", "10", "1.gz"), [delta(10, "INSERT", "new", {"price": {"N": big}})])
    lake.declared = '{"price":"decimal(38,2)","label":"string","tags":"string"}'
    assert lake.compact(spark)["columns_added"] == ["label", "price", "tags"]
    rows = {r["pk"]: (None if r["price"] is None else str(r["price"]), r["label"], r["tags"])
            for r in spark.table(lake.current).collect()}
    assert rows == {"n": (big, big, f'{{"x":{big}}}'), "s": (None, "true", None), "new": (big, None, None)}


def test_a_batch_that_changes_nothing_is_still_consumed_once(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "a"}}])
    write_deltas(hour(lake, "20", "10", "1.gz"), [delta(10, "MODIFY", "a", {"n": {"N": "1"}})])
    assert lake.compact(spark)["applied"] == 1
    write_deltas(hour(lake, "20", "10", "dup.gz"), [delta(10, "MODIFY", "a", {"n": {"N": "1"}})])
    write_lines(hour(lake, "20", "10", "corrupt"), ["{broken"], gz=False)
    result = lake.compact(spark)
    assert (result["files"], result["applied"], result["quarantined"]) == (2, 0, 1)
    assert lake.compact(spark)["files"] == 0  # neither re-read nor quarantined and counted again
    assert lake.items(spark) == {key("a"): (seq40(10), item_text("a", {"n": {"N": "1"}}))}


def test_a_missing_ledger_stops_the_run_and_names_the_fix(tmp_path):
    with pytest.raises(ValueError, match="is missing.*run load_snapshot again"):
        ledger.read(str(tmp_path / "_lake" / "ledger" / "gone.json"))
    assert ledger.read("none") is None and ledger.read(None) is None


def test_runs_list_a_window_and_a_sweep_merges_files_landing_beyond_it_once(spark, warehouse, database, tmp_path):
    lake = loaded_lake(spark, tmp_path, database, warehouse, [{"pk": {"S": "a"}}])
    now = time.time()

    def compact_at(hours_later: float, fail=lambda _point: None) -> dict:
        return compact.run(spark, lake.compact_args(), fail, say=lambda _line: None,
                           clock=lambda: now + hours_later * 3600)

    def landed(path: str, hours_ago: float) -> None:
        os.utime(path, (now - hours_ago * 3600,) * 2)

    history = [write_deltas(hour(lake, "20", f"{h:02d}", "h.gz"), [delta(10 + h, "MODIFY", f"h{h}", {})])
               for h in range(6, 12)]
    for h, path in zip(range(6, 12), history):
        landed(path, 48 - h)  # landed long ago, an hour apart
    first = compact_at(0)
    assert (first["swept"], first["files"], first["late_files"]) == (True, 6, 0)
    newest = ledger.read(tables.ledger_pointer(spark, lake.current).ledger)
    assert newest is not None
    # Long landed: covered by the sweep's closed mark; the ledger names only the window (from 11:00 - 3 h).
    assert (newest["window_start"], sorted(newest["consumed"])) == (
        "dt=2026-11-20/hour=08/", ["dt=2026-11-20/hour=08/h.gz", "dt=2026-11-20/hour=09/h.gz",
                                   "dt=2026-11-20/hour=10/h.gz", "dt=2026-11-20/hour=11/h.gz"])

    write_deltas(hour(lake, "20", "12", "new.gz"), [delta(30, "MODIFY", "a", {"v": {"S": "new"}})])
    write_deltas(hour(lake, "20", "09", "within.gz"), [delta(31, "MODIFY", "w", {})])
    beyond = write_deltas(hour(lake, "20", "05", "beyond.gz"), [delta(32, "MODIFY", "b", {})])
    second = compact_at(1)
    assert (second["swept"], second["files"], second["late_files"]) == (False, 2, 0)
    assert key("b") not in lake.items(spark)  # under a key before the window: left to the sweep
    assert compact_at(2)["files"] == 0

    with pytest.raises(SimulatedKill):
        compact_at(25, kill_at("before_commit"))
    swept = compact_at(25)
    assert (swept["swept"], swept["files"], swept["late_files"]) == (True, 1, 1)
    assert json.loads(pathlib.Path(swept["ledger"]).read_text())["late"] == [storage.relative(lake.changes, beyond)]
    assert metrics.metric_data("Orders", swept)[-1] == {
        "MetricName": "LateFiles", "Dimensions": [{"Name": "TableName", "Value": "Orders"}], "Value": 1.0,
        "Unit": "Count"}
    assert (compact_at(26)["files"], compact_at(50)["files"]) == (0, 0)  # merged once, by the sweep or not at all
    state = lake.items(spark)
    assert sorted(state) == sorted([key("a"), key("w"), key("b"), *(key(f"h{h}") for h in range(6, 12))])
    assert state[key("a")][0] == seq40(30)

    # A re-snapshot restarts the bookkeeping: the next run lists and reads every file again.
    write_export(str(tmp_path / "e2"), "two", [{"pk": {"S": "a"}, "v": {"S": "exported"}}], "2026-11-20T12:30:00.000Z")
    lake.load(spark, str(tmp_path / "e2"))
    restarted = compact_at(51)
    assert (restarted["swept"], restarted["files"], restarted["late_files"]) == (True, 9, 0)
    assert restarted["before_snapshot"] == 9  # every change is older than the new snapshot's horizon
    assert lake.items(spark) == {key("a"): ("0" * 40, item_text("a", {"v": {"S": "exported"}}))}
    assert compact_at(52)["files"] == 0
