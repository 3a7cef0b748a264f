"""Session fixtures for the Trino-judged tests (test/python): one moto server and one Trino on it for the whole
run. At the root, not in test/python: glue-scripts/tests import their own conftest module by name, and a
second conftest module next to theirs would take its place."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
for folder in (ROOT / "local" / "emulator", ROOT / "glue-scripts" / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from moto_server import MotoServer  # noqa: E402
from trino_server import AwsEndpoint, TrinoServer  # noqa: E402


@pytest.fixture(scope="session")
def trino_moto():
    server = MotoServer()
    try:
        yield server
    finally:
        server.stop()


TRINO_STATS: dict[str, float] = {}


@pytest.fixture(scope="session")
def trino(trino_moto):
    """Trino 476 on the moto server, shared by every test of the run and stopped at its end (also on failure)."""
    server = TrinoServer(AwsEndpoint(trino_moto.url))
    server.start()
    TRINO_STATS.update(start_seconds=server.start_seconds or 0.0, rss_after_start=server.rss_bytes())
    started = time.monotonic()
    try:
        yield server
    finally:
        TRINO_STATS.update(rss_at_end=server.rss_bytes(), seconds_in_use=time.monotonic() - started)
        server.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    if TRINO_STATS:
        terminalreporter.write_line(
            f"trino: started in {TRINO_STATS['start_seconds']:.1f} s; RSS {TRINO_STATS['rss_after_start'] / 2**20:.0f} MiB "
            f"after start, {TRINO_STATS['rss_at_end'] / 2**20:.0f} MiB at the end; in use {TRINO_STATS['seconds_in_use']:.0f} s")
