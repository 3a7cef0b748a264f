"""compact: new delta files under --changes_uri → MERGE INTO lake.<database>.<table>_current.

Usage (Glue 5.0 job arguments, or locally with the same flags):
  python glue-scripts/compact.py --table_name Orders --database lake_db --catalog_impl hadoop \
      --warehouse /tmp/lake/warehouse --key_schema pk:S,sk:N \
      --changes_uri s3://lake/changes/Orders/ --quarantine_uri s3://lake/quarantine/Orders/ \
      --state_uri s3://lake/_lake/Orders/

Arguments (unknown ones, such as Glue's own, are ignored):
  --table_name        source table (required)          --database      Glue database (required)
  --catalog_impl      glue | hadoop (default hadoop)   --warehouse     s3://…, file://… or a path (required)
  --key_schema        pk:S[,sk:N[:decimal(38,6)]] (required)
  --declared_columns  JSON name → Athena type (default {}); new ones are added to the table
  --region            boto3 region (default: environment)
  --changes_uri       delta files, listed recursively; gzip or plain (required)
  --quarantine_uri    where unparseable files are moved, with <file>.errors.json (required)
  --state_uri         where ledger objects are written (required)
  --lateness_hours    how late (by its key's hour) a delta file may land and still be found by a run's
                      listing (default 3); later ones are found by the next sweep and counted as late_files
  --late_sweep_hours  a run lists every delta file at most this long after the last one that did (default 24)
  --metrics           true: put CloudWatch metrics, namespace DynamoDbLake (default false)
  --start_snapshot_job  Glue job to start when the snapshot is not loaded yet (default: none)
  --fail_at           fault injection for tests: after_ledger | after_tombstones | before_commit |
                      after_commit — the process exits with code 137 at that point (default: none)

Exactly once: what a run consumes is recorded in an immutable ledger object written before the MERGE, and
the MERGE commit carries its URI in the snapshot summary (dynamodb-lake.ledger), so the table's data and
its bookkeeping change in one Iceberg commit. A run killed anywhere and rerun re-reads exactly the files
no commit has consumed. A run lists only the keys after its window start (the newest key hour consumed
less --lateness_hours) and its ledger names only the files there and those that landed since the last
sweep (dynamodb_lake/ledger.py), so its listing, reads and writes follow the new files, not the history.
A file landing under an older key is merged by the next sweep, counted (late_files, metric LateFiles)
and logged: never skipped.
Apply is latest-wins by 40-digit seq against the row's _seq and the key's tombstone, so re-applying
anything, in any order, gives the same table. Snapshot horizon (transforms.reflected_by_snapshot): a delta
with ts_ms + 1000 <= T, T the current snapshot's point in time (`dynamodb-lake.restart-from-ms`, repeated
in every commit and ledger), is already in the snapshot and is dropped before the merge (counted as
before_snapshot, no tombstone): after a re-snapshot an older surviving change must not overwrite the
exported value of a key whose latest change was lost. Run one compaction per table at a time (Glue job
max concurrency 1).

Output: one JSON summary line {"files","late_files","swept","records","before_snapshot","applied","deleted",
"quarantined","bytes","ledger_bytes",…}.
Exit code 0 also when it only waits for the snapshot.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyspark.sql import SparkSession

from dynamodb_lake import args as job_args
from dynamodb_lake import jvm_rows, ledger, metrics, records, storage, tables
from dynamodb_lake.commit import with_commit_properties
from dynamodb_lake.schema import TableSchema, table_schema
from dynamodb_lake.session import build_session
from dynamodb_lake.transforms import (
    after_horizon,
    applicable_sql,
    bucket_predicate,
    change_counts_sql,
    latest_per_key,
    merge_current_sql,
    merge_tombstones_sql,
    raw_struct,
    to_current_columns,
    touched_buckets_sql,
)

SPECIFIC = (
    ("--changes_uri", None, "delta files (required)"),
    ("--quarantine_uri", None, "quarantine prefix (required)"),
    ("--state_uri", None, "ledger prefix (required)"),
    ("--lateness_hours", str(ledger.DEFAULT_LATENESS_HOURS), "how late a delta file may land and be listed"),
    ("--late_sweep_hours", str(ledger.DEFAULT_SWEEP_HOURS), "hours between runs that list every delta file"),
    ("--metrics", "false", "put CloudWatch metrics"),
    ("--start_snapshot_job", "", "Glue job to start while the snapshot is missing"),
    ("--fail_at", "", "fault injection: after_ledger|after_tombstones|before_commit|after_commit"),
)
REQUIRED = ("table_name", "database", "warehouse", "key_schema", "changes_uri", "quarantine_uri", "state_uri")
FAIL_POINTS = ("after_ledger", "after_tombstones", "before_commit", "after_commit")
BATCH_VIEW, APPLICABLE_VIEW = "dynamodb_lake_batch", "dynamodb_lake_applicable"
Say = Callable[[str], None]
Fail = Callable[[str], None]


def exit_at(point: str) -> Fail:
    """The --fail_at hook: dies like a killed process (no cleanup, no finally blocks)."""
    if point and point not in FAIL_POINTS:
        raise SystemExit(f"--fail_at must be one of {', '.join(FAIL_POINTS)}")

    def hook(here: str) -> None:
        if here == point:
            print(f"fault injection: exiting at {here}", flush=True)
            sys.stdout.flush()
            os._exit(137)

    return hook


def start_snapshot_job(job_name: str, region: str, say: Say) -> None:
    import boto3

    glue = boto3.client("glue", region_name=region or None)
    runs = glue.get_job_runs(JobName=job_name, MaxResults=10)["JobRuns"]
    if any(r["JobRunState"] in ("STARTING", "RUNNING", "WAITING") for r in runs):
        say(f"snapshot job {job_name} is already running")
        return
    run_id = glue.start_job_run(JobName=job_name)["JobRunId"]
    say(f"started snapshot job {job_name}: {run_id}")


def quarantine(bad: list[dict], changes_uri: str, quarantine_uri: str) -> None:
    """First half of the move: a copy of each unparseable file and its error report under quarantine."""
    for stats in bad:
        rel = storage.relative(changes_uri, stats["uri"])
        storage.copy(stats["uri"], storage.join(quarantine_uri, rel))
        report = {k: stats[k] for k in ("uri", "bytes", "records", "error_count", "errors")}
        storage.write_bytes(storage.join(quarantine_uri, rel + ".errors.json"), json.dumps(report, indent=1).encode())


def finish_quarantine(quarantined: list[str], changes_uri: str) -> None:
    """Second half of the move: deletes the originals, only once the commit that consumed them has landed, as a
    run killed before it must leave the rerun a partly good file's good lines. A run killed between its commit
    and this step leaves them to the next run (its ledger names them); an original already gone is fine."""
    for rel in quarantined:
        storage.delete(storage.join(changes_uri, rel))


def parse_files(spark: SparkSession, uris: list[str], schema: TableSchema):
    """Reads and parses files on the executors: (rows DataFrame, per-file stats, the cached data). The JVM parses
    every file whose lines it reproduces exactly (jvm_rows.delta_rows), Python the rest (and all of them without
    the jar): the same rows and stats either way, a bad file's errors from Python."""
    rows, stats, cached = None, [], []
    if uris and jvm_rows.available(spark, jvm_rows.DELTA_CLASS):
        rows, stats, uris, parsed = jvm_rows.delta_rows(spark, uris, schema)
        cached.append(parsed)
    if uris or rows is None:
        slices = max(1, min(len(uris), 4 * spark.sparkContext.defaultParallelism))
        env = storage.driver_env()

        def file_rows(uri: str):
            storage.use_env(env)
            return records.delta_rows(uri, storage.read_bytes(uri), schema, storage.read_bytes)

        tagged = spark.sparkContext.parallelize(uris, slices).flatMap(file_rows).cache()
        stats += tagged.filter(lambda t: t[0] == "F").map(lambda t: t[1]).collect()
        python_rows = spark.createDataFrame(tagged.filter(lambda t: t[0] == "R").map(lambda t: t[1]), raw_struct(schema))
        rows = python_rows if rows is None else rows.unionByName(python_rows)
        cached.append(tagged)
    return rows, stats, cached


def list_changes(changes_uri: str, start_after: str) -> list[ledger.Listed]:
    return [ledger.Listed(storage.relative(changes_uri, o.uri), o.size, o.mtime_ms)
            for o in storage.list_objects(changes_uri, start_after)]


@dataclass
class Plan:
    """What a run will consume and the bookkeeping it will commit: decided from the committed ledger and one
    listing, before anything is written."""
    schema: TableSchema
    names: tables.Names
    buckets: int
    pointer: tables.LedgerPointer
    horizon_ms: int | None
    swept: bool
    new: list[ledger.Listed]
    late: list[str]
    next_state: ledger.Bookkeeping
    previous_uri: str | None
    run_id: str
    now_ms: int


def plan(spark: SparkSession, args, now_ms: int) -> Plan:
    schema = table_schema(args.key_schema, args.declared_columns)
    names = tables.names(args.database, args.table_name)
    buckets = tables.table_buckets(spark, names.current)
    tables.create_tables(spark, names, schema, buckets)
    pointer = tables.ledger_pointer(spark, names.current)
    previous = ledger.read(pointer.ledger)
    finish_quarantine(previous.get("quarantined", []) if previous else [], args.changes_uri)
    state = ledger.bookkeeping(previous)
    swept = ledger.sweep_due(state, now_ms, int(float(args.late_sweep_hours) * ledger.HOUR_MS))
    listed = list_changes(args.changes_uri, "" if swept else state.window_start)
    new, late = ledger.select(state, listed)
    next_state = ledger.next_bookkeeping(state, listed, new, swept, now_ms,
                                         int(float(args.lateness_hours) * ledger.HOUR_MS))
    return Plan(schema, names, buckets, pointer, ledger.horizon(pointer.restart_from_ms, previous), swept, new, late,
                next_state, pointer.ledger if previous else None, ledger.new_run_id(now_ms), now_ms)


@dataclass
class Staged:
    """The run's ledger is written, tombstones merged; the batch waits in APPLICABLE_VIEW for the MERGE."""
    ledger_uri: str
    ledger_bytes: int
    stats: list[dict]
    quarantined: list[str]
    before_snapshot: int
    target_predicate: str
    cached: list[Any]


def stage(spark: SparkSession, p: Plan, args, fail: Fail) -> Staged:
    uris = [storage.join(args.changes_uri, o.rel) for o in p.new]
    rows, stats, parsed = parse_files(spark, uris, p.schema)
    bad = [s for s in stats if s["error_count"]]
    quarantined = [storage.relative(args.changes_uri, s["uri"]) for s in bad]
    ledger_uri = ledger.ledger_uri(args.state_uri, p.run_id)
    size = ledger.write(ledger_uri, ledger.build(p.next_state, p.previous_uri, [o.rel for o in p.new], p.late,
                                                 quarantined, p.run_id, p.now_ms, p.horizon_ms))
    fail("after_ledger")
    quarantine(bad, args.changes_uri, args.quarantine_uri)

    rows, reflected = after_horizon(rows, p.horizon_ms)
    batch = to_current_columns(latest_per_key(rows), p.schema, keep_op=True).cache()
    batch.createOrReplaceTempView(BATCH_VIEW)
    touched = spark.sql(touched_buckets_sql(BATCH_VIEW, p.buckets)).collect()
    bucket_ids = [r.b for r in touched]
    if any(r.d for r in touched):  # tombstones first: a rerun after a kill finds them already written
        spark.sql(merge_tombstones_sql(p.names.tombstones, BATCH_VIEW, bucket_predicate("t", p.buckets, bucket_ids)))
    fail("after_tombstones")
    spark.sql(applicable_sql(BATCH_VIEW, p.names.tombstones, bucket_predicate("tb", p.buckets, bucket_ids))
              ).createOrReplaceTempView(APPLICABLE_VIEW)
    return Staged(ledger_uri, size, stats, quarantined, reflected.count() if reflected is not None else 0,
                  bucket_predicate("t", p.buckets, bucket_ids), [batch, *parsed])


def apply(spark: SparkSession, p: Plan, s: Staged, fail: Fail) -> dict:
    """The MERGE, committed with the ledger's URI; returns how many rows it upserted and deleted."""
    counts = spark.sql(change_counts_sql(APPLICABLE_VIEW, p.names.current, s.target_predicate)).first()
    # Maintenance commits (rewrites, expiry) may land meanwhile; another compaction or a snapshot load
    # (a different ledger) must not, or this run's ledger would drop what that one recorded.
    if tables.ledger_pointer(spark, p.names.current).ledger != p.pointer.ledger:
        raise RuntimeError(f"another compaction or snapshot load committed to {p.names.current} while this one ran: "
                           "run one job per table at a time (Glue max concurrency 1); rerunning is safe")
    columns = [f.name for f in spark.table(p.names.current).schema.fields]

    def merge() -> None:
        fail("before_commit")
        spark.sql(merge_current_sql(p.names.current, APPLICABLE_VIEW, columns, s.target_predicate))

    properties = {ledger.LEDGER_PROPERTY: s.ledger_uri, ledger.RUN_PROPERTY: p.run_id}
    if p.horizon_ms is not None:  # carried forward: expiring the snapshot load's commit must not lose it
        properties[ledger.RESTART_PROPERTY] = str(p.horizon_ms)
    with_commit_properties(spark, properties, merge)
    fail("after_commit")
    return {"applied": (counts.applied or 0) if counts else 0, "deleted": (counts.deleted or 0) if counts else 0}


def wait_for_snapshot(args, names: tables.Names, say: Say) -> dict:
    say(f"waiting for the snapshot: {names.current} does not exist yet; run load_snapshot first")
    if args.start_snapshot_job:
        start_snapshot_job(args.start_snapshot_job, args.region, say)
    return {"job": "compact", "table": names.current, "status": "waiting for the snapshot"}


def run(spark: SparkSession, args, fail: Fail = lambda _point: None, say: Say = print,
        clock: Callable[[], float] = time.time) -> dict:
    started = time.time()
    names = tables.names(args.database, args.table_name)
    if not tables.exists(spark, names.current):
        waiting = wait_for_snapshot(args, names, say)
        say(json.dumps(waiting))
        return waiting
    added_columns = tables.add_declared_columns(spark, names.current,
                                                table_schema(args.key_schema, args.declared_columns))
    p = plan(spark, args, int(clock() * 1000))
    result: dict = {"job": "compact", "table": names.current, "files": len(p.new), "late_files": len(p.late),
                    "swept": p.swept, "records": 0, "before_snapshot": 0, "applied": 0, "deleted": 0,
                    "quarantined": 0, "bytes": 0, "ledger_bytes": 0, "columns_added": added_columns}
    if p.late:
        say(f"warning: {len(p.late)} delta file(s) landed more than --lateness_hours {args.lateness_hours} after "
            f"their key's hour and were found by the sweep; merging them: {', '.join(p.late[:20])}")
    if p.new:
        staged = stage(spark, p, args, fail)
        result.update(apply(spark, p, staged, fail))
        finish_quarantine(staged.quarantined, args.changes_uri)
        for cached in staged.cached:
            cached.unpersist()
        result.update({
            "records": sum(s["records"] for s in staged.stats), "before_snapshot": staged.before_snapshot,
            "quarantined": len(staged.quarantined), "bytes": sum(s["bytes"] for s in staged.stats),
            "ledger_bytes": staged.ledger_bytes, "ledger": staged.ledger_uri, "quarantined_files": staged.quarantined})
    result["seconds"] = round(time.time() - started, 1)
    if p.new and job_args.as_bool(args.metrics):
        metrics.put(args.table_name, result, args.region)
    say(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> int:
    args = job_args.parse(sys.argv[1:] if argv is None else argv, SPECIFIC, __doc__, REQUIRED)
    hook = exit_at(args.fail_at)
    spark = build_session(args.catalog_impl, args.warehouse, "dynamodb-lake-compact")
    run(spark, args, hook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
