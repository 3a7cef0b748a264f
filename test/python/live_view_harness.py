"""Runs the generated `<t>_live` view SQL on DuckDB tables shaped like the Glue catalog's.

The SQL comes from the TypeScript generator (infra/views) through node; sqlglot parses it as
Athena/Trino SQL and transpiles it to DuckDB. Tables are created from the generated definitions:
`<t>_changes` from changesTableDefinition (plus dt/hour), `<t>_current` from the current-table
schema (contract 2), `<t>_tombstones` as (_key, _seq, _ts).
"""
from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "test" / "python" / "live_view_sql.ts"
ZERO_SEQ = "0" * 40
HORIZON_KEY = "{}"  # `_key` of the snapshot horizon row in <t>_tombstones (infra/views/live-view.ts)


def generate(specs: list[dict]) -> list[dict]:
    """sql, columns, glue and changes definitions for each spec, from the TypeScript generator."""
    result = subprocess.run(
        ["node", "--import", "tsx", str(SCRIPT), json.dumps(specs)],
        cwd=ROOT, capture_output=True, text=True, check=False, env=os.environ.copy(),
    )
    if result.returncode != 0:
        raise RuntimeError(f"view generator failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


@functools.cache
def parse_athena(sql: str) -> None:
    """Raises unless sqlglot parses the SQL as both Trino and Athena SQL without errors."""
    for dialect in ("trino", "athena"):
        sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)


def _milliseconds_as_duckdb(node: exp.Expression) -> exp.Expression:
    """`n * INTERVAL '0.001' SECOND` (exact in Trino for a bigint n) as DuckDB's to_milliseconds(n):
    DuckDB multiplies an interval by a 32-bit integer only, and epoch milliseconds need 64."""
    if isinstance(node, exp.Mul) and isinstance(node.expression, exp.Interval):
        interval = node.expression
        if interval.this.name == "0.001" and interval.text("unit").upper() == "SECOND":
            return exp.Anonymous(this="to_milliseconds", expressions=[node.this])
    return node


@functools.cache
def to_duckdb(sql: str) -> str:
    tree = sqlglot.parse_one(sql, read="trino", error_level=ErrorLevel.RAISE).transform(_milliseconds_as_duckdb)
    return tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE)


_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_HIVE_TO_DUCKDB = {"string": "VARCHAR", "binary": "BLOB", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN",
                   "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT",
                   "double": "DOUBLE", "float": "REAL", "date": "DATE"}


def duckdb_type(hive: str) -> str:
    match = _DECIMAL.match(hive)
    return f"DECIMAL({match[1]},{match[2]})" if match else _HIVE_TO_DUCKDB[hive]


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pad(seq: str) -> str:
    return seq.rjust(40, "0")


def ts(ms: int) -> datetime:
    """ts_ms as the naive UTC timestamp Athena shows."""
    return datetime(1970, 1, 1) + timedelta(milliseconds=ms)


@dataclass
class Lake:
    """The three tables the view reads, as plain rows; `build` loads them into DuckDB."""
    definition: dict
    database: str
    table: str
    current: list[dict] = field(default_factory=list)
    tombstones: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    @property
    def view_columns(self) -> list[dict]:
        return self.definition["columns"]

    def current_columns(self) -> list[dict]:
        """Contract 2: the view's columns without the two it adds."""
        return [c for c in self.view_columns if c["name"] not in ("_source", "_overflow")]

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {q(self.database)}")
        current = self.current_columns()
        changes = self.definition["changes"]["columns"] + self.definition["changes"]["partitionKeys"]
        tables = {
            f"{self.table}_current": (current, self.current),
            f"{self.table}_tombstones": ([{"name": "_key", "hiveType": "string"}, {"name": "_seq", "hiveType": "string"},
                                          {"name": "_ts", "hiveType": "timestamp"}], self.tombstones),
            f"{self.table}_changes": ([{"name": c["name"], "hiveType": c["type"]} for c in changes], self.changes),
        }
        for name, (columns, rows) in tables.items():
            ddl = ", ".join(f"{q(c['name'])} {duckdb_type(c['hiveType'])}" for c in columns)
            con.execute(f"CREATE OR REPLACE TABLE {q(self.database)}.{q(name)} ({ddl})")
            if rows:
                names = [c["name"] for c in columns]
                marks = ", ".join("?" for _ in names)
                con.executemany(f"INSERT INTO {q(self.database)}.{q(name)} VALUES ({marks})",
                                [[row.get(n) for n in names] for row in rows])

    def query(self) -> list[tuple]:
        """The view's rows, sorted, as DuckDB returns them."""
        parse_athena(self.definition["sql"])
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        self.build(con)
        return sorted(con.execute(to_duckdb(self.definition["sql"])).fetchall(), key=repr)


def duckdb_today() -> date:
    """The date the view's lookback counts from (DuckDB's current_date in UTC)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    row = con.execute("SELECT current_date").fetchone()
    assert row is not None
    return row[0]


def utc_now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def change_row(*, op: str, seq: str, keys: dict, new_image: dict | None, ts_ms: int, dt: str, hour: str = "07",
               event_id: str | None = None, ttl_delete: bool = False, overflow: str | None = None,
               old_image: dict | None = None, table: str = "t") -> dict:
    """One `<t>_changes` row as the SerDe hands it over: nested objects as compact JSON text (Trino's
    JSON SerDe gives the object back compact, members in the order the delta record has them)."""
    return {
        "v": 1, "table": table, "op": op, "seq": seq, "ts_ms": ts_ms, "event_id": event_id or f"ev-{seq}",
        "ttl_delete": ttl_delete, "keys": json_text(keys), "new_image": None if new_image is None else json_text(new_image),
        "old_image": None if old_image is None else json_text(old_image),
        "overflow": overflow, "dt": dt, "hour": hour,
    }
