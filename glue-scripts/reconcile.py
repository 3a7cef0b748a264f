"""reconcile: compares lake.<database>.<table>_current with a fresh export or a scan of the table.

Usage (locally or as a Glue job; AWS_ENDPOINT_URL points boto3 at an emulator):
  python glue-scripts/reconcile.py --table_name Orders --database lake_db --catalog_impl hadoop \
      --warehouse /tmp/lake/warehouse --key_schema pk:S,sk:N --export_uri s3://lake/exports/Orders/
  python glue-scripts/reconcile.py … --scan true --read_percent 0.25

Arguments (unknown ones, such as Glue's own, are ignored):
  --table_name  --database  --catalog_impl (default hadoop)  --warehouse  --key_schema   as for compact
  --export_uri    exports/<table>/ (newest COMPLETED export) or one …/AWSDynamoDB/<id>/ directory
  --scan          true: read the table with a parallel Scan instead (default false)
  --table_arn     scan: the table by ARN (a table in another account); default: --table_name in the job's account
  --read_percent  scan: share of the table's read capacity (default 0.25)
  --scan_segments scan: parallel segments (default 0 = 4 per core)
  --max_details   differences listed in the JSON details (default 100)

Items are compared semantically: attribute order and set order do not matter, numbers compare by value
as DynamoDB normalizes them, binary by bytes. Compare against an export or scan taken after the lake's
newest merged change (compact right before), or in-flight changes show up as differences.
Prints "reconcile: N items, M differences (…)" then one JSON line of details; exit code 1 when M > 0.
"""
from __future__ import annotations

import json
import sys

from dynamodb_lake import args as job_args
from dynamodb_lake import compare, exports, scan, tables
from dynamodb_lake.schema import parse_key_schema
from dynamodb_lake.session import build_session

SPECIFIC = (
    ("--export_uri", "", "export folder or directory"),
    ("--scan", "false", "scan the table instead of reading an export"),
    ("--table_arn", "", "scan: the table by ARN (a table in another account)"),
    ("--read_percent", "0.25", "scan: share of read capacity"),
    ("--scan_segments", "0", "scan: segments (0 = 4 per core)"),
    ("--max_details", "100", "differences listed in the details"),
)


def source_pairs(spark, args, key_names: list[str]):
    if job_args.as_bool(args.scan):
        items, _started_ms, _segments = scan.scan_items(spark, args.table_arn or args.table_name, float(args.read_percent),
                                                        int(args.scan_segments), args.region)
        return items.map(lambda item: compare.item_pair(item, key_names))
    if not args.export_uri:
        raise SystemExit("reconcile needs --export_uri or --scan true")
    return exports.parse_files(spark, exports.find_export(args.export_uri).data_files,
                               lambda uri, data: compare.export_pairs(uri, data, key_names))


def run(spark, args, say=print) -> dict:
    key_names = [k.name for k in parse_key_schema(args.key_schema)]
    current = tables.names(args.database, args.table_name).current
    source = source_pairs(spark, args, key_names).cache()
    lake = spark.table(current).select("_key", "item").rdd.map(lambda r: compare.lake_pair(r[0], r[1]))
    differences = source.fullOuterJoin(lake).map(compare.classify).filter(lambda d: d is not None).cache()
    counts = dict(differences.map(lambda d: (d[0], 1)).reduceByKey(lambda a, b: a + b).collect())
    total = sum(counts.values())
    result = compare.report(source.count(), differences.take(int(args.max_details)), total, counts,
                            int(args.max_details))
    say(f"reconcile: {result['items']} items, {total} differences (missing {result['missing']}, "
        f"extra {result['extra']}, differing {result['differing']})")
    say(json.dumps(result))
    source.unpersist()
    differences.unpersist()
    return result


def main(argv=None) -> int:
    args = job_args.parse(sys.argv[1:] if argv is None else argv, SPECIFIC, __doc__)
    spark = build_session(args.catalog_impl, args.warehouse, "dynamodb-lake-reconcile")
    return 1 if run(spark, args)["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
