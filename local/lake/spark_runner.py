"""One long-lived local Spark session that runs the Glue scripts' main() on request, so the local
pipeline pays for the JVM once instead of once per job.

Protocol: one JSON request per line on stdin, one JSON response per line on file descriptor 3.
  {"op": "job", "script": "compact", "argv": [...]}      → {"ok", "exit_code", "output"}
  {"op": "current", "spark_conf", "database", "table"}    → {"ok", "rows": [{"_key","_seq","item"}]}
  {"op": "ping", "spark_conf"?}                           → {"ok"}
The session is the deployed jobs' (Glue's `--conf` argument, from a job's argv or `spark_conf`); a request
with another `--conf` (another lake's warehouse) gets a new session in the same JVM.
A job that calls os._exit (the compaction's --fail_at hook) ends this process: the client starts a new one.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import traceback

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
