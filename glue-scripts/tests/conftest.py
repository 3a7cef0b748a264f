"""One local SparkSession with the Iceberg runtime for the whole test session (Hadoop catalog `lake`)."""
from __future__ import annotations

import os
import uuid

import pytest

# No test may reach a real AWS account: fake credentials and a fixed region for boto3 everywhere
# (set before the Spark session starts, so its Python workers inherit them too).
for _name, _value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                      ("AWS_DEFAULT_REGION", "us-east-1")):
    os.environ.setdefault(_name, _value)
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("warehouse"))


@pytest.fixture(scope="session")
def spark(warehouse):
    jar = os.environ.get("ICEBERG_JAR", "")
    if not os.path.isfile(jar):
        raise RuntimeError(f"ICEBERG_JAR={jar!r} is not a file: run `source scripts/env.sh` (and ./scripts/setup.sh)")
    from dynamodb_lake.session import build_session

    session = build_session("hadoop", warehouse, "dynamodb-lake-tests", local_cores=2, shuffle_partitions=2)
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    session.stop()


@pytest.fixture
def database() -> str:
    """A fresh namespace per test, so tests never see each other's tables."""
    return "t_" + uuid.uuid4().hex[:10]
