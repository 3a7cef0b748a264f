"""Compaction cost against the history of delta files: one new file merged into a lake with SMALL files of
history and into one with LARGE, side by side in one run, alternating. The ratio (large / small) of time
and of bytes written is the figure: "bookkeeping follows change" means it stays near 1.

  source scripts/env.sh && python bench/history_bench.py [--small 1000] [--large 100000] [--rounds 3]
      [--cores 2]

The lakes' S3 is moto's server, in this process (moto.server.ThreadedMotoServer): the compaction lists,
reads and writes through boto3 and HTTP exactly as against S3. The history is written straight into the
server's backend (100,000 PUTs over HTTP would take longer than the benchmark), one file a minute under
Firehose's keys (changes/<table>/dt=…/hour=…/), each with the LastModified it would have had. Both lakes
first run one compaction over their whole history (the sweep after the snapshot load), then each round adds
one file to each lake and times one compaction of each. Bytes written: the ledger object plus the Iceberg
files of the MERGE commit (added-files-size); list requests are counted on the job's S3 client.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "glue-scripts")]

import bench_data  # noqa: E402
import compact  # noqa: E402
import load_snapshot  # noqa: E402
from dynamodb_lake import args as job_args  # noqa: E402
from dynamodb_lake import ledger, storage, tables  # noqa: E402
from dynamodb_lake.session import build_session  # noqa: E402

BUCKET = "bench-lake"
MINUTE_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def delta_file(seq: int, ts_ms: int, pk: str) -> bytes:
    line = {"v": 1, "table": "Bench", "op": "MODIFY", "seq": str(seq).rjust(40, "0"), "ts_ms": ts_ms,
            "event_id": f"e{seq}", "ttl_delete": False, "keys": {"pk": {"S": pk}},
            "new_image": {"pk": {"S": pk}, "n": {"N": str(seq)}}, "old_image": None}
    return gzip.compress((json.dumps(line) + "\n").encode())


def write_history(table: str, count: int, now_ms: int) -> None:
    """count files, one a minute up to now, straight into the emulator's backend, LastModified as landed."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    for index in range(count):
        landed = now_ms - (count - index) * MINUTE_MS
        key = f"changes/{table}/{ledger.hour_prefix(landed - MINUTE_MS)}bench-1-{landed}-{index}.gz"
        stored = backend.put_object(BUCKET, key, delta_file(10**20 + index, landed - 2 * MINUTE_MS, f"k{index % 500}"))
        stored.last_modified = datetime.fromtimestamp(landed / 1000, tz=UTC).replace(tzinfo=None)


def common(table: str, warehouse: str) -> list[str]:
    return ["--table_name", table, "--database", "bench", "--catalog_impl", "hadoop", "--warehouse", warehouse,
            "--key_schema", "pk:S", "--buckets", "4"]


def compact_args(table: str, warehouse: str):
    root = f"s3://{BUCKET}/"
    return job_args.parse([*common(table, warehouse), "--changes_uri", f"{root}changes/{table}/",
                           "--quarantine_uri", f"{root}quarantine/{table}/", "--state_uri", f"{root}_lake/{table}/"],
                          compact.SPECIFIC, "", compact.REQUIRED)


class ListCounter:
    def __init__(self) -> None:
        self.count = 0
        storage.s3_client().meta.events.register("before-call.s3.ListObjectsV2", self.seen)

    def seen(self, **_kwargs) -> None:
        self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    opts = parser.parse_args()
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    os.environ.pop("AWS_ENDPOINT_URL_S3", None)
    storage.s3_client.cache_clear()
    storage.s3_client().create_bucket(Bucket=BUCKET)
    root = tempfile.mkdtemp(prefix="history-bench-")
    warehouse = os.path.join(root, "warehouse")
    spark = build_session("hadoop", warehouse, "history-bench", local_cores=opts.cores,
                          shuffle_partitions=2 * opts.cores)
    sizes = {"small": opts.small, "large": opts.large}
    now_ms = int(time.time() * 1000)
    for label, count in sizes.items():
        started = time.time()
        write_history(label, count, now_ms)
        export_dir, _raw = bench_data.write_export(os.path.join(root, label, "exports"), "e1", 500, files=1)
        load_snapshot.run(spark, job_args.parse([*common(label, warehouse), "--export_uri", export_dir],
                                                load_snapshot.SPECIFIC, ""), say=lambda _l: None)
        first = compact.run(spark, compact_args(label, warehouse), say=lambda _l: None)
        print(f"{label}: {count} history files written, loaded and swept in {time.time() - started:.0f}s "
              f"(first run: {first['files']} files, ledger {first['ledger_bytes']} bytes)", flush=True)
    counter = ListCounter()
    results: dict[str, list[dict]] = {label: [] for label in sizes}
    for round_number in range(opts.rounds + 1):
        for label in (sizes if round_number % 2 == 0 else reversed(list(sizes))):
            landed = int(time.time() * 1000)
            key = f"changes/{label}/{ledger.hour_prefix(landed)}bench-1-new-{round_number}.gz"
            storage.s3_client().put_object(Bucket=BUCKET, Key=key, Body=delta_file(10**30 + round_number, landed, "k1"))
            lists_before = counter.count
            started = time.time()
            summary = compact.run(spark, compact_args(label, warehouse), say=lambda _l: None)
            seconds = time.time() - started
            table = tables.names("bench", label).current
            snap = tables.snapshot_summary(spark, table, tables.current_snapshot_id(spark, table))
            row = {"round": round_number, "seconds": round(seconds, 2), "files": summary["files"],
                   "swept": summary["swept"], "list_requests": counter.count - lists_before,
                   "ledger_bytes": summary["ledger_bytes"], "table_bytes": int(snap.get("added-files-size", 0))}
            row["bytes_written"] = row["ledger_bytes"] + row["table_bytes"]
            results[label].append(row)
            print(f"round {round_number} {label}: {row}", flush=True)
    measured = {label: [r for r in rows if r["round"] > 0] for label, rows in results.items()}  # round 0: warm-up
    med = {label: {k: statistics.median(r[k] for r in rows) for k in
                   ("seconds", "bytes_written", "ledger_bytes", "list_requests")} for label, rows in measured.items()}
    report = {"history_files": sizes, "rounds_measured": opts.rounds, "cores": opts.cores, **med,
              "time_ratio": round(med["large"]["seconds"] / med["small"]["seconds"], 2),
              "bytes_written_ratio": round(med["large"]["bytes_written"] / med["small"]["bytes_written"], 2)}
    print("| history files | compaction s (median) | bytes written | of which ledger | list requests |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for label, count in sizes.items():
        m = med[label]
        print(f"| {count} | {m['seconds']:.1f} | {m['bytes_written']:.0f} | {m['ledger_bytes']:.0f} "
              f"| {m['list_requests']:.0f} |")
    print(json.dumps(report))
    spark.stop()
    server.stop()


if __name__ == "__main__":
    main()
