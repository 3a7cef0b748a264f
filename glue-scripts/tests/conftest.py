"""One local SparkSession with the Iceberg jars for the whole test session: `spark` (catalog `lake` = a
Hadoop folder, for fast unit tests) and `glue_spark` (catalog `lake` = the deployed GlueCatalog + S3FileIO,
on one moto server: `moto_server`, warehouse `glue_warehouse`), for the tests that touch the catalog."""
from __future__ import annotations

import functools
import os
import subprocess
import uuid

import pytest

from moto_server import MotoServer, client

# No test may reach a real AWS account: fake credentials and a fixed region for boto3 everywhere
# (set before the Spark session starts, so its Python workers inherit them too).
for _name, _value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                      ("AWS_DEFAULT_REGION", "us-east-1")):
    os.environ.setdefault(_name, _value)
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(scope="session")
def local_warehouse(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("warehouse"))


@pytest.fixture(scope="session")
def warehouse(local_warehouse) -> str:
    """The folder catalog's warehouse (overridden with `spark` on the Glue path)."""
    return local_warehouse


@pytest.fixture(scope="session")
def local_spark(local_warehouse):
    """The one SparkContext of the test session (its default session has the folder catalog)."""
    for name in ("ICEBERG_JAR", "ICEBERG_AWS_JAR"):
        jar = os.environ.get(name, "")
        if not os.path.isfile(jar):
            raise RuntimeError(f"{name}={jar!r} is not a file: run `source scripts/env.sh` (and ./scripts/setup.sh)")
    from dynamodb_lake.session import build_session

    session = build_session("hadoop", local_warehouse, "dynamodb-lake-tests", local_cores=2, shuffle_partitions=2)
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark(local_spark):
    """Catalog `lake` = a Hadoop folder (warehouse `warehouse`): fast unit tests. A test module on the Glue
    path overrides `spark` and `warehouse` with `glue_spark` and `glue_warehouse`."""
    return local_spark


@pytest.fixture
def database() -> str:
    """A fresh namespace per test, so tests never see each other's tables."""
    return "t_" + uuid.uuid4().hex[:10]


# --- The production path: Iceberg's GlueCatalog + S3FileIO on the project's moto server ---

GLUE_TEST_BUCKET = "lake-tests"


@functools.cache  # one node start per warehouse and test session
def deployed_spark_conf(warehouse: str) -> str:
    """The value of the deployed jobs' Glue `--conf` argument, from infra/glue-job-arguments.ts itself."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    script = ('process.stdout.write(require("./infra/glue-job-arguments").icebergSparkConf(process.argv[1]))')
    run = subprocess.run(["node", "--import", "tsx", "-e", script, warehouse], cwd=root, capture_output=True,
                         text=True, timeout=120)
    if run.returncode != 0 or not run.stdout:
        raise RuntimeError(f"icebergSparkConf via node failed (run `source scripts/env.sh`): {run.stderr[-2000:]}")
    return run.stdout


@pytest.fixture(scope="session")
def moto_server():
    """One moto server (with Glue's VersionId check) for the whole test session."""
    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def glue_warehouse(moto_server) -> str:
    """The lake bucket's warehouse on moto S3, as deployed: s3://<bucket>/warehouse/."""
    client(moto_server, "s3").create_bucket(Bucket=GLUE_TEST_BUCKET)
    return f"s3://{GLUE_TEST_BUCKET}/warehouse/"


def glue_session(spark, server: MotoServer, warehouse: str):
    """A session on the same SparkContext whose catalog `lake` is the deployed jobs' (their `--conf`) plus only
    the emulator's endpoint overrides. Its own catalog instance: the `spark` fixture keeps its folder catalog."""
    from dynamodb_lake.session import CATALOG, SPARK_CONF_ENV, glue_conf

    session = spark.newSession()
    session.conf.unset(f"{CATALOG}.type")  # the folder catalog's; GlueCatalog comes with catalog-impl
    environ = {SPARK_CONF_ENV: deployed_spark_conf(warehouse), "AWS_ENDPOINT_URL": server.url, "AWS_REGION": "us-east-1"}
    for key, value in glue_conf(warehouse, environ).items():
        if key != "spark.sql.extensions":  # static, and already the SparkContext's
            session.conf.set(key, value)
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return session


@pytest.fixture(scope="session")
def glue_spark(local_spark, moto_server, glue_warehouse):
    """Spark with catalog `lake` = GlueCatalog + S3FileIO on the session's moto server (warehouse glue_warehouse)."""
    return glue_session(local_spark, moto_server, glue_warehouse)


def glue_env(server: MotoServer, warehouse: str) -> dict[str, str]:
    """The environment of a job script run as its own process on the Glue path (the runner's and
    scripts/reconcile.sh's way): the deployed `--conf` value and the emulator."""
    from dynamodb_lake.session import SPARK_CONF_ENV

    return {**os.environ, **server.env(), SPARK_CONF_ENV: deployed_spark_conf(warehouse)}
