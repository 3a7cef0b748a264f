"""Export and delta lines → raw rows inside the JVM, at the speed of Spark's own readers.

The jar built from jvm/ (dynamodb.lake.ExportItemRow, a Spark SQL function) turns each {"Item": …} line into
the key columns, _key, item, item_json and the declared columns' text, character for character what
records.export_rows makes of it (ddb_json's rules; tests/test_jvm_rows.py checks random items against them).
Lines it does not reproduce exactly — anything but the strict UTF-8 JSON with numbers spelled as JSON
numbers that DynamoDB writes, and every malformed line — make it throw, and the load falls back to the
Python parser, which loads them as before or names the bad file and line. Locally the jar comes from
$DYNAMODB_LAKE_JAR (set-up builds it); on Glue from the job's --extra-jars. Without it, Python parses.

The compaction's delta lines take the same path (dynamodb.lake.DeltaRow, delta_rows below): the JVM answers
exactly what records.delta_rows makes of a line, or null, and every file holding a line it left (an overflow
pointer, a malformed line), and every damaged gzip file, is parsed by Python as before (and quarantined by it).
"""
from __future__ import annotations

from . import storage
from .records import lines_of
from .schema import SNAPSHOT_SEQ, TableSchema
from .transforms import raw_struct

ROWS_CLASS = "dynamodb.lake.ExportItemRow"
DELTA_CLASS = "dynamodb.lake.DeltaRow"
JAR = "dynamodb-lake-udf.jar"
MISSING_JAR = (f"the JVM export parser ({JAR}, class {ROWS_CLASS}) is not on the class path: deployed jobs get it "
               "through --extra-jars, local runs through $DYNAMODB_LAKE_JAR (./scripts/setup.sh builds it)")
NEEDS_PYTHON = "dynamodb-lake: needs the Python parser: "
_FUNCTION = "dynamodb_lake_export_row"
_DELTA_FUNCTION = "dynamodb_lake_delta_row"
# Spark reads paths as glob patterns: a file name holding one of these is read by Python instead.
_GLOB = set("*?[]{}\\")


def available(spark, java_class: str = ROWS_CLASS) -> bool:
    """True when the jar is on the session's class path and has java_class (a jar built before DeltaRow has
    only the export parser: its compactions parse in Python)."""
    from py4j.protocol import Py4JError

    try:
        loader = spark._jvm.java.lang.Thread.currentThread().getContextClassLoader()
        spark._jvm.java.lang.Class.forName(java_class, False, loader)
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
    Spark's text reader where its file systems reach the files, else Python reads them (read_lines)."""
    from pyspark.sql import functions as F

    if hadoop_readable(spark, uris):
        text = spark.read.option("lineSep", "\n").text(list(uris))
        return text.select(F.col("value").cast("binary").alias("line"))
    return read_lines(spark, uris, damaged_fails=True).where(F.col("line").isNotNull()).select("line")


def read_lines(spark, uris: list[str], damaged_fails: bool):
    """DataFrame[file int, line binary, bytes long, damaged boolean, lines int]: Python reads every file on the
    executors (storage.read_bytes; gzip by magic bytes) and splits its non-blank lines (records.lines_of): a row
    per line tagged with the file's index in uris, then a row per file with line NULL, its size, whether its gzip
    stream is damaged and how many lines it yielded. A damaged file yields no lines; damaged_fails makes it fail
    the job instead."""
    env = storage.driver_env()

    def file_lines(index_uri: tuple[int, str]):
        index, uri = index_uri
        storage.use_env(env)
        data = storage.read_bytes(uri)
        lines, error = lines_of(data)
        if error is not None and damaged_fails:
            raise ValueError(f"{NEEDS_PYTHON}{uri}: {error}")
        if error is None:
            yield from ((index, line, None, None, None) for line in lines)
        yield (index, None, len(data), error is not None, 0 if error else len(lines))

    slices = max(1, min(len(uris), 4 * spark.sparkContext.defaultParallelism))
    files = spark.sparkContext.parallelize(list(enumerate(uris)), slices)
    return spark.createDataFrame(files.flatMap(file_lines), "file int, line binary, bytes long, damaged boolean, lines int",
                                 verifySchema=False)


def export_rows(spark, uris: list[str], schema: TableSchema, export_ms: int):
    """DataFrame in raw_struct(schema) of every item in the export files (blank lines skipped)."""
    return line_rows(export_lines(spark, uris), schema, export_ms)


def line_rows(lines, schema: TableSchema, export_ms: int):
    """DataFrame[line binary] of {"Item": …} lines → DataFrame in raw_struct(schema), blank lines skipped."""
    from pyspark.sql import functions as F

    spark = lines.sparkSession
    parsed_fields = raw_struct(schema).fields[: len(schema.keys) + 3 + len(schema.declared)]
    register(spark, _FUNCTION, new_function(spark, schema), parsed_fields)
    # A line of ASCII whitespace is skipped, as records.lines_of does (bytes.strip()); filtering before the
    # function keeps the optimizer from evaluating it twice per line.
    blank = F.expr(r"trim(BOTH ' \t\n\r\u000B\u000C' FROM cast(line AS string)) = ''")
    parsed = lines.where(~blank).select(F.expr(f"{_FUNCTION}(line)").alias("r"))
    return parsed.select(*[F.col(f"r.`{f.name}`").alias(f.name) for f in parsed_fields],
                         F.lit(SNAPSHOT_SEQ).alias("_seq"), F.lit(int(export_ms)).cast("long").alias("_ts_ms"),
                         F.lit("U").alias("_op"), F.lit("").alias("_event_id"))


def register(spark, name: str, function, fields) -> None:
    """Registers a JVM function returning a struct of these fields as the SQL function `name`."""
    from pyspark.sql.types import StructType

    spark._jsparkSession.udf().register(name, function, spark._jsparkSession.parseDataType(StructType(fields).json()))


def delta_rows(spark, uris: list[str], schema: TableSchema):
    """Delta files → (rows in raw_struct(schema) of the files the JVM parsed, their stats as records.delta_rows
    makes them, the uris left to Python in their order, the cached DataFrame to unpersist after the run)."""
    from pyspark.sql import functions as F

    register(spark, _DELTA_FUNCTION, new_function(spark, schema, DELTA_CLASS), raw_struct(schema).fields)
    line = F.col("line")
    parsed = read_lines(spark, uris, damaged_fails=False).select(
        "file", "bytes", "damaged", "lines", line.isNotNull().alias("is_line"),
        F.when(line.isNotNull(), F.expr(f"{_DELTA_FUNCTION}(line)")).alias("r")).cache()
    # The files' own rows and the lines the JVM left: one pass over the parse, no shuffle.
    notes = parsed.where(~F.col("is_line") | F.col("r").isNull()).select("file", "bytes", "damaged", "lines",
                                                                          "is_line").collect()
    files = sorted((n for n in notes if not n.is_line), key=lambda n: n.file)
    python = sorted({n.file for n in notes if n.is_line} | {f.file for f in files if f.damaged})
    stats = [{"uri": uris[f.file], "bytes": f.bytes, "records": f.lines, "error_count": 0, "errors": []}
             for f in files if f.file not in python]
    rows = parsed.where(F.col("r").isNotNull() & ~F.col("file").isin(python)).select("r.*")
    return rows, stats, [uris[i] for i in python], parsed


def new_function(spark, schema: TableSchema, java_class: str = ROWS_CLASS):
    """A JVM ExportItemRow (or DeltaRow) for the schema: key attributes as name NUL type pairs, declared names
    NUL-joined."""
    keys = "\0".join(f"{k.name}\0{k.dynamo_type}" for k in schema.keys)
    constructor = spark._jvm
    for part in java_class.split("."):
        constructor = getattr(constructor, part)
    return constructor(keys, "\0".join(d.name for d in schema.declared))


def reason(error: BaseException) -> str:
    """Why the JVM path stopped, in one line (the NeedsPython message when it was that)."""
    text = str(error)
    start = text.find(NEEDS_PYTHON)
    line = text[start:] if start >= 0 else text.strip()
    return line.splitlines()[0][:300] if line else type(error).__name__
