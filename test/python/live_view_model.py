"""A simple model of the live view, and random histories to check the generated SQL against it.

The model: replay the whole history (snapshot, then every change in seq order); per key the latest
change wins and a REMOVE deletes. A key whose winning change the current table already merged shows
the current table's row; any other key shows the row built from its winning delta. The snapshot is the
state at its horizon T (its `_ts`, recorded in the horizon row of `<t>_tombstones`): a change with
ts_ms + 1000 <= T is in it and is ignored, by compaction and by the view alike.
"""
from __future__ import annotations

import base64
import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from dynamodb_lake import ddb_json
from dynamodb_lake.schema import catalog_name  # the product's rule (infra/layout.ts catalogName)
from live_view_harness import HORIZON_KEY, ZERO_SEQ, Lake, change_row, pad, ts

_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_INT = re.compile(r"^-?[0-9]+$")
_INT_BITS = {"tinyint": 8, "smallint": 16, "int": 32, "bigint": 64}


def athena_try_cast(text: str | None, hive: str):
    """Athena's TRY_CAST of varchar on the values the generator makes (exact, or NULL)."""
    if text is None:
        return None
    if hive == "string":
        return text
    if hive == "boolean":
        return {"true": True, "false": False}.get(text.lower())
    if hive in _INT_BITS:
        if not _INT.match(text):
            return None
        whole, limit = int(text), 2 ** (_INT_BITS[hive] - 1)
        return whole if -limit <= whole < limit else None
    match = _DECIMAL.match(hive)
    if match:
        precision, scale = int(match[1]), int(match[2])
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        if not value.is_finite():
            return None
        value = value.quantize(Decimal(1).scaleb(-scale), context=Context(prec=100, rounding=ROUND_HALF_UP))
        return value if len(value.as_tuple().digits) <= precision else None
    raise AssertionError(f"the model has no cast to {hive}")


def typed_key(text: str, key_type: str, hive: str):
    if key_type == "B":
        return base64.b64decode(text)
    return text if hive == "string" else athena_try_cast(text, hive)


@dataclass
class Shape:
    """The columns of one table spec, as the generator resolved them."""
    keys: list[dict]          # {attribute, type, column, hiveType}
    declared: list[dict]      # {attribute, column, hiveType}

    @classmethod
    def of(cls, spec: dict, definition: dict) -> Shape:
        by_name = {c["name"]: c for c in definition["columns"]}
        from_name = catalog_name
        keys = [{"attribute": k["name"], "type": k["type"], "column": from_name(k["name"]),
                 "hiveType": by_name[from_name(k["name"])]["hiveType"]} for k in spec["keys"]]
        declared = [{"attribute": a, "column": from_name(a), "hiveType": by_name[from_name(a)]["hiveType"]}
                    for a in spec["declaredColumns"]]
        return cls(keys, declared)

    def key_names(self) -> list[str]:
        return [k["attribute"] for k in self.keys]

    def keys_of(self, item: dict) -> dict:
        return {k["attribute"]: item[k["attribute"]] for k in self.keys}

    def canonical(self, item: dict) -> str:
        return ddb_json.canonical_key(self.keys_of(item), self.key_names())

    def typed_keys(self, item: dict) -> tuple:
        return tuple(typed_key(item[k["attribute"]][k["type"]], k["type"], k["hiveType"]) for k in self.keys)

    def declared_values(self, item: dict) -> tuple:
        return tuple(athena_try_cast(ddb_json.declared_text(item, d["attribute"]), d["hiveType"]) for d in self.declared)

    def current_row(self, item: dict, seq: str, ts_ms: int) -> dict:
        """A `<t>_current` row (contract 2) for an item."""
        row = {k["column"]: v for k, v in zip(self.keys, self.typed_keys(item))}
        row.update({d["column"]: v for d, v in zip(self.declared, self.declared_values(item))})
        row.update({"_key": self.canonical(item), "item": ddb_json.dynamo_text(item),
                    "item_json": ddb_json.plain_json(item), "_seq": seq, "_ts": ts(ts_ms)})
        return row

    def view_row_from_current(self, row: dict) -> tuple:
        return (*(row[k["column"]] for k in self.keys), row["_key"], row["item"], row["item_json"],
                *(row[d["column"]] for d in self.declared), row["_seq"], row["_ts"], "current", None)

    def view_row_from_change(self, change: dict, item: dict | None) -> tuple:
        """A row of a winning delta; item None for an overflow record (its image is in S3)."""
        keys = json.loads(change["keys"])
        declared = self.declared_values(item) if item is not None else tuple(None for _ in self.declared)
        return (*self.typed_keys(keys), ddb_json.canonical_key(keys, self.key_names()), change["new_image"], None,
                *declared, pad(change["seq"]), ts(change["ts_ms"]), "changes", change["overflow"])


@dataclass
class Event:
    op: str
    seq: str          # 40 digits
    ts_ms: int
    item: dict        # the whole item after the change (for REMOVE: the keys)
    ttl: bool = False
    overflow: bool = False


# Strings JSON must escape, non-ASCII and plain ones: the view builds `_key` from them in SQL.
NASTY = ["a", 'quo"te', "back\\slash", "tab\tnl\nret\r", "ctl\x00\x01\x08\x0b\x0c\x1f", "é ü ß", "emoji 😀",
         "slash/</script>", "comma,colon:", "'single'", "x" * 60, "\u2028sep", "del\x7f"]


def key_values(rng: random.Random, key_type: str, hive: str) -> list[str]:
    if key_type == "S":
        return NASTY
    if key_type == "B":
        return [base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))).decode() for _ in range(8)]
    if hive.endswith(",6)"):
        return ["0", "1.5", "-0.000001", "123456.789", "-42", "99999999999999999999999999999999.999999"]
    return ["0", "5", "-1", "7", "12345678901234567890123456789012345678", "-99999999999999999999999999999999999999"]


def declared_value(rng: random.Random, hive: str) -> dict | None:
    """A value for a declared attribute, None for absent: castable, not castable and other types."""
    common = [None, {"NULL": True}, {"S": "not a number"}, {"M": {"a": {"N": "1"}}}]
    if hive == "string":
        return rng.choice(common[:2] + [{"S": rng.choice(NASTY)}, {"N": "42.50"}, {"BOOL": True}, {"B": "AAEC"}])
    if hive == "boolean":
        return rng.choice(common + [{"BOOL": True}, {"BOOL": False}, {"S": "false"}])
    if hive == "bigint":
        return rng.choice(common + [{"N": "-9223372036854775808"}, {"N": "9223372036854775808"},
                                    {"N": str(rng.randint(-10**6, 10**6))}])
    decimal = _DECIMAL.match(hive)
    assert decimal is not None, f"no values for {hive}"
    scale = int(decimal[2])
    integer_digits = 38 - scale
    big = "".join(rng.choice("0123456789") for _ in range(integer_digits - 1))
    number = f"{rng.randint(1, 9)}{big}" + (f".{rng.randint(0, 10**scale - 1):0{scale}d}" if scale else "")
    return rng.choice(common + [{"N": number}, {"N": "-" + number}, {"N": "0"}, {"S": "12.5"}])


EXTRAS = [{"M": {"n": {"N": "1.10"}, "l": {"L": [{"S": "x"}, {"NULL": True}]}}}, {"SS": ["b", "a"]},
          {"NS": ["3", "1.5"]}, {"BS": ["AAE="]}, {"BOOL": False}, {"B": "3q2+7w=="}, {"S": ""}, {"N": "1e3"}]


def random_item(rng: random.Random, shape: Shape, keys: dict) -> dict:
    item = dict(keys)
    for d in shape.declared:
        value = declared_value(rng, d["hiveType"])
        if value is not None:
            item[d["attribute"]] = value
    for i in range(rng.randint(0, 3)):
        item[f"extra{i}"] = rng.choice(EXTRAS)
    return item


def random_seqs(rng: random.Random, n: int) -> list[str]:
    """Increasing stream sequence numbers whose raw length grows from 21 digits to as many as 39."""
    value = 10**20 + rng.randrange(10**19)
    out = []
    for _ in range(n):
        jump = rng.random()
        if jump < 0.06:
            value += 10 ** rng.randint(20, 38)
        else:
            value += rng.randint(1, 10**rng.randint(0, 25)) if jump < 0.2 else rng.randint(1, 1000)
        out.append(str(min(value, 10**40 - 1)))
        if value >= 10**40 - 1:
            raise AssertionError("sequence space exhausted; generate fewer events")
    return out


@dataclass
class Scenario:
    lake: Lake
    expected: dict    # _key → view row


def random_scenario(rng: random.Random, spec: dict, definition: dict, today: date) -> Scenario:
    shape = Shape.of(spec, definition)
    lookback = spec.get("lookbackDays", 2)
    pools = [key_values(rng, k["type"], k["hiveType"]) for k in shape.keys]
    universe = [{k["attribute"]: {k["type"]: rng.choice(pool)} for k, pool in zip(shape.keys, pools)}
                for _ in range(rng.randint(3, 10))]
    universe = list({ddb_json.canonical_key(keys, shape.key_names()): keys for keys in universe}.values())

    export_ms = 1_700_000_000_000  # the snapshot's horizon T
    state: dict[str, dict | None] = {}
    for keys in rng.sample(universe, rng.randint(0, len(universe))):
        state[shape.canonical(keys)] = random_item(rng, shape, keys)

    events: list[Event] = []
    seqs = random_seqs(rng, rng.randint(1, 60))
    before_t = rng.randint(0, min(12, len(seqs)))  # changes made before T: the snapshot holds them
    now_ms = export_ms - rng.choice([1000, 3000, 20_000])
    snapshot: dict[str, dict] = {}
    for index, raw in enumerate(seqs):
        if index == before_t:
            snapshot = {k: v for k, v in state.items() if v is not None}
        keys = rng.choice(universe)
        key = shape.canonical(keys)
        # several changes can share a timestamp; the ones before T land on both sides of T - 1000
        step = rng.choice([0, 0, 1, 999, 60_000]) if index >= before_t else rng.choice([0, 1, 999, 1000, 2500])
        now_ms = max(now_ms + step, export_ms) if index >= before_t else min(now_ms + step, export_ms - 1)
        if state.get(key) is not None and rng.random() < 0.35:
            events.append(Event("REMOVE", pad(raw), now_ms, dict(keys), ttl=rng.random() < 0.3))
            state[key] = None
        else:
            op = "MODIFY" if state.get(key) is not None else "INSERT"
            item = random_item(rng, shape, keys)
            events.append(Event(op, pad(raw), now_ms, item, overflow=rng.random() < 0.1))
            state[key] = item

    if before_t == len(seqs):
        snapshot = {k: v for k, v in state.items() if v is not None}

    def in_snapshot(event: Event) -> bool:
        return event.ts_ms + 1000 <= export_ms

    # the current table has merged events[:merged]: never, all, or a random prefix (skipping those in_snapshot)
    merged = rng.choice([0, len(events), rng.randint(0, len(events)), rng.randint(len(events) // 2, len(events))])
    current: dict[str, tuple[dict, str, int]] = {k: (item, ZERO_SEQ, export_ms) for k, item in snapshot.items()}
    tombstones: dict[str, Event] = {}
    stale_tombstones: dict[str, Event] = {}
    for event in (e for e in events[:merged] if not in_snapshot(e)):
        key = shape.canonical(event.item)
        if event.op == "REMOVE":
            current.pop(key, None)
            tombstones[key] = event
            stale_tombstones.pop(key, None)
        else:
            current[key] = (event.item, event.seq, event.ts_ms)
            if key in tombstones:  # re-inserted: compaction may keep the old tombstone or drop it
                stale_tombstones[key] = tombstones.pop(key)
    kept_stale = {k: e for k, e in stale_tombstones.items() if rng.random() < 0.5}

    def change(event: Event, day: date) -> dict:
        written = event.seq if rng.random() < 0.8 else event.seq.lstrip("0")
        overflow = f"s3://lake-bucket/overflow/t/{event.seq}-ev.json" if event.overflow else None
        return change_row(op=event.op, seq=written, keys=shape.keys_of(event.item), ts_ms=event.ts_ms,
                          new_image=None if event.op == "REMOVE" or event.overflow else event.item,
                          overflow=overflow, ttl_delete=event.ttl, event_id=f"ev-{event.seq}",
                          dt=day.isoformat(), hour=f"{rng.randrange(24):02d}")

    window = lambda: today - timedelta(days=rng.randint(0, lookback))  # noqa: E731
    old = lambda: today - timedelta(days=lookback + 1 + rng.randint(0, 5))  # noqa: E731
    changes = []
    for index, event in enumerate(events):
        if index >= merged or (in_snapshot(event) and rng.random() < 0.8):
            changes += [change(event, window()) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        else:
            if rng.random() < 0.5:
                changes.append(change(event, window()))
            if rng.random() < 0.3:
                changes.append(change(event, old()))
    rng.shuffle(changes)
    if rng.random() < 0.3:  # a line the SerDe could not parse: every field NULL
        changes.append({"dt": today.isoformat(), "hour": "00"})

    lake = Lake(definition, spec["database"], catalog_name(spec["tableName"]))
    lake.current = [shape.current_row(item, seq, ms) for item, seq, ms in current.values()]
    lake.tombstones = [{"_key": k, "_seq": e.seq, "_ts": ts(e.ts_ms)} for k, e in {**tombstones, **kept_stale}.items()]
    lake.tombstones.append({"_key": HORIZON_KEY, "_seq": ZERO_SEQ, "_ts": ts(export_ms)})  # written by load_snapshot
    rng.shuffle(lake.tombstones)
    lake.changes = changes

    expected = {}
    winners: dict[str, int] = {}
    for index, event in enumerate(events):
        if not in_snapshot(event):
            winners[shape.canonical(event.item)] = index
    for key in set(snapshot) | set(winners):
        if key not in winners:
            expected[key] = shape.view_row_from_current(shape.current_row(snapshot[key], ZERO_SEQ, export_ms))
            continue
        event = events[winners[key]]
        if event.op == "REMOVE":
            continue
        if winners[key] < merged:
            expected[key] = shape.view_row_from_current(shape.current_row(event.item, event.seq, event.ts_ms))
        else:
            expected[key] = shape.view_row_from_change(change(event, today), None if event.overflow else event.item)
    return Scenario(lake, expected)


def rows_by_key(rows: list[tuple], key_index: int) -> dict:
    out = {}
    for row in rows:
        assert row[key_index] not in out, f"two live rows for key {row[key_index]!r}"
        out[row[key_index]] = row
    return out

