"""Delta parsing speed of the compaction, Python against the JVM, side by side: records per CPU second per core.

  source scripts/env.sh && python bench/delta_parse_bench.py [--records 40000] [--files 4] [--small 40] [--rounds 3] [--cores 2]

Both sides run the compaction's parse (compact.parse_files) on the same gzipped delta files (bench_data: ~1 KB
images with every type and 38-digit numbers, every tenth a REMOVE) and then read every row's key, item and
item_json in Spark, which is what the merge does next; each in a fresh process: `python` with the jar hidden
(records.delta_rows in Python workers, as before), `jvm` with it (Python reads and splits the files, the JVM
parses: jvm_rows.delta_rows). Each side also parses --small records the same way: its time is the fixed cost
(JVM start, session) that a compaction's volume does not scale with, and is taken off, as in snapshot_bench.py.
Per core: records per CPU second of the side's whole process tree (JVM, Python daemon and workers), read from
/proc before the session stops, while Spark's Python workers are still alive to be counted (they are not
reliably reaped into RUSAGE_CHILDREN); the wall-clock rate per core is printed too. Rounds alternate the
sides' order so that machine load falls on both alike.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "glue-scripts")]

from snapshot_bench import adopt_orphans, run_measured  # noqa: E402

import bench_data  # noqa: E402

SIDES = ("python", "jvm")


def write_files(directory: str, records: int, files: int) -> list[str]:
    per_file = (records + files - 1) // files
    paths = []
    for number in range(files):
        path = os.path.join(directory, f"f{number:03d}.gz")
        keys = list(range(number * per_file, min(records, (number + 1) * per_file)))
        bench_data.write_changes(path, keys, 1 + number * per_file, seed=number)
        paths.append(path)
    return paths


def tree_cpu_s() -> float:
    """CPU seconds of this process and all its live descendants, with the children each has reaped (Linux)."""
    stats: dict[int, tuple[int, int]] = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile
            continue
        stats[int(name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))  # ppid; utime stime cutime cstime
    tree: set[int] = set()
    todo = [os.getpid()]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, (parent, _) in stats.items() if parent == pid and child not in tree]
    return sum(stats[pid][1] for pid in tree if pid in stats) / os.sysconf("SC_CLK_TCK")


def side(name: str, directory: str, cores: int) -> dict:
    """One side in this process: parse the directory's files as the compaction does, read every row."""
    from pyspark.sql import functions as F

    import compact
    from dynamodb_lake import jvm_rows
    from dynamodb_lake.schema import table_schema
    from dynamodb_lake.session import build_session

    spark = build_session("hadoop", tempfile.mkdtemp(prefix="delta-parse-bench-"), f"delta-parse-bench-{name}",
                          local_cores=cores, shuffle_partitions=2 * cores)
    if not jvm_rows.available(spark):
        raise SystemExit(f"{jvm_rows.MISSING_JAR}")
    if name == "python":
        jvm_rows.available = lambda *_args: False
    paths = sorted(os.path.join(directory, f) for f in os.listdir(directory))
    rows, stats, _cached = compact.parse_files(spark, paths, table_schema("pk:S", "{}"))
    read = rows.agg(F.count("*").alias("rows"), F.sum(F.length("_key") + F.length("item") + F.length("item_json"))
                    .alias("chars")).first()
    cpu = tree_cpu_s()
    spark.stop()
    return {"side": name, "records": sum(s["records"] for s in stats), "rows": read["rows"], "chars": read["chars"],
            "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=40000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--small", type=int, default=40, help="records of the run that measures the fixed cost")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.side:
        print(json.dumps(side(opts.side, opts.dir, opts.cores)))
        return
    adopt_orphans()
    root = tempfile.mkdtemp(prefix="delta-parse-bench-")
    sizes = {"big": opts.records, "small": opts.small}
    for size, records in sizes.items():
        write_files(os.path.join(root, size), records, opts.files)
    runs: dict[tuple[str, str], list[dict]] = {}
    for number in range(opts.rounds):
        for name in (SIDES if number % 2 == 0 else SIDES[::-1]):
            for size, records in sizes.items():
                run = run_measured([os.path.abspath(__file__), "--side", name, "--dir", os.path.join(root, size),
                                    "--cores", str(opts.cores)])
                if (run["records"], run["rows"]) != (records, records):
                    raise SystemExit(f"{name} parsed {run['records']} records, {run['rows']} rows, of {records}")
                runs.setdefault((name, size), []).append(run)
                print(f"round {number + 1} {name:6} {size:5} wall {run['wall']:6.1f} s  cpu {run['cpu']:6.1f} s",
                      file=sys.stderr)
    counted = opts.records - opts.small
    sides = {}
    for name in SIDES:
        def median(size: str, measure: str, name: str = name) -> float:
            return statistics.median(r[measure] for r in runs[(name, size)])

        wall = median("big", "wall") - median("small", "wall")
        cpu = median("big", "cpu") - median("small", "cpu")
        sides[name] = {"cpu_s": round(cpu, 1), "wall_s": round(wall, 1), "records_per_cpu_s": round(counted / cpu),
                       "records_per_s_per_core_wall": round(counted / wall / opts.cores),
                       "fixed_cpu_s": round(median("small", "cpu"), 1), "fixed_wall_s": round(median("small", "wall"), 1)}
    report = {"records": opts.records, "files": opts.files, "cores": opts.cores, "rounds": opts.rounds, **sides,
              "speedup_cpu": round(sides["jvm"]["records_per_cpu_s"] / sides["python"]["records_per_cpu_s"], 2),
              "speedup_wall": round(sides["jvm"]["records_per_s_per_core_wall"]
                                    / sides["python"]["records_per_s_per_core_wall"], 2)}
    print("| side | records per CPU s | records/s per core (wall) | marginal CPU s | marginal wall s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in SIDES:
        row = sides[name]
        print(f"| {name} | {row['records_per_cpu_s']:,} | {row['records_per_s_per_core_wall']:,} | {row['cpu_s']} | "
              f"{row['wall_s']} |")
    print(f"\njvm / python: {report['speedup_cpu']}x by CPU, {report['speedup_wall']}x by wall clock\n")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
