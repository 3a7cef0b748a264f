"""One side of the snapshot benchmark, in a fresh process: load one export into a fresh Iceberg table.

  python bench/snapshot_side.py load|floor <export directory> <warehouse> <cores>

load:  glue-scripts/load_snapshot.py's run() (the JVM parser when its jar is on the class path).
floor: Spark's own reader and Iceberg writer on the same files and the same table: read the files as text,
       extract the key and the item, convert with to_json(from_json(item, 'map<string,string>')), write with
       the same bucket(16, _key), write properties and sort by _key (tables.create_tables).
Prints one JSON line: the side, rows written, and which parser loaded the export.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "glue-scripts")]

import load_snapshot  # noqa: E402
from dynamodb_lake import args as job_args  # noqa: E402
from dynamodb_lake import exports, tables  # noqa: E402
from dynamodb_lake.schema import SNAPSHOT_SEQ, table_schema  # noqa: E402
from dynamodb_lake.session import build_session  # noqa: E402

KEY_SCHEMA = "pk:S"
BUCKETS = 16


def floor(spark, export_dir: str) -> dict:
    from pyspark.sql import functions as F

    export = exports.find_export(export_dir)
    names = tables.names("bench", "Floor")
    tables.create_tables(spark, names, table_schema(KEY_SCHEMA, "{}"), BUCKETS)
    item = F.get_json_object("value", "$.Item")
    rows = spark.read.text(list(export.data_files)).select(item.alias("i")).select(
        F.get_json_object("i", "$.pk.S").alias("pk"),
        F.to_json(F.struct(F.from_json(F.get_json_object("i", "$.pk"), "map<string,string>").alias("pk"))).alias("_key"),
        F.col("i").alias("item"),
        F.to_json(F.from_json("i", "map<string,string>")).alias("item_json"),
        F.lit(SNAPSHOT_SEQ).alias("_seq"),
        F.expr(f"timestamp_millis({export.export_ms})").alias("_ts"))
    rows.writeTo(names.current).overwrite(F.lit(True))
    written = tables.snapshot_summary(spark, names.current, tables.current_snapshot_id(spark, names.current))
    return {"side": "floor", "items": int(written.get("added-records", 0)), "parser": "spark"}


def load(spark, export_dir: str, warehouse: str) -> dict:
    argv = ["--table_name", "Bench", "--database", "bench", "--catalog_impl", "hadoop", "--warehouse", warehouse,
            "--key_schema", KEY_SCHEMA, "--buckets", str(BUCKETS), "--export_uri", export_dir]
    result = load_snapshot.run(spark, job_args.parse(argv, load_snapshot.SPECIFIC, ""), say=lambda _line: None)
    return {"side": "load", "items": result["items"], "parser": result["parser"]}


def main() -> None:
    side, export_dir, warehouse, cores = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    spark = build_session("hadoop", warehouse, f"snapshot-bench-{side}", local_cores=cores, shuffle_partitions=2 * cores)
    print(json.dumps(floor(spark, export_dir) if side == "floor" else load(spark, export_dir, warehouse)))
    spark.stop()


if __name__ == "__main__":
    main()
