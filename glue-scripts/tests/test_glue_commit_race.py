"""Two Iceberg commits racing on one table through GlueCatalog: on the project's moto server (Glue's
VersionId check) both land, Iceberg retrying the one Glue refused; on plain moto one silently vanishes.
Each server holds an UpdateTable until a second one arrives (--pair-glue-updates), so both commits read the
same table version before either lands: the race happens every run, not by luck. Also the compaction's
"another job committed" guard, on the Glue path."""
import threading

import pytest

from conftest import glue_session
from factories import Lake, delta, item_text, key, seq40, write_deltas, write_export
from moto_server import MotoServer, client

PAIR_SECONDS = "4"


def racing_server(spark, *options: str):
    server = MotoServer("--pair-glue-updates", PAIR_SECONDS, *options)
    client(server, "s3").create_bucket(Bucket="race")
    return server, glue_session(spark, server, "s3://race/warehouse/")


@pytest.fixture(scope="module")
def checked(spark):
    server, session = racing_server(spark)
    yield session
    server.stop()


@pytest.fixture(scope="module")
def plain(spark):
    server, session = racing_server(spark, "--plain-glue-updates")
    yield session
    server.stop()


def race_two_inserts(session, table: str) -> list[BaseException]:
    session.sql("CREATE NAMESPACE IF NOT EXISTS lake.race")
    session.sql(f"CREATE TABLE {table} (id int) USING iceberg TBLPROPERTIES ('format-version'='2')")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def insert(n: int) -> None:
        start.wait()
        try:
            session.sql(f"INSERT INTO {table} VALUES ({n})")
        except BaseException as err:  # noqa: BLE001 - reported by the test
            errors.append(err)

    threads = [threading.Thread(target=insert, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def snapshots(session, table: str) -> list[tuple[int, int | None]]:
    return [(r.snapshot_id, r.parent_id) for r in
            session.sql(f"SELECT snapshot_id, parent_id FROM {table}.snapshots ORDER BY committed_at").collect()]


def test_two_racing_commits_both_land_with_the_version_check(checked):
    table = "lake.race.checked"
    assert race_two_inserts(checked, table) == []
    checked.sql(f"REFRESH TABLE {table}")
    assert sorted(r.id for r in checked.table(table).collect()) == [1, 2]
    history = snapshots(checked, table)
    assert len(history) == 2 and history[1][1] == history[0][0]  # the retried commit is built on the other


def test_without_the_version_check_one_of_two_racing_commits_is_lost(plain):
    table = "lake.race.plain"
    assert race_two_inserts(plain, table) == []  # both commits "succeeded" …
    plain.sql(f"REFRESH TABLE {table}")
    assert len(plain.table(table).collect()) == 1  # … and one of them is gone
    assert len(snapshots(plain, table)) == 1


def test_a_compaction_overtaken_by_another_refuses_to_commit_on_the_glue_path(glue_spark, glue_warehouse, database,
                                                                               tmp_path):
    lake = Lake(str(tmp_path), database, glue_warehouse)
    write_export(str(tmp_path / "exports"), "base", [{"pk": {"S": "a"}}])
    lake.load(glue_spark, str(tmp_path / "exports"))
    write_deltas(str(tmp_path / "changes" / "Orders" / "1.gz"), [delta(10, "MODIFY", "a", {"n": {"N": "1"}})])
    inner: list[dict] = []

    def another_compaction_meanwhile(point: str) -> None:
        if point == "after_tombstones":
            inner.append(lake.compact(glue_spark))

    with pytest.raises(RuntimeError, match="another compaction or snapshot load committed"):
        lake.compact(glue_spark, fail=another_compaction_meanwhile)
    assert inner[0]["files"] == 1 and lake.compact(glue_spark)["files"] == 0
    assert lake.items(glue_spark) == {key("a"): (seq40(10), item_text("a", {"n": {"N": "1"}}))}
    location = glue_spark.sql(f"DESCRIBE TABLE EXTENDED {lake.current}").where("col_name = 'Location'").first()
    assert location.data_type.startswith(f"{glue_warehouse}{database}.db/orders_current")
