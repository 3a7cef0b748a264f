"""The SparkSession with the Iceberg catalog `lake`: GlueCatalog + S3FileIO on Glue, a Hadoop folder
catalog locally. On Glue 5.0 the job also needs `--datalake-formats iceberg` and
`--conf spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions`."""
from __future__ import annotations

import os
import sys

EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"


def catalog_conf(catalog_impl: str, warehouse: str) -> dict[str, str]:
    conf = {"spark.sql.catalog.lake": "org.apache.iceberg.spark.SparkCatalog"}
    if catalog_impl == "glue":
        conf.update({
            "spark.sql.catalog.lake.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
            "spark.sql.catalog.lake.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
            "spark.sql.catalog.lake.warehouse": warehouse,
        })
    else:
        path = warehouse[len("file://"):] if warehouse.startswith("file://") else warehouse
        conf.update({"spark.sql.catalog.lake.type": "hadoop", "spark.sql.catalog.lake.warehouse": path})
    return conf


def build_session(catalog_impl: str, warehouse: str, app_name: str, local_cores: int = 2,
                  shuffle_partitions: int | None = None):
    """Reuses the running session on Glue; locally starts local[N] with the Iceberg jar from $ICEBERG_JAR."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name).config("spark.sql.extensions", EXTENSIONS)
    for key, value in catalog_conf(catalog_impl, warehouse).items():
        builder = builder.config(key, value)
    # Under spark-submit or Glue (which passes --JOB_ID/--JOB_RUN_ID) the cluster owns master and jars; a plain
    # `python job.py` run gets a local master and the Iceberg jar.
    launched_by_glue = "PYSPARK_GATEWAY_PORT" in os.environ or any(a in sys.argv for a in ("--JOB_ID", "--JOB_RUN_ID"))
    if SparkSession.getActiveSession() is None and not launched_by_glue:
        builder = builder.master(os.environ.get("SPARK_MASTER", f"local[{local_cores}]"))
        jar = os.environ.get("ICEBERG_JAR")
        if jar:
            builder = builder.config("spark.jars", jar)
        builder = (builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 2 * local_cores))
                   .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "2g"))
                   # The local JDK 17 crashed (SIGSEGV) in Iceberg's Arrow-vectorized Parquet reads of a
                   # 200k-row table, reproducibly, and ran clean without them; Glue keeps the default.
                   .config("spark.sql.iceberg.vectorization.enabled", "false"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("SPARK_LOG_LEVEL", "WARN"))
    return spark
