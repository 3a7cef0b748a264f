"""Compaction cost against the history of delta files: one new file merged into a lake with SMALL files of
history and into one with LARGE, side by side in one run, alternating. The ratio (large / small) of time
and of bytes written is the figure: "bookkeeping follows change" means it stays near 1.

  source scripts/env.sh && python bench/history_bench.py [--small 1000] [--large 100000] [--rounds 3]
      [--cores 2]

S3 is moto's server, in this process (moto.server.ThreadedMotoServer), one bucket per lake: the compaction
lists, reads and writes through boto3 and HTTP exactly as against S3. The history is written straight into
the server's backend (100,000 PUTs over HTTP would take longer than the benchmark): one file a minute
(100,000 minutes ≈ 69 days) under Firehose's keys (changes/<table>/dt=…/hour=…/), each with the LastModified
it would have had; file i changes key k<i mod 500> with a seq rising with i.

What is seeded: the steady state of a lake with a long history, i.e. every history file consumed, the
committed ledger (format 2, window start, watermark, closed mark) as the previous run wrote it, and the last
full late sweep just done. It is reached by the product itself: load_snapshot, then compact.run, which finds
no ledger, so sweeps: the real plan (compact.plan: ledger read, a full listing of the history with every LIST
page, ledger.select and ledger.next_bookkeeping over all of it) decides the bookkeeping, and the run writes
that ledger and commits it with its MERGE. One thing is cut: the sweep parses only the newest 500 files,
which hold every key's newest change, instead of all of them (100,000 GETs and parses took longer than the
rest of the benchmark). Latest-wins by seq makes the table the same, and the ledger's bookkeeping does not
depend on which files were parsed (only its informational "added" list is shorter). The benchmark proves
the equivalence each run: a third lake with the SMALL history takes the full sweep (every file parsed) at
the same clock, and its table, tombstones and bookkeeping must equal the seeded small lake's, or it stops.

Measured: each round adds one file to each lake (under the current hour's key) and times one compaction of
each; round 0 is a warm-up. The runs list with StartAfter = the window start, read the ledger and the new
file, write a ledger and a MERGE commit. A measured run that sweeps stops the benchmark (the sweep runs every
--late_sweep_hours, 24 by default, after the seeded one); the daily sweep is timed afterwards, on its own
row, one per lake. Bytes written: the ledger object plus the Iceberg files of the MERGE commit
(added-files-size). S3 requests are counted on the job's S3 client (the driver's: LIST, the ledger GET and
PUT; executors GET the delta files, one per new file). Emulator cost is reported apart from the product's:
moto answers a LIST by scanning and sorting every key of the bucket whatever StartAfter says (S3 does not),
so the seconds the job spent in LIST calls and moto's own time for one such LIST are printed per lake. The
emulator's objects (1.5 million Python objects for 100,000 keys) live in this process's heap: they are frozen
out of the garbage collector (gc.freeze), else a full collection walks them during a run (1.7 s each here).
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import gzip
import json
import logging
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "glue-scripts")]

import bench_data  # noqa: E402
import compact  # noqa: E402
import load_snapshot  # noqa: E402
from dynamodb_lake import args as job_args  # noqa: E402
from dynamodb_lake import ledger, storage, tables  # noqa: E402
from dynamodb_lake.session import build_session  # noqa: E402

MINUTE_MS = 60_000
KEYS = 500
CHECK = "check"  # the lake that takes the full sweep, to prove the seeding equivalent


def quiet(_line: str) -> None:
    pass


def bucket(label: str) -> str:
    return f"bench-{label}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def moto_backend():
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["global"]


def delta_file(seq: int, ts_ms: int, pk: str) -> bytes:
    line = {"v": 1, "table": "Bench", "op": "MODIFY", "seq": str(seq).rjust(40, "0"), "ts_ms": ts_ms,
            "event_id": f"e{seq}", "ttl_delete": False, "keys": {"pk": {"S": pk}},
            "new_image": {"pk": {"S": pk}, "n": {"N": str(seq)}}, "old_image": None}
    return gzip.compress((json.dumps(line) + "\n").encode())


def write_history(label: str, count: int, now_ms: int) -> None:
    """count files, one a minute up to now, straight into the emulator's backend, LastModified as landed."""
    backend = moto_backend()
    for index in range(count):
        landed = now_ms - (count - index) * MINUTE_MS
        key = f"changes/{label}/{ledger.hour_prefix(landed - MINUTE_MS)}bench-1-{landed}-{index}.gz"
        body = delta_file(10**20 + index, landed - 2 * MINUTE_MS, f"k{index % KEYS}")
        stored = backend.put_object(bucket(label), key, body)
        stored.last_modified = datetime.fromtimestamp(landed / 1000, tz=UTC).replace(tzinfo=None)


def common(table: str, warehouse: str) -> list[str]:
    return ["--table_name", table, "--database", "bench", "--catalog_impl", "hadoop", "--warehouse", warehouse,
            "--key_schema", "pk:S", "--buckets", "4"]


def compact_args(label: str, warehouse: str, *extra: str):
    root = f"s3://{bucket(label)}/"
    return job_args.parse([*common(label, warehouse), "--changes_uri", f"{root}changes/{label}/",
                           "--quarantine_uri", f"{root}quarantine/{label}/", "--state_uri", f"{root}_lake/{label}/",
                           *extra], compact.SPECIFIC, "", compact.REQUIRED)


def decisive(files: list[ledger.Listed]) -> list[ledger.Listed]:
    """The newest KEYS history files: file i changes key i mod KEYS with a seq rising with i, so these hold
    every key's newest change, and merging them gives the table that merging every file gives."""
    return sorted(files, key=lambda o: o.mtime_ms)[-KEYS:]


def seed(spark, label: str, warehouse: str, root: str, now_ms: int, full: bool) -> dict:
    """The snapshot load and the sweep after it, at the clock now_ms; full=False parses the decisive files only."""
    export_dir, _raw = bench_data.write_export(os.path.join(root, label, "exports"), "e1", KEYS, files=1)
    load_snapshot.run(spark, job_args.parse([*common(label, warehouse), "--export_uri", export_dir],
                                            load_snapshot.SPECIFIC, ""), say=quiet)
    args = compact_args(label, warehouse)
    if full:
        return compact.run(spark, args, say=quiet, clock=lambda: now_ms / 1000)
    real_plan = compact.plan

    def seeding_plan(spark_, args_, at_ms: int) -> compact.Plan:
        planned = real_plan(spark_, args_, at_ms)
        assert planned.swept and not planned.late, "the run after a snapshot load sweeps"
        return dataclasses.replace(planned, new=decisive(planned.new))

    with mock.patch.object(compact, "plan", seeding_plan):
        return compact.run(spark, args, say=quiet, clock=lambda: now_ms / 1000)


def committed_state(spark, label: str) -> tuple:
    """What the next run reads: the table, the tombstones, the bookkeeping and horizon of the committed ledger."""
    names = tables.names("bench", label)
    pointer = tables.ledger_pointer(spark, names.current)
    saved = ledger.read(pointer.ledger)
    rows = [spark.sql(f"SELECT * FROM {t} ORDER BY `_key`").collect() for t in (names.current, names.tombstones)]
    return (*rows, ledger.bookkeeping(saved), ledger.horizon(pointer.restart_from_ms, saved))


class S3Calls:
    """Requests by operation on the job's (driver's) S3 client, and the seconds spent in LIST calls."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.list_seconds = 0.0
        self._started = 0.0
        events = storage.s3_client().meta.events
        events.register("before-call.s3", self.before)
        events.register("after-call.s3", self.after)

    def before(self, model, **_kwargs) -> None:
        self.counts[model.name] += 1
        self._started = time.perf_counter()

    def after(self, model, **_kwargs) -> None:
        if model.name == "ListObjectsV2":
            self.list_seconds += time.perf_counter() - self._started


def moto_list_seconds(label: str, start_after: str, repeat: int = 5) -> float:
    """moto's own time for one LIST page of the lake's changes with StartAfter (median), no HTTP."""
    backend = moto_backend()
    found = backend.get_bucket(bucket(label))
    prefix = f"changes/{label}/"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        backend.list_objects_v2(found, prefix, None, None, prefix + start_after, 1000)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def timed_run(spark, label: str, warehouse: str, calls: S3Calls, name: str, *extra: str) -> dict:
    landed = int(time.time() * 1000)
    key = f"changes/{label}/{ledger.hour_prefix(landed)}bench-1-new-{name}.gz"
    storage.s3_client().put_object(Bucket=bucket(label), Key=key, Body=delta_file(10**30 + landed, landed, "k1"))
    before, list_before = Counter(calls.counts), calls.list_seconds
    started = time.time()
    summary = compact.run(spark, compact_args(label, warehouse, *extra), say=quiet)
    seconds = time.time() - started
    table = tables.names("bench", label).current
    snap = tables.snapshot_summary(spark, table, tables.current_snapshot_id(spark, table))
    requests = calls.counts - before
    row = {"seconds": round(seconds, 2), "files": summary["files"], "swept": summary["swept"],
           "list_requests": requests["ListObjectsV2"], "list_seconds": round(calls.list_seconds - list_before, 3),
           "other_requests": sum(requests.values()) - requests["ListObjectsV2"],
           "ledger_bytes": summary["ledger_bytes"], "table_bytes": int(snap.get("added-files-size", 0))}
    row["bytes_written"] = row["ledger_bytes"] + row["table_bytes"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    opts = parser.parse_args()
    if opts.small < KEYS:
        raise SystemExit(f"--small must be at least {KEYS}: the history's newest files must touch every key")
    from moto.server import ThreadedMotoServer

    bench_started = time.time()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    os.environ.pop("AWS_ENDPOINT_URL_S3", None)
    storage.s3_client.cache_clear()
    sizes = {"small": opts.small, "large": opts.large}
    for label in (*sizes, CHECK):
        storage.s3_client().create_bucket(Bucket=bucket(label))
    root = tempfile.mkdtemp(prefix="history-bench-")
    warehouse = os.path.join(root, "warehouse")
    spark = build_session("hadoop", warehouse, "history-bench", local_cores=opts.cores,
                          shuffle_partitions=2 * opts.cores)
    now_ms = int(time.time() * 1000)
    calls = S3Calls()
    for label, count in (*sizes.items(), (CHECK, opts.small)):
        started = time.time()
        write_history(label, count, now_ms)
        written = time.time() - started
        gc.collect()
        gc.freeze()  # the emulator's objects live in this heap: the collector must not walk them on the job's time
        lists_before = calls.counts["ListObjectsV2"]
        first = seed(spark, label, warehouse, root, now_ms, full=label == CHECK)
        print(f"{label}: {count} history files written in {written:.1f}s; snapshot load and "
              f"{'full' if label == CHECK else 'seeding'} sweep in {time.time() - started - written:.1f}s "
              f"({calls.counts['ListObjectsV2'] - lists_before} LIST pages, {first['files']} files parsed, "
              f"ledger {first['ledger_bytes']} bytes)", flush=True)
    if committed_state(spark, "small") != committed_state(spark, CHECK):
        raise SystemExit("the seeded small lake differs from the one that took the full sweep: the seeding is wrong")
    print(f"seeding check: the seeded {opts.small}-file lake's table, tombstones and bookkeeping equal a full "
          "sweep's", flush=True)
    results: dict[str, list[dict]] = {label: [] for label in sizes}
    for round_number in range(opts.rounds + 1):
        for label in (sizes if round_number % 2 == 0 else reversed(list(sizes))):
            row = {"round": round_number, **timed_run(spark, label, warehouse, calls, str(round_number))}
            if row["swept"]:
                raise SystemExit(f"round {round_number} of {label} swept: the measured rounds must not")
            results[label].append(row)
            print(f"round {round_number} {label}: {row}", flush=True)
    window = {label: committed_state(spark, label)[2].window_start for label in sizes}
    emulator = {label: round(moto_list_seconds(label, window[label]), 3) for label in sizes}
    sweeps = {label: timed_run(spark, label, warehouse, calls, "sweep", "--late_sweep_hours", "0")
              for label in sizes}
    for label, row in sweeps.items():
        print(f"sweep {label}: {row}", flush=True)
    measured = {label: [r for r in rows if r["round"] > 0] for label, rows in results.items()}  # round 0: warm-up
    fields = ("seconds", "bytes_written", "ledger_bytes", "list_requests", "list_seconds", "other_requests")
    med = {label: {k: statistics.median(r[k] for r in rows) for k in fields} for label, rows in measured.items()}
    small, large = med["small"], med["large"]
    report = {"history_files": sizes, "rounds_measured": opts.rounds, "cores": opts.cores, **med,
              "time_ratio": round(large["seconds"] / small["seconds"], 2),
              "time_ratio_without_list_calls": round((large["seconds"] - large["list_seconds"])
                                                     / (small["seconds"] - small["list_seconds"]), 2),
              "bytes_written_ratio": round(large["bytes_written"] / small["bytes_written"], 2),
              "moto_list_seconds": emulator, "sweep": sweeps, "bench_seconds": round(time.time() - bench_started)}
    print("| history files | compaction s (median) | bytes written | of which ledger | LIST requests "
          "| s in LIST calls | moto s per LIST | other S3 requests |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, count in sizes.items():
        m = med[label]
        print(f"| {count:,} | {m['seconds']:.1f} | {m['bytes_written']:,.0f} | {m['ledger_bytes']:,.0f} "
              f"| {m['list_requests']:.0f} | {m['list_seconds']:.2f} | {emulator[label]:.2f} "
              f"| {m['other_requests']:.0f} |")
    for label, count in sizes.items():
        s = sweeps[label]
        print(f"| {count:,}, daily sweep | {s['seconds']:.1f} | {s['bytes_written']:,} | {s['ledger_bytes']:,} "
              f"| {s['list_requests']} | {s['list_seconds']:.2f} | | {s['other_requests']} |")
    print(json.dumps(report))
    spark.stop()
    server.stop()


if __name__ == "__main__":
    main()
