"""Every SQL example of README.md's "Querying with Athena", read from the README and run as written on Trino
(Athena's engine) against an `orders` lake built here in the moto Glue catalog: key pk:S, sk:N, declared
columns status string and price decimal(38,2). Each result must equal what the test data says exactly; a
README query that does not run, or that has no expectation here, fails."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from dynamodb_lake import ddb_json
from live_view_harness import HORIZON_KEY, ZERO_SEQ, Lake, change_row, generate, pad, ts, utc_now_ms
from live_view_model import Shape
from readme_sql import readme_statements
from trino_lake import TrinoLake

BUCKET = "readme-lake"
SPEC: dict = {"tableName": "orders", "database": "readme_lake", "bucket": BUCKET,
        "keys": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}],
        "declaredColumns": {"status": "string", "price": "decimal(38,2)"}}
KEY_NAMES = ["pk", "sk"]
# The README's examples name these days and this item; the history below has changes on them.
README_X = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TTL_DAY = "2026-11-21"
LOOKED_UP = {"pk": {"S": "customer#42"}, "sk": {"N": "1001"}}


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class Event:
    seq: str
    ts_ms: int
    keys: dict
    old: dict | None
    new: dict | None
    ttl: bool = False

    @property
    def op(self) -> str:
        return "REMOVE" if self.new is None else "MODIFY" if self.old is not None else "INSERT"


@dataclass
class History:
    """A snapshot at T, changes on 2026-11-20/21 (compacted since), and changes of the last hours (not yet)."""
    snapshot_ms: int
    snapshot: dict          # _key → item
    events: list[Event]     # in seq order
    merged: int             # events[:merged] are compacted into orders_current


def order(rng: random.Random, keys: dict, n: int) -> dict:
    item = {**keys, "status": {"S": rng.choice(["open", "paid", "shipped"])},
            "price": {"N": f"{rng.randint(100, 99_999) // 100}.{rng.randint(0, 99):02d}"}}
    if rng.random() < 0.6:
        item["discount"] = {"N": rng.choice(["0.05", "0.125", "0.3333", "1"])}
    if rng.random() < 0.3:
        item["note"] = {"S": f"change {n} — é"}
    return item


def make_history(rng: random.Random, now_ms: int) -> History:
    universe = [{"pk": {"S": f"customer#{c}"}, "sk": {"N": str(s)}} for c in (7, 42, 99) for s in (1000, 1001, 1002)]
    key = lambda keys: ddb_json.canonical_key(keys, KEY_NAMES)  # noqa: E731
    snapshot_ms = ms(datetime(2026, 11, 19, 6, 0, tzinfo=UTC))
    state: dict[str, dict | None] = {key(k): order(rng, k, 0) for k in universe if rng.random() < 0.6}
    state[key(LOOKED_UP)] = order(rng, LOOKED_UP, 0)
    snapshot = {k: v for k, v in state.items() if v is not None}

    start, end = ms(datetime(2026, 11, 20, tzinfo=UTC)), ms(datetime(2026, 11, 22, tzinfo=UTC))
    compacted = sorted(rng.randrange(start, end) for _ in range(40))
    compacted += [ms(README_X) - 3_600_000, ms(README_X) + 3_600_000]  # the looked-up item around X
    recent = sorted(now_ms - rng.randrange(60_000, 3 * 3_600_000) for _ in range(12))
    events, raw = [], 10**20
    for index, ts_ms in enumerate(sorted(compacted) + recent + [now_ms - 30_000]):
        keys = LOOKED_UP if index in (len(compacted) - 1, len(compacted) + len(recent)) or rng.random() < 0.15 \
            else rng.choice(universe)
        raw += rng.randint(1, 10**9)
        before = state.get(key(keys))
        ttl_day = datetime.fromtimestamp(ts_ms / 1000, UTC).date().isoformat() == TTL_DAY
        if before is not None and keys is not LOOKED_UP and rng.random() < (0.6 if ttl_day else 0.25):
            event = Event(pad(str(raw)), ts_ms, keys, before, None, ttl=ttl_day and rng.random() < 0.7)
        else:
            event = Event(pad(str(raw)), ts_ms, keys, before, order(rng, keys, index))
        state[key(keys)] = event.new
        events.append(event)
    return History(snapshot_ms, snapshot, events, merged=len(compacted))


def build_lake(history: History, definition: dict, rng: random.Random) -> Lake:
    shape = Shape.of(SPEC, definition)
    current = {k: (item, ZERO_SEQ, history.snapshot_ms) for k, item in history.snapshot.items()}
    tombstones = {}
    for event in history.events[:history.merged]:
        k = ddb_json.canonical_key(event.keys, KEY_NAMES)
        if event.new is None:
            current.pop(k, None)
            tombstones[k] = event
        else:
            current[k] = (event.new, event.seq, event.ts_ms)
            tombstones.pop(k, None)
    lake = Lake(definition, SPEC["database"], "orders")
    lake.current = [shape.current_row(item, seq, ts_ms) for item, seq, ts_ms in current.values()]
    lake.tombstones = [{"_key": k, "_seq": e.seq, "_ts": ts(e.ts_ms)} for k, e in tombstones.items()]
    lake.tombstones.append({"_key": HORIZON_KEY, "_seq": ZERO_SEQ, "_ts": ts(history.snapshot_ms)})
    for event in history.events:
        moment = datetime.fromtimestamp(event.ts_ms / 1000, UTC)
        for _ in range(rng.choice([1, 1, 1, 2])):  # Firehose delivers some records twice
            lake.changes.append(change_row(op=event.op, seq=event.seq, keys=event.keys, new_image=event.new,
                                           old_image=event.old, ts_ms=event.ts_ms, ttl_delete=event.ttl,
                                           dt=moment.date().isoformat(), hour=f"{moment.hour:02d}", table="orders"))
    return lake


# What each README query must return, computed from the lake's data (keyed by the query's first comment line).

def current_by_status(lake: Lake) -> list[tuple]:
    groups: dict = defaultdict(list)
    for row in lake.current:
        groups[row["status"]].append(row)
    out = []
    for status, rows in groups.items():
        discounts = [Decimal(d) for r in rows if (d := json.loads(r["item_json"]).get("discount")) is not None]
        best = max(discounts).quantize(Decimal("0.0001")) if discounts else None
        out.append((status, len(rows), sum(r["price"] for r in rows), best))
    revenues = [row[2] for row in out]
    assert len(set(revenues)) == len(revenues), "the test data must not tie on revenue (ORDER BY revenue)"
    return sorted(out, key=lambda row: row[2], reverse=True)


def live_lookup(lake: Lake, history: History) -> list[tuple]:
    last = [e for e in history.events if e.keys == LOOKED_UP][-1]
    assert history.events.index(last) >= history.merged and last.new is not None, "the looked-up item changed recently"
    row = next(r for r in lake.changes if r.get("seq") == last.seq)
    return [("customer#42", Decimal(1001), last.new["status"]["S"], Decimal(last.new["price"]["N"]), row["new_image"],
             "changes", last.seq, ts(last.ts_ms))]


def at_text(ts_ms: int) -> str:
    return f"{ts(ts_ms):%Y-%m-%d %H:%M:%S}.{ts_ms % 1000:03d} UTC"


def changes_of_one_item(lake: Lake) -> list[tuple]:
    rows = [r for r in lake.changes if r["dt"] >= "2026-11-01" and json.loads(r["keys"]) == LOOKED_UP]
    return sorted(((r["seq"], at_text(r["ts_ms"]), r["op"], r["ttl_delete"], r["new_image"], r["old_image"])
                   for r in rows), key=lambda row: row[0])


def ttl_deletes_per_hour(lake: Lake) -> list[tuple]:
    counts: dict = defaultdict(int)
    for r in lake.changes:
        if r["dt"] == TTL_DAY and r["op"] == "REMOVE" and r["ttl_delete"]:
            counts[r["hour"]] += 1
    assert counts, "the test data has TTL deletes on the README's day"
    return [(TTL_DAY, hour, n) for hour, n in sorted(counts.items())]


def state_at(history: History, x_ms: int) -> dict:
    state: dict[str, dict | None] = dict(history.snapshot)
    for event in history.events:
        if event.ts_ms <= x_ms:
            state[ddb_json.canonical_key(event.keys, KEY_NAMES)] = event.new
    return {k: v for k, v in state.items() if v is not None}


def items_of(rows: list[tuple]) -> dict:
    """Point-in-time rows (pk, sk, item, overflow) as _key → item; the DynamoDB JSON's member order may differ."""
    out = {}
    for pk, sk, item, overflow in rows:
        assert overflow is None
        parsed = json.loads(item)
        assert (parsed["pk"]["S"], Decimal(parsed["sk"]["N"])) == (pk, sk)
        k = ddb_json.canonical_key(parsed, KEY_NAMES)
        assert k not in out, f"{k} listed twice"
        out[k] = parsed
    return out


@pytest.fixture(scope="module")
def readme_lake(trino, trino_moto):
    rng = random.Random(7)
    [definition] = generate([SPEC])
    history = make_history(rng, utc_now_ms())
    lake = build_lake(history, definition, rng)
    TrinoLake(trino, trino_moto.url, BUCKET).create(SPEC, definition, lake)
    return lake, history


EXPECTED = {
    "-- _current: typed, exact, cheap": lambda lake, history: current_by_status(lake),
    "-- _live: the freshest version of an item": live_lookup,
    "-- _changes: every change to one item": lambda lake, history: changes_of_one_item(lake),
    "-- _changes: deletes made by TTL, per hour": lambda lake, history: ttl_deletes_per_hour(lake),
    "-- orders as of 2026-11-20 12:00:00 UTC": None,  # compared as items: test_point_in_time_as_written
}


def test_every_readme_query_has_an_expectation():
    heads = [statement.splitlines()[0] for statement in readme_statements()]
    missing = [head for head in heads if not any(head.startswith(marker) for marker in EXPECTED)]
    assert not missing, f"README queries without an expectation here (add them to EXPECTED): {missing}"
    assert len(heads) == len(EXPECTED), "every expectation matches exactly one README query"


@pytest.mark.parametrize("marker", [m for m, expect in EXPECTED.items() if expect is not None])
def test_readme_query_as_written(trino, readme_lake, marker):
    lake, history = readme_lake
    [statement] = [s for s in readme_statements() if s.startswith(marker)]
    expect = EXPECTED[marker]
    assert expect is not None
    rows = trino.query(statement, schema=SPEC["database"])
    assert rows == expect(lake, history)


def test_point_in_time_as_written(trino, readme_lake):
    lake, history = readme_lake
    [statement] = [s for s in readme_statements() if s.startswith("-- orders as of 2026-11-20 12:00:00 UTC")]
    rows = trino.query(statement, schema=SPEC["database"])
    expected = state_at(history, ms(README_X))
    assert len(expected) >= 3 and any(e.ts_ms > ms(README_X) for e in history.events)
    assert items_of(rows) == expected
