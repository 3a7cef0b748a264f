"""Snapshot-summary properties on a SQL MERGE commit, atomically with its data.

Spark 3.5 has no DataFrame MERGE, and Iceberg 1.7.1's write option `snapshot-property.*` reaches only
DataFrameWriterV2 writes. For SQL commands Iceberg documents `CommitMetadata.withCommitProperties(
properties, callable, exceptionClass)`: it sets a thread-local that every Spark commit of Iceberg
(SparkWrite, SparkPositionDeltaWrite) copies into the snapshot summary. The callable is a Python object
implementing java.util.concurrent.Callable through py4j; PySpark pins each Python thread to one JVM
thread, so the MERGE the callback runs commits on the thread that holds the properties.
"""
from __future__ import annotations

from collections.abc import Callable


class _Callable:
    def __init__(self, body: Callable[[], None]):
        self.body = body
        self.error: BaseException | None = None

    def call(self):  # called by the JVM
        try:
            self.body()
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller with its own type
            self.error = err
            raise
        return None

    class Java:
        implements = ["java.util.concurrent.Callable"]


def with_commit_properties(spark, properties: dict[str, str], body: Callable[[], None]) -> None:
    """Runs body (one Spark SQL write) so that its Iceberg commit carries properties in its summary."""
    from pyspark.java_gateway import ensure_callback_server_started

    gateway = spark.sparkContext._gateway
    ensure_callback_server_started(gateway)
    jvm = spark.sparkContext._jvm
    java_props = jvm.java.util.HashMap()
    for key, value in properties.items():
        java_props.put(key, value)
    callable_ = _Callable(body)
    try:
        jvm.org.apache.iceberg.spark.CommitMetadata.withCommitProperties(
            java_props, callable_, jvm.java.lang.RuntimeException().getClass())
    except Exception:
        if callable_.error is not None:
            raise callable_.error from None
        raise
