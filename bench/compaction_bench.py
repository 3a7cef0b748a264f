"""Compaction cost against table size: the same number of changed keys merged into a base table and into
one FACTOR times larger, side by side in one run. The ratio (large / base) of time and of bytes written
is the figure: "cost follows change" means it stays near 1.

  source scripts/env.sh && python bench/compaction_bench.py [--base_items 20000] [--factor 10]
      [--changed_keys 500] [--buckets 16] [--rounds 2] [--cores 2]

Bytes written come from the Iceberg snapshot summary of each MERGE commit (added-files-size); time is the
wall time of compact.run. Each round merges a fresh delta file into both tables, alternating, and the
first round is reported apart as warm-up (JIT, Python workers).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "glue-scripts")]

import bench_data  # noqa: E402
import compact  # noqa: E402
import load_snapshot  # noqa: E402
from dynamodb_lake import args as job_args  # noqa: E402
from dynamodb_lake import tables  # noqa: E402
from dynamodb_lake.session import build_session  # noqa: E402


def lake_args(root: str, warehouse: str, name: str, buckets: int) -> list[str]:
    return ["--table_name", name, "--database", "bench", "--catalog_impl", "hadoop", "--warehouse", warehouse,
            "--key_schema", "pk:S", "--buckets", str(buckets)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base_items", type=int, default=20000)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--changed_keys", type=int, default=500)
    parser.add_argument("--buckets", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cores", type=int, default=2)
    opts = parser.parse_args()
    root = tempfile.mkdtemp(prefix="compaction-bench-")
    warehouse = os.path.join(root, "warehouse")
    spark = build_session("hadoop", warehouse, "compaction-bench", local_cores=opts.cores,
                          shuffle_partitions=2 * opts.cores)
    sizes = {"base": opts.base_items, "large": opts.base_items * opts.factor}
    for label, count in sizes.items():
        export_dir, raw = bench_data.write_export(os.path.join(root, label, "exports"), "e1", count,
                                                  files=max(1, count // 20000))
        started = time.time()
        args = job_args.parse([*lake_args(root, warehouse, label, opts.buckets), "--export_uri", export_dir],
                              load_snapshot.SPECIFIC, "")
        load_snapshot.run(spark, args, say=lambda _l: None)
        print(f"loaded {label}: {count} items, {raw / 1e6:.1f} MB in {time.time() - started:.1f}s", flush=True)

    rng = random.Random(7)
    results: dict[str, list[dict]] = {label: [] for label in sizes}
    for round_number in range(opts.rounds):
        keys = rng.sample(range(opts.base_items), opts.changed_keys)  # keys present in both tables
        for label in sizes:
            changes = os.path.join(root, label, "changes")
            bench_data.write_changes(os.path.join(changes, f"round-{round_number}.gz"), keys,
                                     10**20 + round_number * 10**6)
            args = job_args.parse([*lake_args(root, warehouse, label, opts.buckets), "--changes_uri", changes,
                                   "--quarantine_uri", os.path.join(root, label, "quarantine"),
                                   "--state_uri", os.path.join(root, label, "state")], compact.SPECIFIC, "",
                                  compact.REQUIRED)
            started = time.time()
            summary = compact.run(spark, args, say=lambda _l: None)
            seconds = time.time() - started
            table = tables.names("bench", label).current
            snap = tables.snapshot_summary(spark, table, tables.current_snapshot_id(spark, table))
            results[label].append({"round": round_number, "seconds": round(seconds, 2),
                                   "added_files_size": int(snap.get("added-files-size", 0)),
                                   "added_records": int(snap.get("added-records", 0)),
                                   "added_position_deletes": int(snap.get("added-position-deletes", 0)),
                                   "changed_partitions": int(snap.get("changed-partition-count", 0)),
                                   "total_files_size": int(snap.get("total-files-size", 0)),
                                   "applied": summary["applied"], "deleted": summary["deleted"]})
            print(f"round {round_number} {label}: {results[label][-1]}", flush=True)
    measured = [r for r in range(opts.rounds) if r > 0] or [0]
    avg = {label: {k: sum(results[label][r][k] for r in measured) / len(measured)
                   for k in ("seconds", "added_files_size", "total_files_size")} for label in sizes}
    report = {"base_items": sizes["base"], "large_items": sizes["large"], "changed_keys": opts.changed_keys,
              "buckets": opts.buckets, "cores": opts.cores, "rounds_measured": measured,
              "base": avg["base"], "large": avg["large"],
              "time_ratio": round(avg["large"]["seconds"] / avg["base"]["seconds"], 2),
              "bytes_written_ratio": round(avg["large"]["added_files_size"] / avg["base"]["added_files_size"], 2),
              "table_size_ratio": round(avg["large"]["total_files_size"] / avg["base"]["total_files_size"], 2)}
    print("| table | items | table bytes | compaction s | bytes written |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label in sizes:
        print(f"| {label} | {sizes[label]} | {avg[label]['total_files_size']:.0f} | {avg[label]['seconds']:.1f} "
              f"| {avg[label]['added_files_size']:.0f} |")
    print(json.dumps(report))
    spark.stop()


if __name__ == "__main__":
    main()
