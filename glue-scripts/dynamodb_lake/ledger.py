"""The compaction ledger: which delta files the current table already holds, in space that follows change.

Each compaction writes an immutable ledger object <state_uri>/ledger/<run_id>.json before its MERGE,
then commits the MERGE with the snapshot-summary property `dynamodb-lake.ledger` = that URI, so the newest
ledger-bearing snapshot of the table alone says what was consumed: data and bookkeeping change in one
Iceberg commit. A ledger object that no commit points to (a run killed before its commit) is ignored.

Delta keys are time-ordered: Firehose writes changes/<table>/dt=YYYY-MM-DD/hour=HH/<name> by arrival
time. The ledger keeps a watermark W (the newest key hour consumed) and a window start S = the hour
prefix of W - lateness (--lateness_hours): a run lists only keys after S (S3 StartAfter), and the ledger
names only the consumed files at or after S, plus those that landed since the last sweep. A file is
consumed when the ledger names it, or when its key is before S and it was last modified at or before the
closed mark M. A file that lands under a key before S (late beyond the bound, or a name outside the
layout that sorts before it) is found by the sweep: every --late_sweep_hours a run lists everything,
merges such files, counts them (late_files), logs them and puts the LateFiles metric; M then moves to
the sweep's start (at most the newest LastModified listed) less UPLOAD_MARGIN_MS (an upload in flight may
carry an earlier LastModified than the moment it becomes visible). Names outside the layout that sort
after it are listed by every run.

A snapshot load commits `dynamodb-lake.ledger` = "none" and `dynamodb-lake.restart-from-ms` = its horizon
T: bookkeeping restarts (the next run sweeps and reads every delta file again), and the deltas the
snapshot reflects are dropped (transforms.after_horizon). Every compaction commit and ledger object
repeats T, so expiring the snapshot load's commit cannot lose it.
"""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import storage

LEDGER_PROPERTY = "dynamodb-lake.ledger"
RUN_PROPERTY = "dynamodb-lake.run-id"
RESTART_PROPERTY = "dynamodb-lake.restart-from-ms"
NO_LEDGER = "none"
FORMAT = 2
HOUR_MS = 3_600_000
UPLOAD_MARGIN_MS = 15 * 60_000
DEFAULT_LATENESS_HOURS = 3.0
DEFAULT_SWEEP_HOURS = 24.0
_LAYOUT = re.compile(r"dt=(\d{4})-(\d{2})-(\d{2})/hour=(\d{2})/")


def key_hour_ms(rel: str) -> int | None:
    """The hour a delta key names (dt=YYYY-MM-DD/hour=HH/…), in epoch ms; None outside the layout."""
    match = _LAYOUT.match(rel)
    if not match:
        return None
    year, month, day, hour = (int(g) for g in match.groups())
    try:
        return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp() * 1000)
    except ValueError:
        return None


def hour_prefix(epoch_ms: int) -> str:
    """The key prefix of the hour holding epoch_ms: what Firehose writes (infra/layout.ts firehoseChangesPrefix)."""
    moment = datetime.fromtimestamp(max(epoch_ms, 0) / 1000, tz=UTC)
    return moment.strftime("dt=%Y-%m-%d/hour=%H/")


@dataclass(frozen=True)
class Listed:
    """One object under --changes_uri: key relative to it, size, LastModified."""
    rel: str
    size: int
    mtime_ms: int


@dataclass(frozen=True)
class Bookkeeping:
    """What the committed ledger says; the empty one (after a snapshot load) has consumed nothing."""
    window_start: str = ""
    watermark_ms: int | None = None
    closed_ms: int | None = None
    swept_ms: int | None = None
    named: dict[str, int] = field(default_factory=dict)

    def consumed(self, obj: Listed) -> bool:
        if obj.rel in self.named:
            return True
        return obj.rel < self.window_start and self.closed_ms is not None and obj.mtime_ms <= self.closed_ms


def bookkeeping(ledger: dict | None) -> Bookkeeping:
    if not ledger:
        return Bookkeeping()
    if ledger.get("format") == 1:  # every consumed file named, sizes instead of times: the next run sweeps
        return Bookkeeping(named={rel: -1 for rel in ledger.get("consumed", {})})
    return Bookkeeping(ledger["window_start"], ledger["watermark_ms"], ledger["closed_ms"], ledger["swept_ms"],
                       dict(ledger["consumed"]))


def select(state: Bookkeeping, listed: list[Listed]) -> tuple[list[Listed], list[str]]:
    """(files to merge, the keys among them that landed beyond the lateness bound). A file before the window
    start is listed only by a sweep, so it landed after the run that moved the window past its key."""
    new = [o for o in listed if not state.consumed(o)]
    return new, [o.rel for o in new if o.rel < state.window_start]


def sweep_due(state: Bookkeeping, now_ms: int, sweep_every_ms: int) -> bool:
    return state.swept_ms is None or now_ms - state.swept_ms >= sweep_every_ms


def next_bookkeeping(state: Bookkeeping, listing: list[Listed], new: list[Listed], swept: bool, listed_at_ms: int,
                     lateness_ms: int) -> Bookkeeping:
    """The state once `new` is merged. A sweep listed everything, so every listed file is consumed and the
    closed mark moves; otherwise the listing covered keys after the window start only."""
    if swept:
        consumed = {o.rel: o.mtime_ms for o in listing}
        # Not past the newest LastModified listed: S3's own clock bounds the mark if the driver's runs ahead.
        newest = max((o.mtime_ms for o in listing), default=None)
        closed_ms: int | None = (state.closed_ms if newest is None
                                 else min(listed_at_ms, newest) - UPLOAD_MARGIN_MS)
    else:
        listed = {o.rel for o in listing}
        consumed = {rel: t for rel, t in state.named.items() if rel < state.window_start or rel in listed}
        consumed.update({o.rel: o.mtime_ms for o in new})
        closed_ms = state.closed_ms
    hours = [h for h in (key_hour_ms(o.rel) for o in new) if h is not None and h <= listed_at_ms + HOUR_MS]
    watermark = max([h for h in (state.watermark_ms, *hours) if h is not None], default=None)
    window_start = state.window_start
    if watermark is not None:
        window_start = max(window_start, hour_prefix(watermark - lateness_ms))
    named = {rel: t for rel, t in consumed.items()
             if rel >= window_start or closed_ms is None or t > closed_ms}
    return Bookkeeping(window_start, watermark, closed_ms, listed_at_ms if swept else state.swept_ms, named)


def horizon(restart_from_ms: int | None, previous: dict | None) -> int | None:
    """T of the current snapshot: from the newest ledger-bearing commit, else from its ledger object."""
    if restart_from_ms is not None:
        return restart_from_ms
    value = (previous or {}).get("horizon_ms")
    return int(value) if value is not None else None


def new_run_id(now_ms: int) -> str:
    return f"{now_ms:013d}-{uuid.uuid4().hex[:12]}"


def ledger_uri(state_uri: str, run_id: str) -> str:
    return storage.join(state_uri, "ledger", f"{run_id}.json")


def build(state: Bookkeeping, parent_uri: str | None, new_files: list[str], late: list[str], quarantined: list[str],
          run_id: str, now_ms: int, horizon_ms: int | None) -> dict:
    return {"format": FORMAT, "run_id": run_id, "created_ms": now_ms, "parent": parent_uri,
            "added": sorted(new_files), "late": sorted(late), "quarantined": sorted(quarantined),
            "horizon_ms": horizon_ms, "window_start": state.window_start, "watermark_ms": state.watermark_ms,
            "closed_ms": state.closed_ms, "swept_ms": state.swept_ms, "consumed": dict(sorted(state.named.items()))}


def write(uri: str, ledger: dict) -> int:
    """Writes the ledger object; returns its size in bytes."""
    data = json.dumps(ledger, separators=(",", ":")).encode("utf-8")
    storage.write_bytes(uri, data)
    return len(data)


def read(uri: str | None) -> dict | None:
    if not uri or uri == NO_LEDGER:
        return None
    if not storage.exists(uri):
        raise ValueError(f"ledger {uri}, named by the current table's newest compaction commit, is missing, so which "
                         "delta files were merged is unknown: restore the object, or run load_snapshot again (a "
                         "re-snapshot restarts the bookkeeping)")
    data = json.loads(storage.read_bytes(uri))
    if data.get("format") not in (1, FORMAT):
        raise ValueError(f"ledger {uri} has format {data.get('format')!r}; this job reads formats 1 and {FORMAT}")
    return data
