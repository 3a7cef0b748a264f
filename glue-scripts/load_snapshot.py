"""load_snapshot: a DynamoDB export (or a rate-limited parallel Scan) → lake.<database>.<table>_current.

Usage (Glue 5.0 job arguments, or locally with the same flags):
  python glue-scripts/load_snapshot.py --table_name Orders --database lake_db --catalog_impl hadoop \
      --warehouse /tmp/lake/warehouse --key_schema pk:S,sk:N --export_uri s3://lake/exports/Orders/
  Export mode that starts the export itself (how the Glue job runs after `pulumi up`):
      --start_export true --table_arn arn:aws:dynamodb:…:table/Orders --export_bucket lake --export_prefix exports/Orders
  Scan mode (no PITR export): --mode scan --read_percent 0.25

Arguments (unknown ones, such as Glue's own, are ignored):
  --table_name        source table (required)          --database      Glue database (required)
  --catalog_impl      glue | hadoop (default hadoop)   --warehouse     s3://…, file://… or a path (required)
  --key_schema        pk:S[,sk:N[:decimal(38,6)]] (required)
  --declared_columns  JSON name → Athena type (default {})   --buckets  bucket(N,_key) at creation (default 16)
  --region            boto3 region (default: environment)
  --mode              export | scan (default export)
  --export_uri        exports/<table>/ (newest COMPLETED export) or one …/AWSDynamoDB/<id>/ directory
  --start_export      true: ExportTableToPointInTime first, wait, then load (default false)
  --table_arn / --export_bucket / --export_prefix   for --start_export (scan mode scans --table_arn when given)
  --exporter_role_arn / --export_bucket_owner   --start_export of a table in another account: the role there the
                      job assumes to start and poll the export, and the lake's account, which owns the bucket
  --poll_seconds      export status poll interval (default 30)
  --read_percent      scan mode: share of the table's read capacity to use (default 0.25)
  --scan_segments     scan mode: parallel Scan segments (default 0 = 4 per core)
  --repair            true marks a repair run (`lake resnapshot`) in the run history (default false)

Every run replaces the table's contents atomically; a repair is the same command (--repair true only
labels the run). The commit records that the compaction ledger restarts from this snapshot and its
horizon T (`dynamodb-lake.restart-from-ms`): the export's point in time, or the scan's start. Every
delta file is read again, but only deltas with ts_ms + 1000 > T are applied (ApproximateCreationDateTime
is rounded down to the second; older ones are in the snapshot, and re-applying them could bring back a
value or an item whose newer change was lost); those are safe, since a change applies only when its seq
is newer than the row's and snapshot rows carry seq 0…0. T is also written as the horizon row of
<t>_tombstones (_key "{}", which no real key is) for the <t>_live view. A manifest-less export
directory (an emulator's) has no known T: T = 0, nothing is skipped.

Export lines are parsed in the JVM (the jar built from jvm/, passed to Glue with --extra-jars; see
dynamodb_lake/jvm_rows.py) into exactly the rows the Python parser (records.export_rows) makes; a line it
does not reproduce exactly, or a bad one, makes the load start over with the Python parser, which loads it
as before or names the bad file and line. Without the jar Python parses, after a warning line saying so; in
scan mode Python parses.
"""
from __future__ import annotations

import json
import sys
import time

from pyspark.sql import functions as F

from dynamodb_lake import args as job_args
from dynamodb_lake import aws_clients, exports, jvm_rows, records, scan, tables
from dynamodb_lake.ledger import LEDGER_PROPERTY, NO_LEDGER, RESTART_PROPERTY
from dynamodb_lake.schema import TableSchema, table_schema
from dynamodb_lake.session import build_session
from dynamodb_lake.transforms import raw_struct, to_current_columns

SPECIFIC = (
    ("--mode", "export", "export | scan"),
    ("--export_uri", "", "exports/<table>/ or one export directory"),
    ("--start_export", "false", "start ExportTableToPointInTime and wait before loading"),
    ("--table_arn", "", "table ARN for --start_export; scan mode scans it (a table in another account)"),
    ("--export_bucket", "", "S3 bucket for --start_export"),
    ("--export_prefix", "", "S3 prefix for --start_export, e.g. exports/<table>"),
    ("--exporter_role_arn", "", "table in another account: the role there that starts and polls the export"),
    ("--export_bucket_owner", "", "with --exporter_role_arn: the account of --export_bucket (S3BucketOwner)"),
    ("--poll_seconds", "30", "export status poll interval"),
    ("--read_percent", "0.25", "scan mode: share of read capacity"),
    ("--scan_segments", "0", "scan mode: segments (0 = 4 per core)"),
    ("--repair", "false", "true marks a repair run (`lake resnapshot`) in the run history; the load is the same"),
)


def export_raw_rows(spark, export: exports.Export, schema: TableSchema):
    """The Python parser: records.export_rows per file."""
    export_ms = export.export_ms
    return exports.parse_files(spark, export.data_files,
                               lambda uri, data: records.export_rows(uri, data, schema, export_ms))


def scan_raw_rows(spark, table: str, schema: TableSchema, read_percent: float, segments: int, region: str):
    items, snapshot_ms, total = scan.scan_items(spark, table, read_percent, segments, region)
    return items.map(lambda item: records.item_row(item, schema, snapshot_ms)), snapshot_ms, total


def aligned(df, table_fields):
    """The DataFrame in the table's column set (declared columns no longer passed stay, as NULL)."""
    present = set(df.columns)
    return df.select(*[F.col(f"`{f.name}`") if f.name in present else F.lit(None).cast(f.dataType).alias(f.name)
                       for f in table_fields])


def run(spark, args, say=print) -> dict:
    schema = table_schema(args.key_schema, args.declared_columns)
    names = tables.names(args.database, args.table_name)
    started = time.time()
    source: dict
    if args.mode == "scan":
        rdd, snapshot_ms, segments = scan_raw_rows(spark, args.table_arn or args.table_name, schema, float(args.read_percent),
                                                   int(args.scan_segments), args.region)
        source = {"scan_segments": segments, "read_percent": float(args.read_percent)}
        horizon_ms = snapshot_ms
    elif args.mode == "export":
        if job_args.as_bool(args.start_export):
            missing = [f for f in ("table_arn", "export_bucket") if not getattr(args, f)]
            if missing:
                raise SystemExit(f"--start_export true needs {', '.join('--' + m for m in missing)}")
            if bool(args.exporter_role_arn) != bool(args.export_bucket_owner):
                raise SystemExit("an export of a table in another account needs both --exporter_role_arn (the role "
                                 "there that exports it) and --export_bucket_owner (the account of --export_bucket)")
            export = exports.start_export(aws_clients.dynamodb_client(args.region, args.exporter_role_arn),
                                          args.table_arn, args.export_bucket, args.export_prefix,
                                          float(args.poll_seconds), say, bucket_owner=args.export_bucket_owner or None)
        elif args.export_uri:
            export = exports.find_export(args.export_uri)
        else:
            raise SystemExit("export mode needs --export_uri (or --start_export true with --table_arn and --export_bucket)")
        if not export.has_manifest:
            say(f"note: {export.directory} has no manifest (emulator layout): loading every data/ file")
        rdd, snapshot_ms, horizon_ms = export_raw_rows(spark, export, schema), export.export_ms, export.horizon_ms
        source = {"export": export.directory, "data_files": len(export.data_files), "export_items": export.item_count}
    else:
        raise SystemExit("--mode must be export or scan")
    tables.create_tables(spark, names, schema, int(args.buckets))
    tables.add_declared_columns(spark, names.current, schema, fill_existing=False)  # the overwrite fills them
    fields = spark.table(names.current).schema.fields

    def replace_contents(raw) -> None:
        (aligned(to_current_columns(raw, schema), fields).writeTo(names.current)
         .option(f"snapshot-property.{LEDGER_PROPERTY}", NO_LEDGER)
         .option(f"snapshot-property.{RESTART_PROPERTY}", str(horizon_ms))
         .overwrite(F.lit(True)))

    source["parser"] = "python"
    jar = args.mode == "export" and jvm_rows.available(spark)
    if args.mode == "export" and not jar:
        say(f"warning: {jvm_rows.MISSING_JAR}; parsing {export.directory} in Python, several times slower")
    if jar:
        try:
            replace_contents(jvm_rows.export_rows(spark, list(export.data_files), schema, export.export_ms))
            source["parser"] = "jvm"
        except Exception as err:  # noqa: BLE001 - the Python parser loads it exactly or names the bad line
            say(f"note: {jvm_rows.reason(err)}; parsing {export.directory} in Python instead")
    if source["parser"] == "python":
        replace_contents(spark.createDataFrame(rdd, raw_struct(schema)))
    spark.sql(tables.horizon_row_sql(names.tombstones, horizon_ms))
    snapshot = tables.current_snapshot_id(spark, names.current)
    summary = tables.snapshot_summary(spark, names.current, snapshot)
    result = {"job": "load_snapshot", "table": names.current, "mode": args.mode, **source,
              "snapshot_ms": snapshot_ms, "horizon_ms": horizon_ms, "items": int(summary.get("added-records", 0)),
              "bytes_written": int(summary.get("added-files-size", 0)), "seconds": round(time.time() - started, 1)}
    if source.get("export_items") is not None and source["export_items"] != result["items"]:
        raise RuntimeError(f"export manifest says {source['export_items']} items but {result['items']} were loaded "
                           f"into {names.current}: check the export's data files and run load_snapshot again")
    say(json.dumps(result))
    return result


def main(argv=None) -> int:
    args = job_args.parse(sys.argv[1:] if argv is None else argv, SPECIFIC, __doc__)
    spark = build_session(args.catalog_impl, args.warehouse, "dynamodb-lake-load-snapshot")
    run(spark, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
