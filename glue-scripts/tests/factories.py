"""Record factories and lake helpers for the job tests: fixed sequence numbers, exact rows."""
from __future__ import annotations

import atexit
import functools
import gzip
import json
import os
import shutil
import subprocess
from dataclasses import dataclass

import pytest

import compact
import load_snapshot
from dynamodb_lake import args as job_args

SEQ0 = 10**20  # a 21-digit stream SequenceNumber


def seq40(n: int) -> str:
    return str(n).rjust(40, "0")


# Default change time: 2026-11-20T12:00Z, after the default export time of write_export (the snapshot
# horizon), so a delta applies unless a test dates it before the snapshot.
CHANGE_MS = 1_795_176_000_000


def delta(n: int | str, op: str, pk: str, image: dict | None = None, *, ts_ms: int = CHANGE_MS,
          ttl: bool = False, event_id: str | None = None, sk: str | None = None) -> dict:
    keys = {"pk": {"S": pk}} if sk is None else {"pk": {"S": pk}, "sk": {"N": sk}}
    seq = n if isinstance(n, str) else seq40(n)
    new_image = None if op == "REMOVE" else {**keys, **(image or {})}
    return {"v": 1, "table": "Orders", "op": op, "seq": seq, "ts_ms": ts_ms,
            "event_id": event_id or f"ev-{seq[-12:]}", "ttl_delete": ttl, "keys": keys,
            "new_image": new_image, "old_image": None}


def write_lines(path: str, lines: list[str], gz: bool = True) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    body = "".join(line + "\n" for line in lines).encode()
    with open(path, "wb") as handle:
        handle.write(gzip.compress(body) if gz else body)
    return path


def write_deltas(path: str, deltas: list[dict], gz: bool = True) -> str:
    return write_lines(path, [json.dumps(d) for d in deltas], gz)


def write_export(root: str, export_id: str, items: list[dict], export_time: str = "2026-11-20T10:00:00.000Z",
                 files: int = 2) -> str:
    """An export in the AWS layout: manifest-summary.json, manifest-files.json, data/*.json.gz."""
    directory = os.path.join(root, "AWSDynamoDB", export_id)
    os.makedirs(os.path.join(directory, "data"), exist_ok=True)
    manifest = []
    for index in range(files):
        name = f"data/{export_id[:6]}-{index:04d}.json.gz"
        chunk = items[index::files]
        write_lines(os.path.join(directory, name), [json.dumps({"Item": i}) for i in chunk])
        manifest.append(json.dumps({"itemCount": len(chunk), "md5Checksum": "x", "etag": "x",
                                    "dataFileS3Key": f"exports/Orders/AWSDynamoDB/{export_id}/{name}"}))
    with open(os.path.join(directory, "manifest-files.json"), "w") as handle:
        handle.write("\n".join(manifest) + "\n")
    summary = {"version": "2020-06-30", "exportArn": f"arn:aws:dynamodb:eu-west-1:1:table/Orders/export/{export_id}",
               "startTime": export_time, "endTime": export_time, "exportTime": export_time,
               "tableArn": "arn:aws:dynamodb:eu-west-1:1:table/Orders", "exportStatus": "COMPLETED",
               "itemCount": len(items), "outputFormat": "DYNAMODB_JSON", "manifestFilesS3Key": "x"}
    with open(os.path.join(directory, "manifest-summary.json"), "w") as handle:
        json.dump(summary, handle)
    return directory


@pytest.fixture(name="spark")
def glue_path_spark(glue_spark):
    """With glue_path_warehouse (see GLUE_PATH), moves a test module to the production path: `spark` has
    catalog `lake` = the deployed GlueCatalog + S3FileIO on the session's moto server, `warehouse` is on moto
    S3 (conftest's glue_spark, glue_warehouse). Its lakes pass --catalog_impl glue; a job script run as its
    own process needs conftest.glue_env."""
    return glue_spark


@pytest.fixture(name="warehouse")
def glue_path_warehouse(glue_warehouse) -> str:
    return glue_warehouse


# A test module on the Glue path: `spark, warehouse = GLUE_PATH` (pytest takes a module's fixtures by their names).
GLUE_PATH = (glue_path_spark, glue_path_warehouse)


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@functools.cache
def _job_arguments_process() -> subprocess.Popen:
    """scripts/job-arguments.ts, started once per test session: the deployed jobs' argument builder."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: run the tests after `source scripts/env.sh`")
    process = subprocess.Popen([node, "--import", "tsx", os.path.join(REPO_ROOT, "scripts", "job-arguments.ts")],
                               cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    atexit.register(process.kill)
    return process


@functools.cache
def _job_arguments(job: str, inputs_json: str) -> tuple[tuple[str, str], ...]:
    process = _job_arguments_process()
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({"job": job, "inputs": json.loads(inputs_json)}) + "\n")
    process.stdin.flush()
    answer = json.loads(process.stdout.readline() or '{"error": "scripts/job-arguments.ts exited"}')
    if "error" in answer:
        raise ValueError(f"{job} arguments: {answer['error']}")
    return tuple(answer.items())


def job_arguments(job: str, **inputs) -> dict[str, str]:
    """The `--key value` map of a job script (load_snapshot, compact, maintenance, reconcile), built by
    infra/glue-job-arguments.ts from the inputs (its TableJobInputs fields, keys as `keySchema`)."""
    return dict(_job_arguments(job, json.dumps(inputs, sort_keys=True)))


def argv(arguments: dict[str, str]) -> list[str]:
    return [part for pair in arguments.items() for part in pair]


@dataclass
class Lake:
    """Paths and arguments of one test lake (its own database in the session warehouse): the deployed
    jobs' arguments with the lake in a folder; the catalog is the warehouse's: glue for s3://, else hadoop."""
    root: str
    database: str
    warehouse: str
    key_schema: str = "pk:S"
    declared: str = "{}"
    catalog_impl: str = ""

    def __post_init__(self) -> None:
        if not self.catalog_impl:
            self.catalog_impl = "glue" if self.warehouse.startswith("s3://") else "hadoop"

    @property
    def changes(self) -> str:
        return os.path.join(self.root, "changes", "Orders")

    def inputs(self) -> dict:
        return {"tableName": "Orders", "database": self.database, "bucket": "test-lake", "region": "",
                "keySchema": self.key_schema, "declaredColumns": json.loads(self.declared),
                "catalogImpl": self.catalog_impl, "warehouseUri": self.warehouse, "lakeUri": self.root}

    def common(self) -> list[str]:
        """The arguments every script takes."""
        return argv(job_arguments("table", **self.inputs()))

    def load(self, spark, export_uri: str) -> dict:
        # Four buckets: the tests' tables are tiny.
        arguments = job_arguments("load_snapshot", **self.inputs(), exportUri=export_uri, buckets=4)
        args = job_args.parse(argv(arguments), load_snapshot.SPECIFIC, "")
        return load_snapshot.run(spark, args, say=lambda _line: None)

    def compact_args(self, *extra: str):
        arguments = job_arguments("compact", **self.inputs(), metrics=False)
        return job_args.parse([*argv(arguments), *extra], compact.SPECIFIC, "", compact.REQUIRED)

    def compact(self, spark, fail=lambda _point: None) -> dict:
        return compact.run(spark, self.compact_args(), fail, say=lambda _line: None)

    @property
    def current(self) -> str:
        return f"lake.{self.database}.orders_current"

    def items(self, spark) -> dict[str, tuple[str, str]]:
        """_key → (_seq, item) of the current table."""
        return {r["_key"]: (r["_seq"], r["item"]) for r in spark.table(self.current).collect()}


class SimulatedKill(Exception):
    """Raised by the failure hook where a real run would die (a kill, a lost executor, a timeout)."""


def kill_at(point: str):
    def hook(here: str) -> None:
        if here == point:
            raise SimulatedKill(here)
    return hook


def key(pk: str) -> str:
    return json.dumps({"pk": {"S": pk}}, separators=(",", ":"))


def item_text(pk: str, image: dict) -> str:
    return json.dumps({"pk": {"S": pk}, **image}, separators=(",", ":"), sort_keys=True)
