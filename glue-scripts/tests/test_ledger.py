"""The ledger's bookkeeping without Spark: which files a run lists and merges, against a model of files that
land on time, late within the bound, beyond it, outside the key layout, and runs killed before their commit."""
import os
import random
from datetime import UTC, datetime

import pytest

from dynamodb_lake import ledger, storage
from dynamodb_lake.ledger import HOUR_MS, Bookkeeping, Listed

MINUTE = 60_000
T0 = int(datetime(2026, 11, 20, 0, 0, tzinfo=UTC).timestamp() * 1000)


def test_key_hours_follow_the_firehose_layout():
    assert ledger.key_hour_ms("dt=2026-11-20/hour=00/orders-1-2026-11-20-00-59-59-x.gz") == T0
    assert ledger.hour_prefix(T0 + HOUR_MS + 59 * MINUTE) == "dt=2026-11-20/hour=01/"
    assert ledger.key_hour_ms(ledger.hour_prefix(T0 - 1)) == T0 - HOUR_MS
    assert [ledger.key_hour_ms(k) for k in ("late.gz", "dt=2026-13-01/hour=00/x", "dt=2026-11-20/x")] == [None] * 3


def test_the_window_follows_the_watermark_and_the_ledger_names_only_recent_files():
    lateness = 3 * HOUR_MS
    old = [Listed(f"dt=2026-11-19/hour={h:02d}/f", 10, T0 - (24 - h) * HOUR_MS + 10 * MINUTE) for h in range(24)]
    first = ledger.next_bookkeeping(Bookkeeping(), old, old, True, T0, lateness)
    # The sweep consumed all; what landed more than UPLOAD_MARGIN_MS before the newest file is covered.
    assert first == Bookkeeping("dt=2026-11-19/hour=20/", T0 - HOUR_MS, T0 - 50 * MINUTE - ledger.UPLOAD_MARGIN_MS, T0,
                                {f.rel: f.mtime_ms for f in old[20:]})
    new = [Listed("dt=2026-11-20/hour=05/g", 10, T0 + 6 * HOUR_MS)]
    listed = old[20:] + new
    assert ledger.select(first, listed) == (new, [])
    second = ledger.next_bookkeeping(first, listed, new, False, T0 + 6 * HOUR_MS, lateness)
    assert second == Bookkeeping("dt=2026-11-20/hour=02/", T0 + 5 * HOUR_MS, first.closed_ms, T0,
                                 {"dt=2026-11-19/hour=23/f": T0 - 50 * MINUTE, "dt=2026-11-20/hour=05/g": T0 + 6 * HOUR_MS})
    # A file under an hour before the window start is found by the next sweep only, as late.
    late = Listed("dt=2026-11-19/hour=23/late", 5, T0 + 7 * HOUR_MS)
    assert ledger.select(second, [*old, late, *new]) == ([late], ["dt=2026-11-19/hour=23/late"])
    assert not ledger.sweep_due(second, T0 + 23 * HOUR_MS, 24 * HOUR_MS)
    assert ledger.sweep_due(second, T0 + 24 * HOUR_MS, 24 * HOUR_MS)


def test_a_key_far_in_the_future_does_not_move_the_watermark():
    future = Listed("dt=2099-01-01/hour=00/typo", 1, T0)
    state = ledger.next_bookkeeping(Bookkeeping(), [future], [future], True, T0, HOUR_MS)
    assert (state.watermark_ms, state.window_start, state.named) == (None, "", {future.rel: T0})


def test_a_format_1_ledger_is_read_and_the_next_run_sweeps():
    state = ledger.bookkeeping({"format": 1, "consumed": {"a": 3, "b": 4}})
    assert state == Bookkeeping(named={"a": -1, "b": -1}) and ledger.sweep_due(state, T0, HOUR_MS)
    assert ledger.select(state, [Listed("a", 3, T0), Listed("c", 1, T0)]) == ([Listed("c", 1, T0)], [])


def test_a_ledger_round_trips_through_its_object(tmp_path):
    state = Bookkeeping("dt=2026-11-20/hour=02/", T0, T0 - 1, T0, {"dt=2026-11-20/hour=03/x": T0})
    uri = str(tmp_path / "l.json")
    size = ledger.write(uri, ledger.build(state, "parent", ["x"], [], ["x"], "r1", T0, 7))
    assert size == os.path.getsize(uri)
    data = ledger.read(uri)
    assert data is not None
    assert ledger.bookkeeping(data) == state
    assert (data["parent"], data["added"], data["quarantined"], data["horizon_ms"]) == ("parent", ["x"], ["x"], 7)


def test_local_listing_starts_after_a_key_and_skips_earlier_folders(tmp_path):
    for rel in ("1.gz", "dt=2026-11-19/hour=23/a", "dt=2026-11-20/hour=01/b", "dt=2026-11-20/hour=02/c", "late.gz"):
        os.makedirs(os.path.dirname(tmp_path / rel), exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    rels = [storage.relative(str(tmp_path), o.uri) for o in storage.list_objects(str(tmp_path), "dt=2026-11-20/hour=01/")]
    assert rels == ["dt=2026-11-20/hour=01/b", "dt=2026-11-20/hour=02/c", "late.gz"]
    assert len(storage.list_objects(str(tmp_path))) == 5


class Bucket:
    """changes/<table>/ as a model: each file becomes visible at its landing time (plus an upload's lag)."""

    def __init__(self):
        self.files: list[tuple[Listed, int]] = []  # (file, visible from)

    def listing(self, now_ms: int, start_after: str) -> list[Listed]:
        return sorted((f for f, visible in self.files if visible <= now_ms and f.rel > start_after),
                      key=lambda f: f.rel)


@pytest.mark.parametrize("seed", range(6))
def test_random_arrivals_kills_and_sweeps_merge_every_file_exactly_once(seed):
    rng = random.Random(seed)
    lateness, sweep_every = 3 * HOUR_MS, 24 * HOUR_MS
    bucket, merged, late_flagged = Bucket(), dict[str, int](), set[str]()
    state, now, listed_per_run = Bookkeeping(), T0, []
    beyond: set[str] = set()
    for step in range(400):  # 15-minute runs: about four days
        for n in range(rng.randint(0, 12)):
            landed = now + rng.randint(0, 15 * MINUTE)
            kind = rng.random()
            if kind < 0.85:  # Firehose: keyed by arrival, lands within minutes
                hour_ms = landed - rng.randint(0, 20 * MINUTE)
            elif kind < 0.95:  # late, within the bound
                hour_ms = landed - rng.randint(0, lateness - HOUR_MS)
            else:  # beyond the bound, or a name outside the layout
                hour_ms = landed - rng.randint(lateness + HOUR_MS, 40 * HOUR_MS)
            rel = (f"{ledger.hour_prefix(hour_ms)}f{step}-{n}" if kind < 0.98 else f"{rng.choice('0az')}-stray-{step}-{n}")
            if kind >= 0.95 and ledger.key_hour_ms(rel) is not None:
                beyond.add(rel)
            # LastModified is when the upload started; it becomes visible up to 10 minutes later.
            bucket.files.append((Listed(rel, 1, landed), landed + rng.choice([0, 0, 0, rng.randint(1, 10 * MINUTE)])))
        now += 15 * MINUTE
        swept = ledger.sweep_due(state, now, sweep_every)
        listed = bucket.listing(now, "" if swept else state.window_start)
        new, late = ledger.select(state, listed)
        following = ledger.next_bookkeeping(state, listed, new, swept, now, lateness)
        if rng.random() < 0.2:
            continue  # killed before its commit: the committed state stays
        for f in new:
            merged[f.rel] = merged.get(f.rel, 0) + 1
        late_flagged.update(late)
        if not swept:
            listed_per_run.append(len(listed))
        state = following
        assert max(merged.values(), default=1) == 1, "a file was merged twice"
        # The ledger names the window's files and those that landed since the last sweep, never the history.
        assert len(state.named) <= sum(1 for f, _ in bucket.files if f.rel >= state.window_start
                                       or f.mtime_ms > (state.closed_ms or 0))
    now += sweep_every + 2 * ledger.UPLOAD_MARGIN_MS  # every upload done; the next run sweeps
    listed = bucket.listing(now, "")
    new, late = ledger.select(state, listed)
    for f in new:
        merged[f.rel] = merged.get(f.rel, 0) + 1
    late_flagged.update(late)
    assert sorted(merged) == sorted(f.rel for f, _ in bucket.files) and set(merged.values()) == {1}
    # Only files beyond the bound or outside the layout are reported late, and the sweep does find them.
    strays = {f.rel for f, _ in bucket.files if ledger.key_hour_ms(f.rel) is None}
    assert late_flagged <= beyond | strays and late_flagged & beyond
    # A run between sweeps lists a window of hours, not the days of history behind it.
    assert max(listed_per_run) < len(bucket.files) / 5
