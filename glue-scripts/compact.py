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
  --buckets           unused here (the table keeps the bucket count it was created with)
  --region            boto3 region (default: environment)
  --changes_uri       delta files, listed recursively; gzip or plain (required)
  --quarantine_uri    where unparseable files are moved, with <file>.errors.json (required)
  --state_uri         where ledger objects are written (required)
  --metrics           true: put CloudWatch metrics, namespace DynamoDbLake (default false)
  --start_snapshot_job  Glue job to start when the snapshot is not loaded yet (default: none)
  --fail_at           fault injection for tests: after_ledger | after_tombstones | before_commit |
                      after_commit — the process exits with code 137 at that point (default: none)

Exactly once: the files a run consumes are listed in an immutable ledger object written before the MERGE,
and the MERGE commit carries its URI in the snapshot summary (dynamodb-lake.ledger), so the table's data
and its bookkeeping change in one Iceberg commit. A run killed anywhere and rerun re-reads exactly the
files no commit has consumed; files that land late (any name) are not in the ledger and are merged.
Apply is latest-wins by 40-digit seq against the row's _seq and the key's tombstone, so re-applying
anything, in any order, gives the same table. Snapshot horizon: a delta with ts_ms + 1000 <= T, T the
current snapshot's point in time (`dynamodb-lake.restart-from-ms`, repeated in every commit and ledger),
is already in the snapshot and is dropped before the merge (counted as before_snapshot, no tombstone):
after a re-snapshot an older surviving change must not overwrite the exported value of a key whose
latest change was lost. Run one compaction per table at a time (Glue job
max concurrency 1).

Output: one JSON summary line {"files","records","before_snapshot","applied","deleted","quarantined","bytes",…}.
Exit code 0 also when it only waits for the snapshot.
"""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Callable

from dynamodb_lake import args as job_args
from dynamodb_lake import ledger, metrics, records, storage, tables
from dynamodb_lake.commit import with_commit_properties
from dynamodb_lake.schema import table_schema
from dynamodb_lake.session import build_session
from dynamodb_lake.transforms import (applicable_sql, bucket_predicate, latest_per_key, merge_current_sql,
                                      merge_tombstones_sql, raw_struct, to_current_columns)

SPECIFIC = (
    ("--changes_uri", None, "delta files (required)"),
    ("--quarantine_uri", None, "quarantine prefix (required)"),
    ("--state_uri", None, "ledger prefix (required)"),
    ("--metrics", "false", "put CloudWatch metrics"),
    ("--start_snapshot_job", "", "Glue job to start while the snapshot is missing"),
    ("--fail_at", "", "fault injection: after_ledger|after_tombstones|before_commit|after_commit"),
)
REQUIRED = ("table_name", "database", "warehouse", "key_schema", "changes_uri", "quarantine_uri", "state_uri")
FAIL_POINTS = ("after_ledger", "after_tombstones", "before_commit", "after_commit")


def exit_at(point: str) -> Callable[[str], None]:
    """The --fail_at hook: dies like a killed process (no cleanup, no finally blocks)."""
    if point and point not in FAIL_POINTS:
        raise SystemExit(f"--fail_at must be one of {', '.join(FAIL_POINTS)}")

    def hook(here: str) -> None:
        if here == point:
            print(f"fault injection: exiting at {here}", flush=True)
            sys.stdout.flush()
            os._exit(137)

    return hook


def start_snapshot_job(job_name: str, region: str, say) -> None:
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


def after_horizon(rows, horizon_ms: int | None):
    """Drops the deltas the snapshot already reflects: (remaining rows, how many were dropped)."""
    if horizon_ms is None:
        return rows, 0
    reflected = f"`_ts_ms` + {ledger.ROUNDING_MS} <= {int(horizon_ms)}"
    return rows.where(f"NOT ({reflected})"), rows.where(reflected).count()


def parse_files(spark, uris: list[str], schema):
    """Reads and parses files on the executors: (rows DataFrame, per-file stats)."""
    slices = max(1, min(len(uris), 4 * spark.sparkContext.defaultParallelism))
    env = storage.driver_env()

    def file_rows(uri: str):
        storage.use_env(env)
        return records.delta_rows(uri, storage.read_bytes(uri), schema, storage.read_bytes)

    tagged = spark.sparkContext.parallelize(uris, slices).flatMap(file_rows).cache()
    stats = tagged.filter(lambda t: t[0] == "F").map(lambda t: t[1]).collect()
    rows = spark.createDataFrame(tagged.filter(lambda t: t[0] == "R").map(lambda t: t[1]), raw_struct(schema))
    return rows, stats, tagged


def run(spark, args, fail: Callable[[str], None] = lambda _point: None, say=print) -> dict:
    schema = table_schema(args.key_schema, args.declared_columns)
    names = tables.names(args.database, args.table_name)
    started = time.time()
    if not tables.exists(spark, names.current):
        say(f"waiting for the snapshot: {names.current} does not exist yet; run load_snapshot first")
        if args.start_snapshot_job:
            start_snapshot_job(args.start_snapshot_job, args.region, say)
        result = {"job": "compact", "table": names.current, "status": "waiting for the snapshot"}
        say(json.dumps(result))
        return result
    tables.create_tables(spark, names, schema, tables.table_buckets(spark, names.current))
    added_columns = tables.add_declared_columns(spark, names.current, schema)
    buckets = tables.table_buckets(spark, names.current)

    pointer = tables.ledger_pointer(spark, names.current)
    previous = ledger.read(pointer.ledger)
    horizon_ms = ledger.horizon(pointer.restart_from_ms, previous)
    finish_quarantine(previous.get("quarantined", []) if previous else [], args.changes_uri)
    consumed = ledger.consumed_files(previous)
    listing = {storage.relative(args.changes_uri, o.uri): o.size for o in storage.list_objects(args.changes_uri)}
    new_files = sorted(rel for rel in listing if rel not in consumed)
    result = {"job": "compact", "table": names.current, "files": len(new_files), "records": 0, "before_snapshot": 0,
              "applied": 0,
              "deleted": 0, "quarantined": 0, "bytes": 0, "columns_added": added_columns}
    if not new_files:
        result["seconds"] = round(time.time() - started, 1)
        say(json.dumps(result))
        return result

    now_ms = int(time.time() * 1000)
    run_id = ledger.new_run_id(now_ms)
    uris = [storage.join(args.changes_uri, rel) for rel in new_files]
    rows, stats, tagged = parse_files(spark, uris, schema)
    bad = [s for s in stats if s["error_count"]]
    quarantined = [storage.relative(args.changes_uri, s["uri"]) for s in bad]
    this_ledger = ledger.build(previous, pointer.ledger if previous else None, listing, new_files, quarantined,
                               run_id, now_ms, horizon_ms)
    ledger_uri = ledger.ledger_uri(args.state_uri, run_id)
    ledger.write(ledger_uri, this_ledger)
    fail("after_ledger")
    quarantine(bad, args.changes_uri, args.quarantine_uri)

    rows, before_snapshot = after_horizon(rows, horizon_ms)
    batch = to_current_columns(latest_per_key(rows), schema, keep_op=True).cache()
    batch.createOrReplaceTempView("dynamodb_lake_batch")
    touched = spark.sql(f"SELECT lake.system.bucket({buckets}, `_key`) AS b, max(`_op` = 'D') AS d "
                        "FROM dynamodb_lake_batch GROUP BY 1").collect()
    bucket_ids = [r.b for r in touched]
    if any(r.d for r in touched):  # tombstones first: a rerun after a kill finds them already written
        spark.sql(merge_tombstones_sql(names.tombstones, "dynamodb_lake_batch",
                                       bucket_predicate("t", buckets, bucket_ids)))
    fail("after_tombstones")

    spark.sql(applicable_sql("dynamodb_lake_batch", names.tombstones, bucket_predicate("tb", buckets, bucket_ids))
              ).createOrReplaceTempView("dynamodb_lake_applicable")
    target_predicate = bucket_predicate("t", buckets, bucket_ids)
    counts = spark.sql(
        "SELECT count_if(s.`_op` = 'U' AND (t.`_seq` IS NULL OR s.`_seq` > t.`_seq`)) AS applied, "
        "count_if(s.`_op` = 'D' AND s.`_seq` > t.`_seq`) AS deleted "
        f"FROM dynamodb_lake_applicable s LEFT JOIN {names.current} t ON t.`_key` = s.`_key`{target_predicate}").first()
    # Maintenance commits (rewrites, expiry) may land meanwhile; another compaction or a snapshot load
    # (a different ledger) must not, or this run's ledger would drop what that one recorded.
    if tables.ledger_pointer(spark, names.current).ledger != pointer.ledger:
        raise RuntimeError(f"another compaction or snapshot load committed to {names.current} while this one ran: "
                           "run one job per table at a time (Glue max concurrency 1); rerunning is safe")
    columns = [f.name for f in spark.table(names.current).schema.fields]

    def merge() -> None:
        fail("before_commit")
        spark.sql(merge_current_sql(names.current, "dynamodb_lake_applicable", columns, target_predicate))

    properties = {ledger.LEDGER_PROPERTY: ledger_uri, ledger.RUN_PROPERTY: run_id}
    if horizon_ms is not None:  # carried forward: expiring the snapshot load's commit must not lose it
        properties[ledger.RESTART_PROPERTY] = str(horizon_ms)
    with_commit_properties(spark, properties, merge)
    fail("after_commit")
    finish_quarantine(quarantined, args.changes_uri)
    batch.unpersist()
    tagged.unpersist()
    result.update({
        "records": sum(s["records"] for s in stats), "before_snapshot": before_snapshot,
        "applied": counts.applied or 0, "deleted": counts.deleted or 0,
        "quarantined": len(bad), "bytes": sum(s["bytes"] for s in stats), "ledger": ledger_uri,
        "quarantined_files": quarantined, "seconds": round(time.time() - started, 1)})
    if job_args.as_bool(args.metrics):
        metrics.put(args.table_name, result, args.region)
    say(json.dumps(result))
    return result


def main(argv=None) -> int:
    args = job_args.parse(sys.argv[1:] if argv is None else argv, SPECIFIC, __doc__, REQUIRED)
    hook = exit_at(args.fail_at)
    spark = build_session(args.catalog_impl, args.warehouse, "dynamodb-lake-compact")
    run(spark, args, hook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
