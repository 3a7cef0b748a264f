"""Export lines → raw snapshot rows inside the JVM, at the speed of Spark's own readers.

The jar built from jvm/ (dynamodb.lake.ExportItemRow, a Spark SQL function) turns each {"Item": …} line into
the key columns, _key, item, item_json and the declared columns' text, character for character what
records.export_rows makes of it (ddb_json's rules; tests/test_jvm_rows.py checks random items against them).
Lines it does not reproduce exactly — anything but the strict UTF-8 JSON with numbers spelled as JSON
numbers that DynamoDB writes, and every malformed line — make it throw, and the load falls back to the
Python parser, which loads them as before or names the bad file and line. Locally the jar comes from
$DYNAMODB_LAKE_JAR (set-up builds it); on Glue from the job's --extra-jars. Without it, Python parses.
"""
from __future__ import annotations

from . import storage
from .records import lines_of
from .schema import SNAPSHOT_SEQ, TableSchema
from .transforms import raw_struct

ROWS_CLASS = "dynamodb.lake.ExportItemRow"
JAR = "dynamodb-lake-udf.jar"
MISSING_JAR = (f"the JVM export parser ({JAR}, class {ROWS_CLASS}) is not on the class path: deployed jobs get it "
               "through --extra-jars, local runs through $DYNAMODB_LAKE_JAR (./scripts/setup.sh builds it)")
NEEDS_PYTHON = "dynamodb-lake: needs the Python parser: "
_FUNCTION = "dynamodb_lake_export_row"
# Spark reads paths as glob patterns: a file name holding one of these is read by Python instead.
_GLOB = set("*?[]{}\\")


def available(spark) -> bool:
    """True when the jar is on the session's class path."""
    from py4j.protocol import Py4JError

    try:
        loader = spark._jvm.java.lang.Thread.currentThread().getContextClassLoader()
        spark._jvm.java.lang.Class.forName(ROWS_CLASS, False, loader)
        return True
    except Py4JError:
        return False


def hadoop_readable(spark, uris: list[str]) -> bool:
    """True when Spark's file systems read every uri (local paths; s3:// on Glue, not on a local emulator)."""
    from py4j.protocol import Py4JError

    conf = spark._jsc.hadoopConfiguration()
    schemes = {u.split("://", 1)[0] if "://" in u else "file" for u in uris}
    if any(_GLOB & set(u) for u in uris):
        return False
    try:
        for scheme in schemes:
            spark._jvm.org.apache.hadoop.fs.FileSystem.getFileSystemClass(scheme, conf)
        return True
    except Py4JError:
        return False


def export_lines(spark, uris: list[str]):
    """DataFrame[line binary] of the export files' non-blank lines (gzip by extension, as AWS names them).
    Spark's text reader where its file systems reach the files, else Python reads them (records.lines_of)."""
    from pyspark.sql import functions as F

    if hadoop_readable(spark, uris):
        text = spark.read.option("lineSep", "\n").text(list(uris))
        return text.select(F.col("value").cast("binary").alias("line"))
    env = storage.driver_env()

    def file_lines(uri: str):
        storage.use_env(env)
        lines, error = lines_of(storage.read_bytes(uri))
        if error is not None:
            raise ValueError(f"{NEEDS_PYTHON}{uri}: {error}")
        return [(line,) for line in lines]

    return spark.createDataFrame(spark.sparkContext.parallelize(uris, len(uris)).flatMap(file_lines), "line binary")


def export_rows(spark, uris: list[str], schema: TableSchema, export_ms: int):
    """DataFrame in raw_struct(schema) of every item in the export files (blank lines skipped)."""
    return line_rows(export_lines(spark, uris), schema, export_ms)


def line_rows(lines, schema: TableSchema, export_ms: int):
    """DataFrame[line binary] of {"Item": …} lines → DataFrame in raw_struct(schema), blank lines skipped."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    spark = lines.sparkSession
    parsed_fields = raw_struct(schema).fields[: len(schema.keys) + 3 + len(schema.declared)]
    java_type = spark._jsparkSession.parseDataType(StructType(parsed_fields).json())
    spark._jsparkSession.udf().register(_FUNCTION, new_function(spark, schema), java_type)
    # A line of ASCII whitespace is skipped, as records.lines_of does (bytes.strip()); filtering before the
    # function keeps the optimizer from evaluating it twice per line.
    blank = F.expr(r"trim(BOTH ' \t\n\r\u000B\u000C' FROM cast(line AS string)) = ''")
    parsed = lines.where(~blank).select(F.expr(f"{_FUNCTION}(line)").alias("r"))
    return parsed.select(*[F.col(f"r.`{f.name}`").alias(f.name) for f in parsed_fields],
                         F.lit(SNAPSHOT_SEQ).alias("_seq"), F.lit(int(export_ms)).cast("long").alias("_ts_ms"),
                         F.lit("U").alias("_op"), F.lit("").alias("_event_id"))


def new_function(spark, schema: TableSchema):
    """A JVM ExportItemRow for the schema: key attributes as name NUL type pairs, declared names NUL-joined."""
    keys = "\0".join(f"{k.name}\0{k.dynamo_type}" for k in schema.keys)
    return spark._jvm.dynamodb.lake.ExportItemRow(keys, "\0".join(d.name for d in schema.declared))


def reason(error: BaseException) -> str:
    """Why the JVM path stopped, in one line (the NeedsPython message when it was that)."""
    text = str(error)
    start = text.find(NEEDS_PYTHON)
    line = text[start:] if start >= 0 else text.strip()
    return line.splitlines()[0][:300] if line else type(error).__name__
