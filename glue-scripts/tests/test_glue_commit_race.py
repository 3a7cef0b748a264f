"""Two Iceberg commits racing on one table through GlueCatalog: on the project's moto server (Glue's
VersionId check) both land, Iceberg retrying the one Glue refused; on plain moto one silently vanishes.
Each server holds an UpdateTable until a second one arrives (--pair-glue-updates), so both commits read the
same table version before either lands: the race happens every run, not by luck. (The compaction's
"another job committed" guard on this path: test_compact, which runs on GlueCatalog.)"""
import threading

import pytest

from conftest import glue_session
from moto_server import MotoServer, client

PAIR_SECONDS = "4"


def racing_server(spark, *options: str):
    server = MotoServer("--pair-glue-updates", PAIR_SECONDS, *options)
    client(server, "s3").create_bucket(Bucket="race")
    return server, glue_session(spark, server, "s3://race/warehouse/")


@pytest.fixture(scope="module")
def checked(local_spark):
    server, session = racing_server(local_spark)
    yield session
    server.stop()


@pytest.fixture(scope="module")
def plain(local_spark):
    server, session = racing_server(local_spark, "--plain-glue-updates")
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
    location = checked.sql(f"DESCRIBE TABLE EXTENDED {table}").where("col_name = 'Location'").first().data_type
    assert location.startswith("s3://race/warehouse/race.db/checked")  # the deployed warehouse layout
    history = snapshots(checked, table)
    assert len(history) == 2 and history[1][1] == history[0][0]  # the retried commit is built on the other


def test_without_the_version_check_one_of_two_racing_commits_is_lost(plain):
    table = "lake.race.plain"
    assert race_two_inserts(plain, table) == []  # both commits "succeeded" …
    plain.sql(f"REFRESH TABLE {table}")
    assert len(plain.table(table).collect()) == 1  # … and one of them is gone
    assert len(snapshots(plain, table)) == 1

