"""The files under an Iceberg table's location, listed through the table's own FileIO.

Iceberg 1.7.1's remove_orphan_files lists the location with a Hadoop FileSystem for its scheme: Glue has
one for s3:// (EMRFS), a plain Spark has none. Listed through the FileIO the catalog configures (S3FileIO
lists S3 by prefix, HadoopFileIO a folder) and handed over as `file_list_view`, the same procedure runs
wherever the catalog does, with one flat listing instead of one LIST per directory.
"""
from __future__ import annotations

from urllib.parse import urlparse


def table_files_view(spark, table: str, view: str) -> str:
    """Registers `view` (file_path string, last_modified timestamp) with every file under the table's location."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    jtable = spark._jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, table)
    io = jtable.io()
    try:
        listed = io.listPrefix(jtable.location())
    except Exception as err:  # py4j: no such method
        raise RuntimeError(f"the FileIO of {table} ({io.getClass().getName()}) cannot list by prefix") from err
    location = jtable.location()
    files, it = [], listed.iterator()
    while it.hasNext():
        info = it.next()
        files.append((in_location_form(location, info.location()), info.createdAtMillis()))
    schema = StructType([StructField("file_path", StringType(), False), StructField("ms", LongType(), False)])
    (spark.createDataFrame(files, schema).selectExpr("file_path", "timestamp_millis(ms) AS last_modified")
     .createOrReplaceTempView(view))
    return view


def in_location_form(location: str, listed: str) -> str:
    """A listed file spelt like the table's location (HadoopFileIO lists a plain-path location as file:…):
    the procedure keeps only listed files that start with the location."""
    base, path = urlparse(location).path.rstrip("/"), urlparse(listed).path
    return location.rstrip("/") + path[len(base):] if path.startswith(base + "/") else listed
