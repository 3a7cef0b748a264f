"""Randomized histories against a simple model, at scale: 10,000 keys in one table, so one Spark run checks
10,000 key histories. The model: the latest change by seq per key, over the snapshot (the state at its
horizon T) and every merged delta not before it (ts_ms + 1000 > T). Changes are lost before the snapshot,
duplicated, reordered inside and across files; files land late (within --lateness_hours, merged by the next
run; beyond it, merged by the next sweep); overflow records, TTL deletes, a re-snapshot, and a kill at
every fail point followed by a rerun. On the Glue catalog path (GlueCatalog + S3FileIO on moto)."""
import functools
import json
import os
import random
import time
from datetime import UTC, datetime

import pytest

import compact
from dynamodb_lake.transforms import ROUNDING_MS
from factories import GLUE_PATH, Lake, SimulatedKill, delta, item_text, key, kill_at, write_deltas, write_export
from test_load_snapshot import EXPORT_DT, EXPORT_TIME, epoch_ms

spark, warehouse = GLUE_PATH  # this module runs on GlueCatalog + S3FileIO (moto)

POINTS = ["after_ledger", "after_tombstones", "before_commit", "after_commit"]
HORIZON = epoch_ms(EXPORT_DT)  # T of the first export, EXPORT_TIME
KEYS = 10_000
FILES = 24


def history(rng: random.Random, keys: list[str], length: int) -> list[dict]:
    """Changes in seq order: 21-digit SequenceNumbers first, then 40-digit ones (string order would lie
    without padding), 38-digit numbers in the images; timestamps rise in steps under a second around T."""
    seq, events = 10**20 + rng.randrange(10**6), []
    ts_ms = HORIZON - length // 3 * 400
    for index in range(length):
        ts_ms += rng.randint(1, 800)
        seq = (10**39 + rng.randrange(10**6)) if index == length // 2 else seq + rng.randint(1, 10**6)
        pk = rng.choice(keys)
        op = rng.choice(["INSERT", "MODIFY", "MODIFY", "REMOVE"])
        image = {"v": {"N": str(rng.randrange(10**37, 10**38))}, "i": {"N": str(index)}}
        if op != "REMOVE" and rng.random() < 0.002:
            image["blob"] = {"S": "z" * 1000}  # written as an overflow record
        events.append(delta(str(seq).rjust(40, "0"), op, pk, image, ttl=op == "REMOVE" and rng.random() < 0.3,
                            ts_ms=ts_ms))
    return events


def replay(items: dict[str, dict], events: list[dict]) -> dict[str, dict]:
    """The source table after these changes, in seq order: pk → image without the key."""
    state = dict(items)
    for event in events:
        pk = event["keys"]["pk"]["S"]
        if event["op"] == "REMOVE":
            state.pop(pk, None)
        else:
            state[pk] = {k: v for k, v in event["new_image"].items() if k != "pk"}
    return state


def model_state(snapshot: dict[str, dict], horizon_ms: int, merged: list[dict]) -> dict[str, tuple[str, str]]:
    latest: dict[str, tuple[str, str | None]] = {
        key(pk): ("0" * 40, item_text(pk, image)) for pk, image in snapshot.items()}
    for event in merged:
        if event["ts_ms"] + ROUNDING_MS <= horizon_ms:  # the snapshot reflects it
            continue
        pk = event["keys"]["pk"]["S"]
        if key(pk) not in latest or event["seq"] > latest[key(pk)][0]:
            image = {k: v for k, v in (event["new_image"] or {}).items() if k != "pk"}
            latest[key(pk)] = (event["seq"], None if event["op"] == "REMOVE" else item_text(pk, image))
    return {k: (seq, item) for k, (seq, item) in latest.items() if item is not None}


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def file_lines(tmp_path, events: list[dict]) -> list[dict]:
    """Big images go to an overflow object, the delta keeps a pointer (as the capture function does)."""
    out = []
    for event in events:
        if "blob" in (event["new_image"] or {}):
            target = tmp_path / "overflow" / f"{event['seq']}-{event['event_id']}.json"
            target.parent.mkdir(exist_ok=True)
            target.write_text(json.dumps(event))
            event = {**event, "new_image": None, "overflow": f"file://{target}"}
        out.append(event)
    return out


def test_ten_thousand_random_key_histories_match_the_model(spark, warehouse, database, tmp_path):
    rng = random.Random(20261130)
    keys = [f"k{i:05d}" for i in range(KEYS)]
    events = history(rng, keys, 4 * KEYS)
    initial = {pk: {"v": {"S": f"base-{pk}"}} for pk in keys if rng.random() < 0.5}
    lake = Lake(str(tmp_path), database, warehouse)
    write_export(str(tmp_path / "e1"), "one", [{"pk": {"S": pk}, **image} for pk, image in
                                              replay(initial, [e for e in events if e["ts_ms"] < HORIZON]).items()],
                 EXPORT_TIME, files=4)
    lake.load(spark, str(tmp_path / "e1"))
    snapshot, horizon = replay(initial, [e for e in events if e["ts_ms"] < HORIZON]), HORIZON

    files: list[list[dict]] = [[] for _ in range(FILES)]
    for event in events:
        if event["ts_ms"] + ROUNDING_MS <= HORIZON and rng.random() < 0.3:
            continue  # lost before the snapshot, which repairs it
        for target in rng.sample(range(FILES), 2 if rng.random() < 0.1 else 1):  # duplicates
            files[target].append(event)
    for chunk in files:
        rng.shuffle(chunk)  # order inside a file is arbitrary too
    order = list(range(FILES))
    rng.shuffle(order)  # files land in random order, so late files hold older changes
    waves = [order[i::6] for i in range(6)]
    clock_s = time.time()
    merged: list[dict] = []
    pending_beyond: list[dict] = []  # under a key beyond the lateness bound: waits for the next sweep
    checked = 0
    for number, wave in enumerate(waves):
        for index in wave:
            beyond = number > 0 and rng.random() < 0.2
            name = (f"dt=2026-11-18/hour={rng.randint(0, 23):02d}/f{index}.gz" if beyond
                    else f"dt=2026-11-20/hour={rng.randint(10, 12):02d}/f{index}.gz")
            write_deltas(os.path.join(lake.changes, name), file_lines(tmp_path, files[index]), gz=rng.random() < 0.7)
            (pending_beyond if beyond else merged).extend(files[index])
        sweep = number == len(waves) - 1
        if number == 3:  # a re-snapshot at T2: the state then; bookkeeping restarts, every file is read again
            horizon = (events[len(events) * 3 // 5]["ts_ms"] // 1000 + 1) * 1000
            snapshot = replay(initial, [e for e in events if e["ts_ms"] < horizon])
            write_export(str(tmp_path / "e2"), "two", [{"pk": {"S": pk}, **image} for pk, image in snapshot.items()],
                         iso(horizon), files=4)
            lake.load(spark, str(tmp_path / "e2"))
            sweep = True
        clock_s += 25 * 3600 if number == len(waves) - 1 else 600  # the last run is a day on: a sweep is due
        args, clock = lake.compact_args(), functools.partial(float, clock_s)  # this wave's fixed time
        if number < len(POINTS):
            with pytest.raises(SimulatedKill):
                compact.run(spark, args, kill_at(POINTS[number]), say=lambda _line: None, clock=clock)
        summary = compact.run(spark, args, say=lambda _line: None, clock=clock)
        if number < len(POINTS) and POINTS[number] == "after_commit":
            assert summary["files"] == 0  # the killed run had committed: nothing is merged twice
        else:
            assert summary["swept"] == (sweep or number == 0)
        if sweep:
            merged += pending_beyond
            pending_beyond = []
        state = lake.items(spark)
        assert state == model_state(snapshot, horizon, merged), f"wave {number}"
        checked += KEYS
    # Every change after T was delivered: the lake holds exactly what the source table holds.
    truth = replay(initial, events)
    assert {k: item for k, (_seq, item) in state.items()} == {key(pk): item_text(pk, image) for pk, image in truth.items()}
    print(f"model test: {KEYS} key histories, {len(events)} changes, checked {checked} key states in "
          f"{len(waves)} waves, 0 divergences")
