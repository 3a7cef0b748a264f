"""local/emulator/moto_server.py: Glue's UpdateTable checks VersionId like Glue does (moto alone does not)."""
import threading

import pytest

from moto_server import MotoServer, client


@pytest.fixture(scope="module")
def plain_server():
    server = MotoServer("--plain-glue-updates")
    yield server
    server.stop()


def new_table(glue, database: str) -> str:
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput={"Name": "t", "Parameters": {"n": "0"}})
    return glue.get_table(DatabaseName=database, Name="t")["Table"]["VersionId"]


def update(glue, database: str, n: int, version: str | None):
    extra = {} if version is None else {"VersionId": version}
    return glue.update_table(DatabaseName=database, TableInput={"Name": "t", "Parameters": {"n": str(n)}}, **extra)


def state(glue, database: str) -> tuple[str, str]:
    table = glue.get_table(DatabaseName=database, Name="t")["Table"]
    return table["Parameters"]["n"], table["VersionId"]


def test_a_fresh_version_updates_a_stale_one_is_refused(moto_server):
    glue = client(moto_server, "glue")
    first = new_table(glue, "lock_fresh_stale")
    update(glue, "lock_fresh_stale", 1, first)
    second = state(glue, "lock_fresh_stale")[1]
    assert second != first
    with pytest.raises(glue.exceptions.ConcurrentModificationException, match=f"VersionId {first} is stale"):
        update(glue, "lock_fresh_stale", 2, first)
    assert state(glue, "lock_fresh_stale") == ("1", second)
    update(glue, "lock_fresh_stale", 3, second)
    update(glue, "lock_fresh_stale", 4, None)  # no VersionId: unconditional, as on Glue
    assert state(glue, "lock_fresh_stale")[0] == "4"


def test_of_many_updates_racing_with_one_version_exactly_one_lands(moto_server):
    glue = client(moto_server, "glue")
    version = new_table(glue, "lock_race")
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def racer(n: int) -> None:
        own = client(moto_server, "glue")
        start.wait()
        try:
            update(own, "lock_race", n, version)
            outcomes.append(f"ok {n}")
        except own.exceptions.ConcurrentModificationException:
            outcomes.append("refused")

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    landed = [o for o in outcomes if o.startswith("ok")]
    assert len(landed) == 1 and outcomes.count("refused") == 7
    assert state(glue, "lock_race")[0] == landed[0].split()[1]


def test_plain_moto_accepts_a_stale_version(plain_server):
    """Why the wrapper exists: without it a stale update silently overwrites a newer one."""
    glue = client(plain_server, "glue")
    first = new_table(glue, "lock_plain")
    update(glue, "lock_plain", 1, first)
    update(glue, "lock_plain", 2, first)
    assert state(glue, "lock_plain")[0] == "2"
