"""Randomized histories against a simple model: latest change by seq per key, over the snapshot (the state
at its horizon T) and every delivered delta not before it (ts_ms + 1000 > T); lost changes, duplicates,
reorders, late files, kills and compactions at random points."""
import os
import random

import pytest

import compact
from factories import Lake, SimulatedKill, delta, item_text, key, kill_at, write_deltas, write_export
from test_load_snapshot import EXPORT_DT, EXPORT_TIME, epoch_ms

POINTS = ["after_ledger", "after_tombstones", "before_commit", "after_commit"]
HORIZON = epoch_ms(EXPORT_DT)  # T of the export, EXPORT_TIME


def history(rng: random.Random, keys: list[str], length: int) -> list[dict]:
    """Changes in seq order: 21-digit SequenceNumbers first, then 40-digit ones (string order would lie
    without padding), 38-digit numbers in the images; timestamps rise in steps under a second around T."""
    seq, events = 10**20 + rng.randrange(10**6), []
    step = rng.randint(300, 900)
    ts_ms = HORIZON - rng.randint(length // 3, 2 * length // 3) * step
    for index in range(length):
        ts_ms += step
        seq = (10**39 + rng.randrange(10**6)) if index == length // 2 else seq + rng.randint(1, 10**6)
        pk = rng.choice(keys)
        op = rng.choice(["INSERT", "MODIFY", "MODIFY", "REMOVE"])
        image = {"v": {"N": str(rng.randrange(10**37, 10**38))}, "i": {"N": str(index)}}
        events.append(delta(str(seq).rjust(40, "0"), op, pk, image, ttl=op == "REMOVE" and rng.random() < 0.3,
                            ts_ms=ts_ms))
    return events


def model_state(base: dict[str, tuple[str, str]], delivered: list[dict]) -> dict[str, tuple[str, str]]:
    latest: dict[str, tuple[str, str | None]] = dict(base)
    for event in delivered:
        if event["ts_ms"] + 1000 <= HORIZON:  # the snapshot reflects it
            continue
        pk = event["keys"]["pk"]["S"]
        if key(pk) not in latest or event["seq"] > latest[key(pk)][0]:
            image = {k: v for k, v in (event["new_image"] or {}).items() if k != "pk"}
            latest[key(pk)] = (event["seq"], None if event["op"] == "REMOVE" else item_text(pk, image))
    return {k: (seq, item) for k, (seq, item) in latest.items() if item is not None}


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_random_histories_match_the_model(spark, warehouse, database, tmp_path, seed):
    rng = random.Random(seed)
    keys = [f"k{i}" for i in range(7)]
    events = history(rng, keys, 36)
    # The snapshot is the state at T: the initial items with every change made before T.
    initial = {pk: {"v": {"S": f"base-{pk}"}} for pk in keys if rng.random() < 0.5}
    base_items = replay(initial, [e for e in events if e["ts_ms"] < HORIZON])
    lake = Lake(str(tmp_path), database, warehouse)
    write_export(str(tmp_path / "exports"), "base", [{"pk": {"S": pk}, **image} for pk, image in base_items.items()],
                 EXPORT_TIME)
    lake.load(spark, str(tmp_path / "exports"))
    base = {key(pk): ("0" * 40, item_text(pk, image)) for pk, image in base_items.items()}

    files: list[list[dict]] = [[] for _ in range(7)]
    for event in events:
        if event["ts_ms"] + 1000 <= HORIZON and rng.random() < 0.3:
            continue  # lost before the snapshot, which repairs it
        for target in rng.sample(range(len(files)), 2 if rng.random() < 0.25 else 1):  # duplicates
            files[target].append(event)
    for chunk in files:
        rng.shuffle(chunk)  # order inside a file is arbitrary too
    order = list(range(len(files)))
    rng.shuffle(order)  # files land in random order; names are random dates, so late files have old names
    waves = sorted(rng.sample(range(1, len(order)), 2))
    delivered: list[dict] = []
    previous: dict[str, tuple[str, str]] = dict(base)
    for wave in (order[:waves[0]], order[waves[0]:waves[1]], order[waves[1]:]):
        for index in wave:
            name = f"dt=2026-11-{rng.randint(10, 28)}/hour={rng.randint(0, 23):02d}/f{index}.gz"
            write_deltas(os.path.join(lake.changes, name), files[index], gz=rng.random() < 0.7)
            delivered += files[index]
        # Names are random dates, most of them beyond --lateness_hours: every run sweeps (test_ledger.py
        # checks the window's bookkeeping against its own model).
        args = lake.compact_args("--late_sweep_hours", "0")
        if rng.random() < 0.5:
            with pytest.raises(SimulatedKill):
                compact.run(spark, args, kill_at(rng.choice(POINTS)), say=lambda _line: None)
        compact.run(spark, args, say=lambda _line: None)
        state = lake.items(spark)
        assert state == model_state(base, delivered)
        # Between compactions no key ever goes back to an older version.
        assert all(state[k][0] >= previous[k][0] for k in state.keys() & previous.keys())
        previous = state
    # Every change after T was delivered: the lake holds exactly what the source table holds.
    truth = replay(initial, events)
    assert {k: item for k, (_seq, item) in state.items()} == {key(pk): item_text(pk, image) for pk, image in truth.items()}


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
