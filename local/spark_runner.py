"""One long-lived local Spark session that runs the Glue scripts' main() on request, so the local
pipeline pays for the JVM once instead of once per job.

Protocol: one JSON request per line on stdin, one JSON response per line on file descriptor 3.
  {"op": "job", "script": "compact", "argv": [...]}      → {"ok", "exit_code", "output"}
  {"op": "current", "spark_conf", "database", "table"}    → {"ok", "rows": [{"_key","_seq","item"}]}
  {"op": "live", "spark_conf", "database", "table", "sql", "changes_uri"} → {"ok", "rows": [{"_key","_seq","item","_source"}]}
  {"op": "ping", "spark_conf"?}                           → {"ok"}
The session is the deployed jobs' (Glue's `--conf` argument, from a job's argv or `spark_conf`); a request
with another `--conf` (another lake's warehouse) gets a new session in the same JVM.
A job that calls os._exit (the compaction's --fail_at hook) ends this process: the client starts a new one.
"""
from __future__ import annotations

import contextlib
import gzip
import importlib
import io
import json
import os
import re
import sys
import tempfile
import traceback

from dynamodb_lake import storage
from dynamodb_lake.session import CATALOG, SPARK_CONF_ENV, build_session, parse_spark_conf


class Sessions:
    """The session for the `--conf` of the latest request."""

    def __init__(self):
        self.spark = None
        self.conf_text = ""

    def get(self, conf_text: str):
        if not conf_text:
            raise ValueError("the request names no Glue --conf value (spark_conf, or --conf in a job's argv)")
        if self.spark is not None and conf_text != self.conf_text:
            self.spark.stop()
            self.spark = None
        if self.spark is None:
            os.environ[SPARK_CONF_ENV] = conf_text
            warehouse = parse_spark_conf(conf_text).get(f"{CATALOG}.warehouse", "")
            os.environ.setdefault("SPARK_LOG_LEVEL", "ERROR")
            # The catalog's table cache off: other processes (a killed compaction) commit to the same tables
            # between requests, and each Glue job run starts with a fresh catalog anyway.
            self.spark = build_session("glue", warehouse, "dynamodb-lake-local", local_cores=2, shuffle_partitions=4,
                                       extra={f"{CATALOG}.cache-enabled": "false"})
            self.conf_text = conf_text
        return self.spark


def job_conf(argv: list[str]) -> str:
    """The value of the job's `--conf` argument, as Glue reads it."""
    return argv[argv.index("--conf") + 1] if "--conf" in argv[:-1] else ""


def run_job(script: str, argv: list[str]) -> dict:
    module = importlib.import_module(script)
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out):
        try:
            result = module.main(argv)
            code = int(result or 0)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
            if not isinstance(exit_.code, int) and exit_.code is not None:
                print(exit_.code)
        except Exception:  # the job failed: report it, keep the session for the next request
            traceback.print_exc(file=out)
            code = 1
    return {"ok": True, "exit_code": code, "output": out.getvalue()}


def table_rows(spark, database: str, table: str, columns: list[str]) -> list[dict]:
    from dynamodb_lake import tables

    names = tables.names(database, table)
    if not tables.exists(spark, names.current):
        return []
    return [row.asDict() for row in spark.table(names.current).select(*columns).collect()]


_HIVE_HOUR = re.compile(r"/dt=(\d{4}-\d{2}-\d{2})/hour=(\d{2})/")


def partition_of(uri: str) -> tuple[str, str]:
    """dt and hour of a delta object from its Firehose key (changes/<table>/dt=YYYY-MM-DD/hour=HH/<name>)."""
    hive = _HIVE_HOUR.search(uri)
    if hive:
        return hive[1], hive[2]
    raise ValueError(f"cannot tell the dt/hour partition of {uri}")


def change_rows(changes_uri: str) -> list[dict]:
    """<t>_changes as its SerDe hands rows over: nested objects as JSON text, plus dt and hour."""
    rows = []
    for obj in storage.list_objects(changes_uri):
        data = storage.read_bytes(obj.uri)
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        dt, hour = partition_of(obj.uri)
        for line in data.decode("utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            rows.append({
                "v": record.get("v"), "table": record.get("table"), "op": record.get("op"), "seq": record.get("seq"),
                "ts_ms": record.get("ts_ms"), "event_id": record.get("event_id"), "ttl_delete": record.get("ttl_delete"),
                "keys": json.dumps(record.get("keys"), ensure_ascii=False),
                "new_image": None if record.get("new_image") is None else json.dumps(record["new_image"], ensure_ascii=False),
                "old_image": None if record.get("old_image") is None else json.dumps(record["old_image"], ensure_ascii=False),
                "overflow": record.get("overflow"), "dt": dt, "hour": hour,
            })
    return rows


def millis_interval(node):
    """Trino's exact `n * INTERVAL '0.001' SECOND` as DuckDB's to_milliseconds(n): DuckDB multiplies an
    interval by a 32-bit integer only, and epoch milliseconds overflow it."""
    from sqlglot import exp

    if isinstance(node, exp.Mul) and isinstance(node.expression, exp.Interval):
        interval = node.expression
        if interval.this.name == "0.001" and interval.text("unit").upper() == "SECOND":
            return exp.func("to_milliseconds", node.this)
    return node


def live_view(spark, request: dict) -> list[dict]:
    """The generated <t>_live SQL, transpiled to DuckDB, over the current and tombstone tables (from Spark)
    and the delta objects (from S3)."""
    import duckdb
    import sqlglot
    from sqlglot.errors import ErrorLevel

    from dynamodb_lake import tables

    names = tables.names(request["database"], request["table"])
    database, base = request["catalog_database"], request["catalog_table"]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f'CREATE SCHEMA "{database}"')
    with tempfile.TemporaryDirectory() as tmp:
        for suffix, table in (("current", names.current), ("tombstones", names.tombstones)):
            path = os.path.join(tmp, suffix)
            spark.table(table).coalesce(1).write.mode("overwrite").parquet(path)
            con.execute(f'CREATE TABLE "{database}"."{base}_{suffix}" AS SELECT * FROM read_parquet(\'{path}/*.parquet\')')
    columns = request["changes_columns"]
    ddl = ", ".join(f'"{c["name"]}" {c["duckdb"]}' for c in columns)
    con.execute(f'CREATE TABLE "{database}"."{base}_changes" ({ddl})')
    rows = change_rows(request["changes_uri"])
    if rows:
        names_ = [c["name"] for c in columns]
        con.executemany(f'INSERT INTO "{database}"."{base}_changes" VALUES ({", ".join("?" for _ in names_)})',
                        [[row.get(n) for n in names_] for row in rows])
    tree = sqlglot.parse_one(request["sql"], read="trino", error_level=ErrorLevel.RAISE).transform(millis_interval)
    sql = tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE)
    cursor = con.execute(f'SELECT "_key", "_seq", "item", "_source" FROM ({sql}) AS live')
    return [dict(zip(("_key", "_seq", "item", "_source"), row)) for row in cursor.fetchall()]


def main() -> int:
    responses = os.fdopen(3, "w", encoding="utf-8")
    sessions = Sessions()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            op = request["op"]
            if op == "job":
                sessions.get(job_conf(request["argv"]))
                response = run_job(request["script"], request["argv"])
            elif op == "current":
                spark = sessions.get(request.get("spark_conf", ""))
                rows = table_rows(spark, request["database"], request["table"], ["_key", "_seq", "item"])
                response = {"ok": True, "rows": rows}
            elif op == "live":
                response = {"ok": True, "rows": live_view(sessions.get(request.get("spark_conf", "")), request)}
            elif op == "ping":
                if request.get("spark_conf"):
                    sessions.get(request["spark_conf"])
                response = {"ok": True}
            else:
                response = {"ok": False, "error": f"unknown op {op!r}"}
        except Exception:
            response = {"ok": False, "error": traceback.format_exc()}
        responses.write(json.dumps(response, default=str) + "\n")
        responses.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
