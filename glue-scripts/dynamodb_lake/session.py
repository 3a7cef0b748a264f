"""The SparkSession with the Iceberg catalog `lake`.

`--catalog_impl glue` (every deployed job, and every local run of the pipeline): the catalog is exactly what
the job's Glue `--conf` argument says (infra/glue-job-arguments.ts `icebergSparkConf`: GlueCatalog +
S3FileIO). On Glue, Glue applies it before the script starts. Elsewhere the same `--conf` value comes in
$DYNAMODB_LAKE_SPARK_CONF and is applied as is, plus only endpoint/region overrides when $AWS_ENDPOINT_URL
points at an emulator (credentials come from the environment, as on Glue from the job's role).
`--catalog_impl hadoop`: a local folder catalog, for fast unit tests only.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping

EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
CATALOG = "spark.sql.catalog.lake"
GLUE_CATALOG_IMPL = "org.apache.iceberg.aws.glue.GlueCatalog"
SPARK_CONF_ENV = "DYNAMODB_LAKE_SPARK_CONF"
_CONF_SEPARATOR = " --conf "


def parse_spark_conf(text: str) -> dict[str, str]:
    """Glue's single `--conf` value, `k=v --conf k=v …`, as settings."""
    conf: dict[str, str] = {}
    for part in text.split(_CONF_SEPARATOR):
        key, sep, value = part.strip().partition("=")
        if not sep or not key or " " in key:
            raise ValueError(f"--conf part {part!r} is not key=value (the value chains settings with ' --conf ')")
        conf[key] = value
    return conf


def endpoint_overrides(endpoint: str, region: str) -> dict[str, str]:
    """What an emulator needs on top of the deployed settings: where Glue and S3 answer, path-style buckets,
    the region."""
    return {
        f"{CATALOG}.glue.endpoint": endpoint,
        f"{CATALOG}.s3.endpoint": endpoint,
        f"{CATALOG}.s3.path-style-access": "true",
        f"{CATALOG}.client.region": region,
    }


def glue_conf(warehouse: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The deployed catalog settings from $DYNAMODB_LAKE_SPARK_CONF, plus the emulator's endpoint if any."""
    text = environ.get(SPARK_CONF_ENV, "")
    if not text:
        raise RuntimeError(
            f"--catalog_impl glue outside Glue reads the job's --conf value from ${SPARK_CONF_ENV}: set it to "
            "icebergSparkConf(<warehouse>) of infra/glue-job-arguments.ts (the local runner does)")
    conf = parse_spark_conf(text)
    if conf.get(f"{CATALOG}.catalog-impl") != GLUE_CATALOG_IMPL:
        raise ValueError(f"${SPARK_CONF_ENV} does not set {CATALOG}.catalog-impl={GLUE_CATALOG_IMPL}: {text!r}")
    if conf.get(f"{CATALOG}.warehouse") != warehouse:
        raise ValueError(f"--warehouse {warehouse!r} differs from the warehouse of ${SPARK_CONF_ENV}: "
                         f"{conf.get(f'{CATALOG}.warehouse')!r}")
    endpoint = environ.get("AWS_ENDPOINT_URL", "")
    if endpoint:
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        conf.update(endpoint_overrides(endpoint, region))
    return conf


def hadoop_conf(warehouse: str) -> dict[str, str]:
    path = warehouse[len("file://"):] if warehouse.startswith("file://") else warehouse
    return {"spark.sql.extensions": EXTENSIONS, CATALOG: "org.apache.iceberg.spark.SparkCatalog",
            f"{CATALOG}.type": "hadoop", f"{CATALOG}.warehouse": path}


def catalog_conf(catalog_impl: str, warehouse: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    return glue_conf(warehouse, environ) if catalog_impl == "glue" else hadoop_conf(warehouse)


def launched_by_glue() -> bool:
    """Under spark-submit or Glue (which passes --JOB_ID/--JOB_RUN_ID) the cluster owns the session's settings."""
    return "PYSPARK_GATEWAY_PORT" in os.environ or any(a in sys.argv for a in ("--JOB_ID", "--JOB_RUN_ID"))


def local_jars() -> str:
    """The Iceberg runtime and AWS bundle jars (Glue 5.0 ships both with --datalake-formats iceberg) and the
    JVM export and delta parsers (jvm/; Glue gets them with --extra-jars)."""
    jars = [os.environ.get(name, "") for name in ("ICEBERG_JAR", "ICEBERG_AWS_JAR", "DYNAMODB_LAKE_JAR")]
    return ",".join(j for j in jars if j)


def build_session(catalog_impl: str, warehouse: str, app_name: str, local_cores: int = 2,
                  shuffle_partitions: int | None = None, extra: Mapping[str, str] | None = None):
    """Reuses the running session (Glue's, or the local runner's); locally starts local[N] with the jars.
    extra: local-only settings of the caller (never used on Glue)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    on_glue = launched_by_glue()
    if not on_glue:
        for key, value in {**catalog_conf(catalog_impl, warehouse), **(extra or {})}.items():
            builder = builder.config(key, value)
    if SparkSession.getActiveSession() is None and not on_glue:
        builder = builder.master(os.environ.get("SPARK_MASTER", f"local[{local_cores}]"))
        jars = local_jars()
        if jars:
            builder = builder.config("spark.jars", jars)
        builder = (builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 2 * local_cores))
                   .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "2g"))
                   # The local JDK 17 crashed (SIGSEGV) in Iceberg's Arrow-vectorized Parquet reads of a
                   # 200k-row table, reproducibly, and ran clean without them; Glue keeps the default.
                   .config("spark.sql.iceberg.vectorization.enabled", "false"))
    spark = builder.getOrCreate()
    if on_glue and catalog_impl == "glue" and spark.conf.get(f"{CATALOG}.catalog-impl", None) != GLUE_CATALOG_IMPL:
        raise RuntimeError(f"the job's --conf does not configure {CATALOG} as {GLUE_CATALOG_IMPL}: deploy it with "
                           "glueRuntimeArguments of infra/glue-job-arguments.ts")
    spark.sparkContext.setLogLevel(os.environ.get("SPARK_LOG_LEVEL", "WARN"))
    return spark
