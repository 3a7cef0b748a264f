"""Snapshot load speed against a Spark-native floor, side by side, projected to a 1 TB table on Glue.

  source scripts/env.sh && python bench/snapshot_bench.py [--items 150000] [--files 16] [--small 16] [--rounds 3] [--cores 2]

Two sides load the same synthetic export (bench_data: ~0.8 KB items with every type and 38-digit numbers,
gzipped in the AWS layout) into the same kind of Iceberg table, each run in a fresh process
(bench/snapshot_side.py): `load` is load_snapshot, `floor` is Spark's own text reader, get_json_object and
to_json(from_json(item, 'map<string,string>')) and the Iceberg writer. Each side also loads a --small export
the same way: its time is the fixed cost (JVM start, session, table creation, commit) that a 1 TB load does
not see, and is taken off. Rounds alternate the sides' order so that machine load falls on both alike.

Per core: uncompressed DynamoDB JSON MB (what "table size" means for an export) per CPU second of the whole
process tree (JVM and Python workers), which holds on a shared machine; the wall-clock rate per core is
printed too. The projection assumes one Glue vCPU does what one local core does, linear scaling over files
(independent) and the CPU rate; G.1X = 4 vCPU (1 DPU), G.2X = 8 vCPU (2 DPU), 0.44 USD per DPU-hour, one
worker is the driver. S3 read bandwidth (hundreds of MB/s per worker) is not the limit at these rates.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE]

import bench_data  # noqa: E402

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


def adopt_orphans() -> None:
    """Makes this process the reaper of its descendants (Linux), so that the CPU time of Spark's Python
    workers, which outlive their JVM parent for a moment, is counted in RUSAGE_CHILDREN."""
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_orphans(deadline_s: float = 30.0) -> None:
    end = time.time() + deadline_s
    while time.time() < end:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.1)


def run_side(side: str, export_dir: str, cores: int) -> dict:
    """One fresh process: (wall s, CPU s of its whole tree, its report)."""
    warehouse = tempfile.mkdtemp(prefix=f"snapshot-bench-{side}-")
    return run_measured([os.path.join(HERE, "snapshot_side.py"), side, export_dir, warehouse, str(cores)])


def run_measured(argv: list[str]) -> dict:
    """Runs python argv in a fresh process: its wall s, the CPU s of its whole process tree (call adopt_orphans
    first) and the JSON report it prints last."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    done = subprocess.run([sys.executable, *argv], check=True, capture_output=True, text=True)
    wall = time.time() - started
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, **report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=150000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--small", type=int, default=16, help="items of the export that measures the fixed cost")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    opts = parser.parse_args()
    adopt_orphans()
    root = tempfile.mkdtemp(prefix="snapshot-bench-")
    big, raw = bench_data.write_export(os.path.join(root, "big"), "e1", opts.items, opts.files)
    small, small_raw = bench_data.write_export(os.path.join(root, "small"), "e1", opts.small, opts.files)
    runs: dict[tuple[str, str], list[dict]] = {}
    for number in range(opts.rounds):
        for side in (("floor", "load") if number % 2 == 0 else ("load", "floor")):
            for size, directory, items in (("big", big, opts.items), ("small", small, opts.small)):
                run = run_side(side, directory, opts.cores)
                if run["items"] != items or (side == "load" and run["parser"] != "jvm"):
                    raise SystemExit(f"{side} loaded {run['items']} of {items} items with the {run['parser']} parser: "
                                     "build the jar (./scripts/setup.sh) and check the load")
                runs.setdefault((side, size), []).append(run)
                print(f"round {number + 1} {side:5} {size:5} wall {run['wall']:6.1f} s  cpu {run['cpu']:6.1f} s",
                      file=sys.stderr)
    mb = (raw - small_raw) / 1e6
    sides = {}
    for side in ("floor", "load"):
        def median(size: str, measure: str, side: str = side) -> float:
            return statistics.median(r[measure] for r in runs[(side, size)])

        wall = median("big", "wall") - median("small", "wall")
        cpu = median("big", "cpu") - median("small", "cpu")
        sides[side] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "mb_per_cpu_s": round(mb / cpu, 2),
                       "mb_per_s_per_core_wall": round(mb / wall / opts.cores, 2),
                       "fixed_wall_s": round(median("small", "wall"), 1), "fixed_cpu_s": round(median("small", "cpu"), 1)}
    gz = sum(os.path.getsize(os.path.join(big, "data", f)) for f in os.listdir(os.path.join(big, "data")))
    report = {"items": opts.items, "files": opts.files, "raw_mb": round(raw / 1e6, 1), "gz_mb": round(gz / 1e6, 1),
              "cores": opts.cores, "rounds": opts.rounds, **sides,
              "ratio_cpu": round(sides["load"]["mb_per_cpu_s"] / sides["floor"]["mb_per_cpu_s"], 2),
              "ratio_wall": round(sides["load"]["mb_per_s_per_core_wall"] / sides["floor"]["mb_per_s_per_core_wall"], 2),
              "projection_1tb": projection(sides["load"]["mb_per_cpu_s"])}
    print("| side | MB per CPU s | MB/s per core (wall) | marginal CPU s | marginal wall s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for side in ("load", "floor"):
        row = sides[side]
        print(f"| {side} | {row['mb_per_cpu_s']} | {row['mb_per_s_per_core_wall']} | {row['cpu_s']} | {row['wall_s']} |")
    print(f"\nload / floor: {report['ratio_cpu']}x by CPU, {report['ratio_wall']}x by wall clock\n")
    print("| worker | workers | hours for 1 TB | USD |")
    print("| --- | ---: | ---: | ---: |")
    for row in report["projection_1tb"]:
        print(f"| {row['worker']} | {row['workers']} | {row['hours']} | {row['usd']} |")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
