"""Snapshot load throughput: MB/s per core of load_snapshot on local Spark, projected to a 1 TB table on
Glue G.1X / G.2X workers.

  source scripts/env.sh && python bench/snapshot_bench.py [--items 100000] [--files 16] [--cores 2]

MB are uncompressed DynamoDB JSON bytes of the export's data lines (what "table size" means for an
export; the .json.gz files are several times smaller). The projection assumes throughput scales linearly
with vCPUs (the work is per-file parsing in Python workers, files are independent) and that one Glue vCPU
does what one local core does; G.1X = 4 vCPU (1 DPU), G.2X = 8 vCPU (2 DPU), 0.44 USD per DPU-hour, one
worker is the driver. S3 read bandwidth (hundreds of MB/s per worker) is not the limit at these rates.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "glue-scripts")]

import bench_data  # noqa: E402
import load_snapshot  # noqa: E402
from dynamodb_lake import args as job_args  # noqa: E402
from dynamodb_lake.session import build_session  # noqa: E402

TB_MB = 1_000_000
WORKERS = {"G.1X": (4, 1), "G.2X": (8, 2)}  # vCPU, DPU per worker
DPU_HOUR_USD = 0.44


def projection(mb_per_s_per_core: float, worker_counts=(10, 50, 100)) -> list[dict]:
    rows = []
    for worker, (vcpu, dpu) in WORKERS.items():
        for workers in worker_counts:
            executors = workers - 1
            hours = TB_MB / (mb_per_s_per_core * vcpu * executors) / 3600
            rows.append({"worker": worker, "workers": workers, "hours": round(hours, 2),
                         "usd": round(hours * workers * dpu * DPU_HOUR_USD, 1)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--cores", type=int, default=2)
    opts = parser.parse_args()
    root = tempfile.mkdtemp(prefix="snapshot-bench-")
    export_dir, raw = bench_data.write_export(os.path.join(root, "exports"), "e1", opts.items, opts.files)
    gz = sum(os.path.getsize(os.path.join(export_dir, "data", f)) for f in os.listdir(os.path.join(export_dir, "data")))
    spark = build_session("hadoop", os.path.join(root, "warehouse"), "snapshot-bench", local_cores=opts.cores,
                          shuffle_partitions=2 * opts.cores)
    base = ["--table_name", "Bench", "--database", "bench", "--catalog_impl", "hadoop",
            "--warehouse", os.path.join(root, "warehouse"), "--key_schema", "pk:S", "--export_uri", export_dir]
    timings = []
    for _ in range(2):  # the first load warms the JVM and the Python workers; the second is measured
        started = time.time()
        load_snapshot.run(spark, job_args.parse(base, load_snapshot.SPECIFIC, ""), say=lambda _l: None)
        timings.append(time.time() - started)
    seconds = timings[-1]
    rate = raw / 1e6 / seconds
    per_core = rate / opts.cores
    report = {"items": opts.items, "files": opts.files, "raw_mb": round(raw / 1e6, 1), "gz_mb": round(gz / 1e6, 1),
              "cores": opts.cores, "seconds": round(seconds, 1), "warmup_seconds": round(timings[0], 1),
              "mb_per_s": round(rate, 2), "mb_per_s_per_core": round(per_core, 2),
              "projection_1tb": projection(per_core)}
    print("| worker | workers | hours for 1 TB | USD |")
    print("| --- | ---: | ---: | ---: |")
    for row in report["projection_1tb"]:
        print(f"| {row['worker']} | {row['workers']} | {row['hours']} | {row['usd']} |")
    print(json.dumps(report))
    spark.stop()


if __name__ == "__main__":
    main()
