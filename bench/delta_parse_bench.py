"""Delta parsing speed: records per CPU second of the compaction's per-file parse (records.delta_rows), the
work each executor core does before Spark merges the rows.

  source scripts/env.sh && python bench/delta_parse_bench.py [--records 20000] [--rounds 5]

One gzipped delta file of contract-1 records (bench_data: ~1 KB images with every type, every tenth a
REMOVE) is parsed in this process, single-threaded; the median CPU time over the rounds is reported.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "glue-scripts")]

import bench_data  # noqa: E402
from dynamodb_lake import records  # noqa: E402
from dynamodb_lake.schema import table_schema  # noqa: E402


def no_overflow(uri: str) -> bytes:
    raise AssertionError(f"unexpected overflow read of {uri}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    opts = parser.parse_args()
    path = os.path.join(tempfile.mkdtemp(prefix="delta-parse-bench-"), "changes", "f1.gz")
    bench_data.write_changes(path, list(range(opts.records)), 1)
    with open(path, "rb") as handle:
        data = handle.read()
    schema = table_schema("pk:S", "{}")
    timings = []
    for _ in range(opts.rounds):
        started = time.process_time()
        rows = [row for kind, row in records.delta_rows(path, data, schema, no_overflow) if kind == "R"]
        timings.append(time.process_time() - started)
        if len(rows) != opts.records:
            raise SystemExit(f"parsed {len(rows)} of {opts.records} records")
    seconds = statistics.median(timings)
    print(json.dumps({"records": opts.records, "rounds": opts.rounds, "cpu_s": round(seconds, 2),
                      "records_per_cpu_s": round(opts.records / seconds)}))


if __name__ == "__main__":
    main()
