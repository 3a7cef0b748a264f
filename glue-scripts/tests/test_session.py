"""The Spark catalog settings: on the Glue path exactly the deployed `--conf` (infra/glue-job-arguments.ts)
plus only the emulator's endpoint overrides; the folder catalog for fast unit tests."""
import pytest

from conftest import deployed_spark_conf
from dynamodb_lake.session import CATALOG, SPARK_CONF_ENV, catalog_conf, parse_spark_conf

WAREHOUSE = "s3://lake/warehouse/"


@pytest.fixture(scope="module")
def deployed() -> str:
    return deployed_spark_conf(WAREHOUSE)


def test_the_deployed_conf_is_parsed_setting_by_setting(deployed):
    assert parse_spark_conf(deployed) == {
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        CATALOG: "org.apache.iceberg.spark.SparkCatalog",
        f"{CATALOG}.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        f"{CATALOG}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        f"{CATALOG}.warehouse": WAREHOUSE,
    }


def test_glue_on_aws_is_the_deployed_conf_and_nothing_else(deployed):
    assert catalog_conf("glue", WAREHOUSE, {SPARK_CONF_ENV: deployed}) == parse_spark_conf(deployed)


def test_glue_on_an_emulator_adds_only_endpoint_and_region(deployed):
    conf = catalog_conf("glue", WAREHOUSE, {SPARK_CONF_ENV: deployed, "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                                            "AWS_DEFAULT_REGION": "eu-west-1"})
    added = {k: v for k, v in conf.items() if k not in parse_spark_conf(deployed)}
    assert added == {f"{CATALOG}.glue.endpoint": "http://127.0.0.1:5000", f"{CATALOG}.s3.endpoint": "http://127.0.0.1:5000",
                     f"{CATALOG}.s3.path-style-access": "true", f"{CATALOG}.client.region": "eu-west-1"}
    assert {k: conf[k] for k in parse_spark_conf(deployed)} == parse_spark_conf(deployed)


def test_glue_without_the_conf_or_with_another_warehouse_names_the_fix(deployed):
    with pytest.raises(RuntimeError, match=f"\\${SPARK_CONF_ENV}: set it to icebergSparkConf"):
        catalog_conf("glue", WAREHOUSE, {})
    with pytest.raises(ValueError, match="--warehouse 's3://other/warehouse/' differs"):
        catalog_conf("glue", "s3://other/warehouse/", {SPARK_CONF_ENV: deployed})
    with pytest.raises(ValueError, match="is not key=value"):
        parse_spark_conf("spark.a=1 --conf spark.b")


def test_the_folder_catalog_for_unit_tests():
    local = catalog_conf("hadoop", "file:///tmp/w")
    assert (local[f"{CATALOG}.type"], local[f"{CATALOG}.warehouse"]) == ("hadoop", "/tmp/w")
