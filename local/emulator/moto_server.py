"""moto's server with Glue's optimistic lock on UpdateTable and Firehose's S3 prefix expressions: the local
AWS for every local run and test.

  python local/emulator/moto_server.py [-H 127.0.0.1] [-p PORT] [--plain-glue-updates] [--pair-glue-updates SECONDS]
                              [--plain-firehose-prefix]

Glue rejects an UpdateTable whose VersionId is not the table's current version with
ConcurrentModificationException. Iceberg's GlueCatalog commits rely on exactly that (it sends the VersionId
of the table it read, and retries on the exception); moto 5.2.5 ignores VersionId, so two commits racing on
one table could both "succeed" and one would silently vanish. Here the compare and the update happen under
one lock, as one step.

Test hooks (never used by the demo): --plain-glue-updates keeps moto's unchecked UpdateTable, to show the
loss it allows; --pair-glue-updates S holds each UpdateTable up to S seconds until another one arrives, so
two racing commits both read the same version before either lands (the race happens every time).

Firehose expands `!{timestamp:<pattern>}` and `!{firehose:random-string}` in an S3 destination's Prefix
(the arrival time, UTC) and appends its default YYYY/MM/DD/HH/ only to a prefix without a timestamp
expression; moto 5.2.5 takes the prefix literally and always appends YYYY/MM/DD/HH/, so deltas would land
outside the dt=/hour= layout the _changes projection and compaction's listing read. --plain-firehose-prefix
keeps moto's keys (test hook).
"""
from __future__ import annotations

import argparse
import secrets
import sys
import threading
from collections.abc import Callable
from typing import Any

from firehose_prefix import expand_prefix
from moto.core.utils import utcnow
from moto.firehose.models import FirehoseBackend
from moto.glue.exceptions import GlueClientError
from moto.glue.responses import GlueResponse


class ConcurrentModificationException(GlueClientError):
    def __init__(self, message: str):
        super().__init__("ConcurrentModificationException", message)


def current_version(backend: Any, database: Any, table: Any) -> str:
    """The table's VersionId as GetTable reports it."""
    return str(backend.get_table(database, table).as_dict()["VersionId"])


def checked_update(original: Callable[[GlueResponse], Any], lock: threading.Lock) -> Callable[[GlueResponse], Any]:
    def update_table(self: GlueResponse) -> Any:
        expected = self.parameters.get("VersionId")
        database = self.parameters.get("DatabaseName")
        table = (self.parameters.get("TableInput") or {}).get("Name")
        with lock:
            if expected is not None:
                actual = current_version(self.glue_backend, database, table)
                if str(expected) != actual:
                    raise ConcurrentModificationException(
                        f"Table {database}.{table} was modified concurrently: VersionId {expected} is stale, "
                        f"the current version is {actual}")
            return original(self)

    return update_table


class Pairing:
    """Holds each caller until a second one arrives (or `seconds` pass), then lets both through."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.condition = threading.Condition()
        self.waiting = 0
        self.generation = 0

    def meet(self) -> None:
        with self.condition:
            if self.waiting:
                self.waiting = 0
                self.generation += 1
                self.condition.notify_all()
                return
            self.waiting = 1
            generation = self.generation
            self.condition.wait_for(lambda: self.generation != generation, timeout=self.seconds)
            if self.generation == generation:  # nobody came: go alone
                self.waiting = 0


def paired(update: Callable[[GlueResponse], Any], pairing: Pairing) -> Callable[[GlueResponse], Any]:
    def update_table(self: GlueResponse) -> Any:
        pairing.meet()
        return update(self)

    return update_table


def patch_glue(version_check: bool = True, pair_seconds: float = 0.0) -> None:
    update: Callable[[GlueResponse], Any] = GlueResponse.update_table
    if version_check:
        update = checked_update(update, threading.Lock())
    if pair_seconds > 0:
        update = paired(update, Pairing(pair_seconds))
    GlueResponse.update_table = update  # type: ignore[method-assign,assignment]


def object_path(delivery_stream_name: str, version_id: str, prefix: str) -> str:
    """Firehose's S3 object key: the expanded prefix, then DeliveryStreamName-Version-YYYY-MM-DD-HH-MM-SS-random."""
    moment = utcnow()
    return (f"{expand_prefix(prefix, moment)}{delivery_stream_name}-{version_id}-"
            f"{moment.strftime('%Y-%m-%d-%H-%M-%S')}-{secrets.token_hex(16)}")


def patch_firehose() -> None:
    FirehoseBackend._format_s3_object_path = staticmethod(object_path)  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plain-glue-updates", action="store_true", help="test hook: moto's UpdateTable, unchecked")
    parser.add_argument("--pair-glue-updates", type=float, default=0.0, metavar="SECONDS",
                        help="test hook: hold each UpdateTable up to SECONDS for a second one")
    parser.add_argument("--plain-firehose-prefix", action="store_true",
                        help="test hook: moto's Firehose keys (prefix taken literally, then YYYY/MM/DD/HH/)")
    ours, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    patch_glue(version_check=not ours.plain_glue_updates, pair_seconds=ours.pair_glue_updates)
    if not ours.plain_firehose_prefix:
        patch_firehose()
    from moto.server import main as moto_main

    moto_main(rest)


if __name__ == "__main__":
    main()
