"""The compaction ledger: which delta files the current table already holds.

Each compaction writes an immutable ledger object <state_uri>/ledger/<run_id>.json before its MERGE,
then commits the MERGE with the snapshot-summary property `dynamodb-lake.ledger` = that URI. A ledger
lists every consumed file (relative to --changes_uri) that still exists, so the newest ledger-bearing
snapshot of the table alone says what was consumed: data and bookkeeping change in one Iceberg commit.
A ledger object that no commit points to (a run killed before its commit) is ignored.
A snapshot load commits `dynamodb-lake.ledger` = "none" and `dynamodb-lake.restart-from-ms` = its
horizon T (the export's point in time, or a scan's start): bookkeeping restarts from the snapshot and
every delta file is read again, but a delta with ts_ms + 1000 <= T is skipped, since the snapshot
already reflects it (ApproximateCreationDateTime is rounded down to the second) and re-applying it
could overwrite a newer exported value whose own delta was lost. Every compaction commit and ledger
object repeats T, so expiring the snapshot load's commit cannot lose it.
"""
from __future__ import annotations

import json
import uuid

from . import storage

LEDGER_PROPERTY = "dynamodb-lake.ledger"
RUN_PROPERTY = "dynamodb-lake.run-id"
RESTART_PROPERTY = "dynamodb-lake.restart-from-ms"
NO_LEDGER = "none"
FORMAT = 1
ROUNDING_MS = 1000  # ApproximateCreationDateTime is whole seconds, rounded down


def before_horizon(ts_ms: int, horizon_ms: int | None) -> bool:
    """True when the snapshot with this horizon certainly reflects a change stamped ts_ms."""
    return horizon_ms is not None and ts_ms + ROUNDING_MS <= horizon_ms


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


def build(previous: dict | None, parent_uri: str | None, listing: dict[str, int], new_files: list[str],
          quarantined: list[str], run_id: str, now_ms: int, horizon_ms: int | None = None) -> dict:
    """Consumed = (previously consumed ∩ still listed) ∪ new: bounded by what exists under changes/."""
    consumed = {rel: size for rel, size in consumed_files(previous).items() if rel in listing}
    consumed.update({rel: listing[rel] for rel in new_files})
    return {"format": FORMAT, "run_id": run_id, "created_ms": now_ms, "parent": parent_uri,
            "added": sorted(new_files), "quarantined": sorted(quarantined),
            "consumed": dict(sorted(consumed.items())), "horizon_ms": horizon_ms}


def consumed_files(ledger: dict | None) -> dict[str, int]:
    return dict(ledger.get("consumed", {})) if ledger else {}


def write(uri: str, ledger: dict) -> None:
    storage.write_bytes(uri, json.dumps(ledger, separators=(",", ":")).encode("utf-8"))


def read(uri: str | None) -> dict | None:
    if not uri or uri == NO_LEDGER:
        return None
    if not storage.exists(uri):
        raise ValueError(f"ledger {uri}, named by the current table's newest compaction commit, is missing, so which "
                         "delta files were merged is unknown: restore the object, or run load_snapshot again (a "
                         "re-snapshot restarts the bookkeeping)")
    data = json.loads(storage.read_bytes(uri))
    if data.get("format") != FORMAT:
        raise ValueError(f"ledger {uri} has format {data.get('format')!r}; this job reads format {FORMAT}")
    return data
