"""Trino 476, the local stand-in for Athena (engine v3 is Trino), against the moto server.

One place describes the server: `etc_files` writes every configuration file, `TrinoServer` starts one
process on a free loopback port, answers queries over the REST protocol and stops it again. The tests use
it from Python (test/python/conftest.py); the demo through the command line:

  python local/emulator/trino_server.py serve --aws-endpoint URL [--region R]

prints one JSON line {"url": …, "startSeconds": …, "rssBytes": …} once Trino answers, and stops Trino when
its standard input closes or it gets SIGTERM/SIGINT.

The catalogs are Athena's: `awsdatacatalog` (the hive connector on the Glue catalog, partition projection
on, Iceberg tables redirected to `iceberg`) and `iceberg` (the Iceberg connector on the same Glue catalog).
Set-up (scripts/setup.sh) unpacks Trino under .tools/ and records the Java it runs on.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRINO_VERSION = "476"
TRINO_HOME = ROOT / ".tools" / f"trino-{TRINO_VERSION}"
# Athena's name for the Glue Data Catalog: Athena views name it (infra/views/presto-view.ts ATHENA_CATALOG).
ATHENA_CATALOG = "awsdatacatalog"
ICEBERG_CATALOG = "iceberg"
USER = "dynamodb-lake"


@dataclass(frozen=True)
class AwsEndpoint:
    """Where Glue and S3 answer (the moto server) and the dummy credentials it takes."""
    url: str
    region: str = "us-east-1"
    access_key: str = "testing"
    secret_key: str = "testing"


class TrinoError(RuntimeError):
    """A query Trino refused or failed; `name` is Trino's error name (e.g. TABLE_NOT_FOUND)."""

    def __init__(self, name: str, message: str, sql: str):
        super().__init__(f"{name}: {message}\n--- query ---\n{sql}")
        self.name = name


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def etc_files(port: int, aws: AwsEndpoint, data_dir: Path) -> dict[str, str]:
    """Every file of Trino's etc directory, by relative path."""
    glue_and_s3 = {
        "hive.metastore.glue.region": aws.region,
        "hive.metastore.glue.endpoint-url": aws.url,
        "hive.metastore.glue.aws-access-key": aws.access_key,
        "hive.metastore.glue.aws-secret-key": aws.secret_key,
        "fs.native-s3.enabled": "true",
        "s3.endpoint": aws.url,
        "s3.region": aws.region,
        "s3.path-style-access": "true",
        "s3.aws-access-key": aws.access_key,
        "s3.aws-secret-key": aws.secret_key,
    }
    return {
        "node.properties": _properties({
            "node.environment": "local",
            "node.id": f"dynamodb-lake-{port}",
            "node.data-dir": str(data_dir),
            "node.bind-ip": "127.0.0.1",
            "node.internal-address": "127.0.0.1",
        }),
        "jvm.config": "".join(f"{line}\n" for line in (
            "-server",
            "-Xmx1G",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:+EnableDynamicAgentLoading",
            "-Djdk.attach.allowAttachSelf=true",
            "-Duser.timezone=UTC",
            "-Dfile.encoding=UTF-8",
        )),
        "config.properties": _properties({
            "coordinator": "true",
            "node-scheduler.include-coordinator": "true",
            "http-server.http.port": str(port),
            "discovery.uri": f"http://127.0.0.1:{port}",
            "query.max-memory": "512MB",
            "query.max-memory-per-node": "512MB",
            "memory.heap-headroom-per-node": "256MB",
        }),
        "log.properties": "io.trino=WARN\n",
        f"catalog/{ATHENA_CATALOG}.properties": _properties({
            "connector.name": "hive",
            "hive.metastore": "glue",
            # Athena reads <t>_changes through its partition projection: no Glue partitions exist.
            "hive.partition-projection-enabled": "true",
            # Athena reads Iceberg tables of the Glue catalog through the same catalog name.
            "hive.iceberg-catalog-name": ICEBERG_CATALOG,
            # moto lacks GetColumnStatisticsForPartition.
            "hive.table-statistics-enabled": "false",
            **glue_and_s3,
        }),
        f"catalog/{ICEBERG_CATALOG}.properties": _properties({
            "connector.name": "iceberg",
            "iceberg.catalog.type": "glue",
            "iceberg.hive-catalog-name": ATHENA_CATALOG,
            **glue_and_s3,
        }),
    }


def java_home() -> Path:
    """The Java >= 22 set-up chose for Trino."""
    recorded = TRINO_HOME / "java-home"
    if not (TRINO_HOME / ".installed").exists() or not recorded.exists():
        raise RuntimeError(f"Trino {TRINO_VERSION} is not installed under {TRINO_HOME}: run ./scripts/setup.sh")
    home = Path(recorded.read_text().strip())
    if not (home / "bin" / "java").exists():
        raise RuntimeError(f"{home}/bin/java (recorded in {recorded}) is gone: run ./scripts/setup.sh again")
    return home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _value(value, type_signature: dict):
    """A REST result value as Python: exact decimals, naive UTC timestamps, bytes."""
    if value is None:
        return None
    raw = type_signature["rawType"]
    if raw == "decimal":
        return Decimal(value)
    if raw == "timestamp":
        return dt.datetime.fromisoformat(value)
    if raw == "date":
        return dt.date.fromisoformat(value)
    if raw == "varbinary":
        return base64.b64decode(value)
    if raw in ("array", "map", "row"):
        return value
    return value


class TrinoServer:
    """One Trino process on 127.0.0.1; `start()` waits until it serves queries, `stop()` always cleans up."""

    def __init__(self, aws: AwsEndpoint, *, start_timeout: float = 240.0):
        self.aws = aws
        self.start_timeout = start_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.start_seconds: float | None = None
        self._dir: Path | None = None
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> TrinoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def log_path(self) -> Path:
        assert self._dir is not None
        return self._dir / "server.log"

    def start(self) -> TrinoServer:
        home = java_home()
        self._dir = Path(tempfile.mkdtemp(prefix="trino-"))
        etc, data = self._dir / "etc", self._dir / "data"
        for relative, text in etc_files(self.port, self.aws, data).items():
            path = etc / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        env = {**os.environ, "JAVA_HOME": str(home), "PATH": f"{home / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
        began = time.monotonic()
        with open(self.log_path, "wb") as log:
            # Its own session: stop() ends the launcher and the JVM together.
            self._process = subprocess.Popen(
                [str(TRINO_HOME / "bin" / "launcher"), "run", f"--etc-dir={etc}", f"--data-dir={data}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - began
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"Trino exited with {self._process.returncode} while starting:\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/v1/info", timeout=2) as response:
                    # Started is not yet schedulable: until the node manager lists the coordinator as an
                    # active node, queries fail with NO_NODES_AVAILABLE.
                    if json.load(response).get("starting") is False and self._runs_a_query():
                        return
            except (OSError, ValueError):
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise RuntimeError(f"Trino did not start within {self.start_timeout:.0f} s on {self.url}:\n{self._log_tail()}")
            time.sleep(0.5)

    def _runs_a_query(self) -> bool:
        """True when `SELECT 1` completes (False while the server has no active node yet)."""
        headers = {"X-Trino-User": "readiness"}
        request = urllib.request.Request(f"{self.url}/v1/statement", data=b"SELECT 1", headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            page = json.load(response)
        while "error" not in page and page.get("nextUri"):
            with urllib.request.urlopen(urllib.request.Request(page["nextUri"], headers=headers), timeout=10) as response:
                page = json.load(response)
        return "error" not in page

    def _log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def rss_bytes(self) -> int:
        """Resident memory of the server's processes (the launcher execs the JVM, so one in practice)."""
        assert self._process is not None
        total = 0
        for pid in _session_pids(self._process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def query(self, sql: str, *, catalog: str = ATHENA_CATALOG, schema: str | None = None) -> list[tuple]:
        """Runs one statement as Athena would (session time zone UTC) and returns its rows."""
        return self.query_with_columns(sql, catalog=catalog, schema=schema)[1]

    def query_with_columns(self, sql: str, *, catalog: str = ATHENA_CATALOG,
                           schema: str | None = None) -> tuple[list[str], list[tuple]]:
        headers = {"X-Trino-User": USER, "X-Trino-Catalog": catalog, "X-Trino-Time-Zone": "UTC",
                   "Content-Type": "text/plain; charset=utf-8"}
        if schema is not None:
            headers["X-Trino-Schema"] = schema
        request = urllib.request.Request(f"{self.url}/v1/statement", data=sql.encode("utf-8"), headers=headers, method="POST")
        columns: list[dict] | None = None
        rows: list[tuple] = []
        while True:
            with urllib.request.urlopen(request, timeout=300) as response:
                page = json.load(response)
            if "error" in page:
                error = page["error"]
                raise TrinoError(error.get("errorName", "ERROR"), error.get("message", ""), sql)
            if columns is None and "columns" in page:
                columns = page["columns"]
            for row in page.get("data", []):
                assert columns is not None
                rows.append(tuple(_value(v, c["typeSignature"]) for v, c in zip(row, columns)))
            if "nextUri" not in page:
                return [c["name"] for c in columns or []], rows
            request = urllib.request.Request(page["nextUri"], headers={"X-Trino-User": USER})


def _session_pids(leader: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == leader:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def serve(aws: AwsEndpoint) -> None:
    """Runs Trino until stdin closes or a stop signal comes; prints where it is once ready."""
    server = TrinoServer(aws)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    try:
        server.start()
        print(json.dumps({"url": server.url, "startSeconds": round(server.start_seconds or 0, 1),
                          "rssBytes": server.rss_bytes()}), flush=True)
        stop.wait()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Trino as Athena's local stand-in, on the moto server")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="start Trino, print its URL as JSON, stop when stdin closes")
    run.add_argument("--aws-endpoint", required=True, help="the moto server's URL (Glue and S3)")
    run.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)
    serve(AwsEndpoint(args.aws_endpoint, args.region))


if __name__ == "__main__":
    main()
