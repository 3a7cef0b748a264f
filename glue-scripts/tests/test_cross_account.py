"""A table in another account, on the emulator: the snapshot job exports it through the exporter role it
assumes there (S3BucketOwner naming the lake's account, into the lake's bucket), and scans reach a table by
ARN. moto keeps accounts apart by credentials and gives the assumed role's account its own tables."""
import boto3
import pytest

import load_snapshot
import reconcile
from dynamodb_lake import args as job_args
from dynamodb_lake import jvm_rows, storage, tables
from factories import GLUE_PATH, Lake
from moto_server import MotoServer, apply_env, client
from test_moto_export import create_table

TABLE_ACCOUNT = "111111111111"
EXPORTER = f"arn:aws:iam::{TABLE_ACCOUNT}:role/orders-exporter"


# The production path: catalog `lake` is the deployed GlueCatalog + S3FileIO on the session's moto server,
# the same server this module's tables and exports live on.
spark, warehouse = GLUE_PATH


@pytest.fixture(scope="module")
def moto(moto_server: MotoServer) -> MotoServer:
    return moto_server


@pytest.fixture
def on_moto(moto, monkeypatch):
    """The job's environment pointed at this module's server; the S3 client cached for another endpoint is dropped."""
    apply_env(moto, monkeypatch)
    storage.s3_client.cache_clear()
    yield moto
    storage.s3_client.cache_clear()


def table_account_dynamodb(moto):
    """The table account's DynamoDB, as its exporter role (the credentials moto gives the assumed role)."""
    c = client(moto, "sts").assume_role(RoleArn=EXPORTER, RoleSessionName="test")["Credentials"]
    return boto3.client("dynamodb", endpoint_url=moto.url, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                        aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])


def lake_args(lake: Lake, table: str) -> list[str]:
    common = lake.common()
    common[common.index("--table_name") + 1] = table
    return common


def test_the_export_of_a_table_in_another_account_runs_as_its_exporter_role(spark, warehouse, database, tmp_path, on_moto):
    moto = on_moto
    lake_account = client(moto, "sts").get_caller_identity()["Account"]
    assert lake_account != TABLE_ACCOUNT
    client(moto, "s3").create_bucket(Bucket="lake-xa")
    table_account = table_account_dynamodb(moto)
    arn = create_table(table_account, "OrdersElsewhere")
    assert arn.split(":")[4] == TABLE_ACCOUNT
    # The job's own credentials (the lake's account) do not reach the table: only the assumed role exports it.
    assert "OrdersElsewhere" not in client(moto, "dynamodb").list_tables()["TableNames"]

    lake = Lake(str(tmp_path), database, warehouse, key_schema="pk:S,sk:N")
    start = [*lake_args(lake, "OrdersElsewhere"), "--start_export", "true", "--table_arn", arn, "--export_bucket", "lake-xa",
             "--export_prefix", "exports/OrdersElsewhere", "--poll_seconds", "0.2"]
    lines: list[str] = []
    args = job_args.parse([*start, "--exporter_role_arn", EXPORTER, "--export_bucket_owner", lake_account],
                          load_snapshot.SPECIFIC, "")
    assert load_snapshot.run(spark, args, say=lines.append)["items"] == 3
    current = tables.names(database, "OrdersElsewhere").current
    assert sorted(r["pk"] for r in spark.table(current).collect()) == ["k1", "k2", "k3"]
    # Started by the table's account, naming the lake's account as the bucket's owner; the files are in the lake's bucket.
    (summary,) = table_account.list_exports(TableArn=arn)["ExportSummaries"]
    description = table_account.describe_export(ExportArn=summary["ExportArn"])["ExportDescription"]
    assert (description["S3Bucket"], description["S3BucketOwner"]) == ("lake-xa", lake_account)
    assert lines[0] == f"export started: {summary['ExportArn']} → s3://lake-xa/exports/OrdersElsewhere/AWSDynamoDB/"

    # Without the role, the job's own account has no such table.
    with pytest.raises(Exception, match="ResourceNotFound|TableNotFound|not found"):
        load_snapshot.run(spark, job_args.parse(start, load_snapshot.SPECIFIC, ""), say=lambda _l: None)


def test_half_of_the_cross_account_pair_is_refused(spark, warehouse, database, tmp_path):
    lake = Lake(str(tmp_path), database, warehouse)
    start = [*lake.common(), "--start_export", "true", "--table_arn", "arn:aws:dynamodb:us-east-1:1:table/T",
             "--export_bucket", "b"]
    for half in (["--exporter_role_arn", EXPORTER], ["--export_bucket_owner", "123456789012"]):
        with pytest.raises(SystemExit, match="needs both --exporter_role_arn .* and --export_bucket_owner"):
            load_snapshot.run(spark, job_args.parse([*start, *half], load_snapshot.SPECIFIC, ""), say=lambda _l: None)


def test_scans_read_the_table_the_arn_names(spark, warehouse, database, tmp_path, on_moto, capsys, monkeypatch):
    moto = on_moto
    # main() runs as deployed but on the test's Glue-path session (a built one would replace the shared catalog).
    monkeypatch.setattr(reconcile, "build_session", lambda *_args: spark)
    # The ARN names another table than --table_name does: what is read proves the ARN is used.
    arn = create_table(client(moto, "dynamodb"), "OrdersByArn")
    lake = Lake(str(tmp_path), database, warehouse, key_schema="pk:S,sk:N")
    scan = ["--mode", "scan", "--table_arn", arn, "--scan_segments", "2"]
    loaded = load_snapshot.run(spark, job_args.parse([*lake.common(), *scan], load_snapshot.SPECIFIC, ""), say=lambda _l: None)
    assert (loaded["mode"], loaded["items"]) == ("scan", 3)
    assert reconcile.main([*lake.common(), "--scan", "true", "--table_arn", arn, "--scan_segments", "2"]) == 0
    assert "reconcile: 3 items, 0 differences" in capsys.readouterr().out


def test_a_load_without_the_jvm_parser_says_so(spark, warehouse, database, tmp_path, monkeypatch):
    from factories import write_export

    monkeypatch.setattr(jvm_rows, "available", lambda *_args: False)
    export = write_export(str(tmp_path / "exports"), "01-no-jar", [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}])
    lake = Lake(str(tmp_path), database, warehouse)
    lines: list[str] = []
    args = job_args.parse([*lake.common(), "--export_uri", export], load_snapshot.SPECIFIC, "")
    loaded = load_snapshot.run(spark, args, say=lines.append)
    assert (loaded["parser"], loaded["items"]) == ("python", 2)
    assert lines[0] == (f"warning: {jvm_rows.MISSING_JAR}; parsing {export} in Python, several times slower")
    assert "dynamodb-lake-udf.jar" in lines[0] and "--extra-jars" in lines[0]
