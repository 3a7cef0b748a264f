"""maintenance: keeps lake.<database>.<table>_current and _tombstones small and fast.

Usage (Glue 5.0 job arguments, or locally with the same flags):
  python glue-scripts/maintenance.py --table_name Orders --database lake_db --catalog_impl hadoop \
      --warehouse /tmp/lake/warehouse --key_schema pk:S --older_than_hours 72 --state_uri s3://lake/_lake/Orders/

Arguments (unknown ones, such as Glue's own, are ignored):
  --table_name  --database  --catalog_impl (default hadoop)  --warehouse  --key_schema   as for compact
  --older_than_hours           expire snapshots and remove orphan files older than this (default 72;
                               orphan files always need 24 h or more, Iceberg's safety floor)
  --tombstone_retention_hours  prune tombstones older than this (default 168). Keep it above the longest
                               time a delta file can land late, or a late old insert could resurrect a key
  --retain_last                snapshots always kept (default 5)
  --delete_file_threshold      rewrite a data file once this many delete files apply to it (default 3)
  --state_uri                  ledger prefix: ledger objects no retained snapshot points to and older
                               than --older_than_hours (24 h at least) are deleted (default: keep all)

Steps: expire snapshots (never the newest one carrying the compaction ledger, which compaction needs),
rewrite small data files and files with many position deletes (sorted by _key), rewrite position delete
files, remove orphan files, prune old tombstones (never the snapshot horizon row, _key "{}"), delete
unreferenced ledger objects.
"""
from __future__ import annotations

import json
import sys
import time

from dynamodb_lake import args as job_args
from dynamodb_lake import ledger, listing, storage, tables
from dynamodb_lake.session import build_session

SPECIFIC = (
    ("--older_than_hours", "72", "snapshot and orphan age"),
    ("--tombstone_retention_hours", "168", "tombstone age"),
    ("--retain_last", "5", "snapshots always kept"),
    ("--delete_file_threshold", "3", "delete files per data file that trigger a rewrite"),
    ("--state_uri", "", "ledger prefix"),
)
HOUR_MS = 3_600_000
ORPHAN_MIN_HOURS = 24.0


def timestamp_literal(spark, epoch_ms: int) -> str:
    """A TIMESTAMP literal for procedure arguments (they must be constants), in the session time zone."""
    text = spark.sql(f"SELECT CAST(timestamp_millis({int(epoch_ms)}) AS STRING)").first()[0]
    return f"TIMESTAMP '{text}'"


def expire_cutoff_ms(now_ms: int, older_than_hours: float, ledger_committed_ms: int | None) -> int:
    """Snapshots older than the cutoff are expired; the newest ledger-bearing one must survive."""
    cutoff = now_ms - int(older_than_hours * HOUR_MS)
    return cutoff if ledger_committed_ms is None else min(cutoff, ledger_committed_ms)


def orphan_hours(older_than_hours: float) -> float:
    """Iceberg refuses to remove orphans younger than 24 h: a running write's files look orphaned until
    its commit, so a shorter window could delete live data."""
    return max(older_than_hours, ORPHAN_MIN_HOURS)


def procedure_name(table: str) -> str:
    return table.split(".", 1)[1]  # 'lake.db.t' → 'db.t' (the procedure runs in catalog lake)


def referenced_ledgers(spark, table: str) -> set[str]:
    """Names of the ledger objects retained snapshots point to (run ids are unique, so names suffice)."""
    rows = spark.sql(f"SELECT summary['{ledger.LEDGER_PROPERTY}'] AS l FROM {table}.snapshots").collect()
    return {r.l.rsplit("/", 1)[-1] for r in rows if r.l}


def run(spark, args, say=print) -> dict:
    names = tables.names(args.database, args.table_name)
    if not tables.exists(spark, names.current):
        waiting = {"job": "maintenance", "table": names.current, "status": "waiting for the snapshot"}
        say(json.dumps(waiting))
        return waiting
    started, now_ms = time.time(), int(time.time() * 1000)
    older_than = float(args.older_than_hours)
    pointer = tables.ledger_pointer(spark, names.current)
    result: dict = {"job": "maintenance", "table": names.current}
    for table in (names.current, names.tombstones):
        cutoff = expire_cutoff_ms(now_ms, older_than, pointer.committed_ms if table == names.current else None)
        name = procedure_name(table)
        expired = spark.sql(f"CALL lake.system.expire_snapshots(table => '{name}', "
                            f"older_than => {timestamp_literal(spark, cutoff)}, retain_last => {int(args.retain_last)})").first()
        rewritten = spark.sql(
            f"CALL lake.system.rewrite_data_files(table => '{name}', strategy => 'sort', sort_order => '_key', "
            f"options => map('min-input-files', '2', 'delete-file-threshold', '{int(args.delete_file_threshold)}', "
            "'remove-dangling-deletes', 'true'))").first()
        deletes = spark.sql(f"CALL lake.system.rewrite_position_delete_files(table => '{name}')").first()
        files = listing.table_files_view(spark, table, "dynamodb_lake_table_files")
        orphans = spark.sql(f"CALL lake.system.remove_orphan_files(table => '{name}', older_than => "
                            f"{timestamp_literal(spark, now_ms - int(orphan_hours(older_than) * HOUR_MS))}, "
                            f"file_list_view => '{files}')").collect()
        result[table] = {"expired_data_files": expired.deleted_data_files_count,
                         "expired_manifests": expired.deleted_manifest_files_count,
                         "rewritten_data_files": rewritten.rewritten_data_files_count,
                         "added_data_files": rewritten.added_data_files_count,
                         "rewritten_delete_files": deletes.rewritten_delete_files_count,
                         "orphans_removed": len(orphans)}
    retention_ms = now_ms - int(float(args.tombstone_retention_hours) * HOUR_MS)
    before = spark.table(names.tombstones).count()
    # The horizon row is no tombstone: the live view needs it for as long as the snapshot stands.
    spark.sql(f"DELETE FROM {names.tombstones} WHERE `_ts` < timestamp_millis({retention_ms}) "
              f"AND `_key` <> '{tables.HORIZON_KEY}'")
    result["tombstones_pruned"] = before - spark.table(names.tombstones).count()
    result["ledgers_deleted"] = 0
    if args.state_uri:
        keep = referenced_ledgers(spark, names.current)
        # A running compaction writes its ledger before it commits: until then no snapshot points to it,
        # so the same 24 h floor as for orphan files keeps it from being deleted under that run.
        ledger_cutoff_ms = now_ms - int(orphan_hours(older_than) * HOUR_MS)
        for obj in storage.list_objects(storage.join(args.state_uri, "ledger")):
            if obj.uri.rsplit("/", 1)[-1] not in keep and obj.mtime_ms < ledger_cutoff_ms:
                storage.delete(obj.uri)
                result["ledgers_deleted"] += 1
    result["seconds"] = round(time.time() - started, 1)
    say(json.dumps(result))
    return result


def main(argv=None) -> int:
    args = job_args.parse(sys.argv[1:] if argv is None else argv, SPECIFIC, __doc__,
                          ("table_name", "database", "warehouse"))
    spark = build_session(args.catalog_impl, args.warehouse, "dynamodb-lake-maintenance")
    run(spark, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
