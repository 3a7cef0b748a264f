"""An export made by the emulator (moto's ExportTableToPointInTime), loaded and reconciled.

moto writes only <prefix>/AWSDynamoDB/<id>/data/<id>.gz (no manifest-summary.json or manifest-files.json,
and an export id unrelated to the ARN), so the fixture downloads the data files and adds the two manifests
the way AWS writes them; `--start_export` against moto exercises the manifest-less path directly.
"""
import gzip
import json
import os
import time
from typing import Any

import pytest

import load_snapshot
import reconcile
from dynamodb_lake import args as job_args
from dynamodb_lake import scan as scan_module
from dynamodb_lake.ddb_json import to_client
from factories import GLUE_PATH, Lake
from moto_server import MotoServer, apply_env, clients
from test_ddb_json import EVERY_TYPE, N38

ITEMS: list[dict[str, Any]] = [
    {**EVERY_TYPE, "pk": {"S": "k1"}, "sk": {"N": "1"}},
    {"pk": {"S": "k2"}, "sk": {"N": N38}, "price": {"N": "0.000000000000000000000000000000000001"}},
    {"pk": {"S": "k3"}, "sk": {"N": "-5"}, "blob": {"B": "AAEC/w=="}, "ns": {"NS": ["3", "1", "2"]}},
]


# The production path: catalog `lake` is the deployed GlueCatalog + S3FileIO on the session's moto server,
# the same server this module's tables and exports live on.
spark, warehouse = GLUE_PATH


@pytest.fixture(scope="module")
def moto(moto_server: MotoServer) -> MotoServer:
    return moto_server


def create_table(dynamodb, name: str) -> str:
    """Table `name` (pk:S, sk:N, PITR on) holding ITEMS, in the account of the client; its ARN."""
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                {"AttributeName": "sk", "AttributeType": "N"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    for item in ITEMS:
        dynamodb.put_item(TableName=name, Item=to_client(item))
    return dynamodb.describe_table(TableName=name)["Table"]["TableArn"]


def make_table(moto, name: str):
    dynamodb, s3 = clients(moto)
    arn = create_table(dynamodb, name)
    if "lake" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket="lake")
    return dynamodb, s3, arn


def emulator_export(moto, tmp_path) -> str:
    """Runs moto's export, downloads it and writes the AWS manifests next to the data."""
    dynamodb, s3, arn = make_table(moto, "OrdersExport")
    export_arn = dynamodb.export_table_to_point_in_time(TableArn=arn, S3Bucket="lake", S3Prefix="exports/Orders",
                                                        ExportFormat="DYNAMODB_JSON")["ExportDescription"]["ExportArn"]
    for _ in range(100):
        if dynamodb.describe_export(ExportArn=export_arn)["ExportDescription"]["ExportStatus"] == "COMPLETED":
            break
        time.sleep(0.1)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake", Prefix="exports/Orders/")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("exports/Orders/AWSDynamoDB/") and "/data/" in keys[0]
    export_id = keys[0].split("/")[3]
    directory = tmp_path / "exports" / "Orders" / "AWSDynamoDB" / export_id
    (directory / "data").mkdir(parents=True)
    body = s3.get_object(Bucket="lake", Key=keys[0])["Body"].read()
    (directory / "data" / os.path.basename(keys[0])).write_bytes(body)
    lines = gzip.decompress(body).decode().splitlines()
    (directory / "manifest-files.json").write_text(json.dumps(
        {"itemCount": len(lines), "md5Checksum": "-", "etag": "-", "dataFileS3Key": keys[0]}) + "\n")
    (directory / "manifest-summary.json").write_text(json.dumps(
        {"exportStatus": "COMPLETED", "exportTime": "2026-11-20T10:00:00Z", "itemCount": len(lines),
         "outputFormat": "DYNAMODB_JSON", "manifestFilesS3Key": "manifest-files.json"}))
    return str(tmp_path / "exports" / "Orders")


def test_emulator_export_loads_every_type_exactly(spark, warehouse, database, tmp_path, moto):
    export_root = emulator_export(moto, tmp_path)
    lake = Lake(str(tmp_path), database, warehouse, key_schema="pk:S,sk:N")
    assert lake.load(spark, export_root)["items"] == 3
    rows = {r["pk"]: r for r in spark.table(lake.current).collect()}
    assert json.loads(rows["k1"]["item"]) == ITEMS[0]
    assert str(rows["k2"]["sk"]) == N38 and rows["k2"]["item_json"] == (
        f'{{"pk":"k2","price":0.000000000000000000000000000000000001,"sk":{N38}}}')
    assert json.loads(rows["k3"]["item"])["blob"] == {"B": "AAEC/w=="}
    # The lake equals the export it came from, compared the DynamoDB way.
    args = job_args.parse([*lake.common(), "--export_uri", export_root], reconcile.SPECIFIC, "")
    assert reconcile.run(spark, args, say=lambda _l: None)["differences"] == 0


def test_start_export_then_scan_reconcile_against_the_emulator(spark, warehouse, database, tmp_path, moto, monkeypatch, capsys):
    apply_env(moto, monkeypatch)
    # main() runs as deployed but on the test's Glue-path session (a built one would replace the shared catalog).
    monkeypatch.setattr(reconcile, "build_session", lambda *_args: spark)
    dynamodb, _s3, arn = make_table(moto, "OrdersLive")
    lake = Lake(str(tmp_path), database, warehouse, key_schema="pk:S,sk:N")
    lake_args = [*lake.common()]
    lake_args[lake_args.index("--table_name") + 1] = "OrdersLive"
    args = job_args.parse([*lake_args, "--start_export", "true", "--table_arn", arn, "--export_bucket", "lake",
                           "--export_prefix", "exports/OrdersLive", "--poll_seconds", "0.2"], load_snapshot.SPECIFIC, "")
    lines: list[str] = []
    before_ms = int(time.time() * 1000)
    loaded = load_snapshot.run(spark, args, say=lines.append)
    finished_ms = int(time.time() * 1000)
    assert loaded["items"] == 3
    # The emulator gives no ExportTime and exports at request time: the horizon is the request time
    # (taken just before the call), never the later time its files were written.
    assert before_ms <= loaded["horizon_ms"] == loaded["snapshot_ms"] <= finished_ms
    assert lines[0].startswith("export started: ") and any("export COMPLETED" in line for line in lines)
    assert any("has no manifest (emulator layout)" in line for line in lines)

    check = [*lake_args, "--scan", "true", "--scan_segments", "3"]
    assert reconcile.main(check) == 0
    assert "reconcile: 3 items, 0 differences (missing 0, extra 0, differing 0)" in capsys.readouterr().out
    # Attribute order and set order do not matter; a changed value, a new and a deleted item do.
    dynamodb.put_item(TableName="OrdersLive", Item=to_client({**ITEMS[2], "ns": {"NS": ["2", "3", "1"]}}))
    dynamodb.put_item(TableName="OrdersLive", Item=to_client({**ITEMS[0], "n38": {"N": N38[:-1] + "0"}}))
    dynamodb.put_item(TableName="OrdersLive", Item={"pk": {"S": "new"}, "sk": {"N": "0"}})
    dynamodb.delete_item(TableName="OrdersLive", Key={"pk": ITEMS[1]["pk"], "sk": ITEMS[1]["sk"]})
    assert reconcile.main(check) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "reconcile: 3 items, 3 differences (missing 1, extra 1, differing 1)"
    details = {d["kind"]: d["_key"] for d in json.loads(out[1])["details"]}
    assert details == {"missing": '{"pk":{"S":"new"},"sk":{"N":"0"}}',
                       "extra": '{"pk":{"S":"k2"},"sk":{"N":"' + N38 + '"}}',
                       "differing": '{"pk":{"S":"k1"},"sk":{"N":"1"}}'}


def test_scan_reads_the_low_level_items_losslessly(moto, monkeypatch):
    apply_env(moto, monkeypatch)
    make_table(moto, "OrdersScan")
    items = [item for segment in range(2) for item in scan_module.scan_segment("OrdersScan", segment, 2, 1000.0)]
    assert sorted(items, key=lambda i: i["pk"]["S"]) == ITEMS


def test_storage_on_s3_lists_reads_copies_and_checks_existence(moto, monkeypatch):
    from dynamodb_lake import storage

    apply_env(moto, monkeypatch)
    storage.use_env(storage.driver_env())
    clients(moto)[1].create_bucket(Bucket="storage-check")
    storage.write_bytes("s3://storage-check/changes/T/dt=1/a.gz", b"abc")
    storage.copy("s3://storage-check/changes/T/dt=1/a.gz", "s3://storage-check/quarantine/T/dt=1/a.gz")
    listed = storage.list_objects("s3://storage-check/changes/T/")
    assert [(o.uri, o.size) for o in listed] == [("s3://storage-check/changes/T/dt=1/a.gz", 3)]
    assert storage.relative("s3://storage-check/changes/T/", listed[0].uri) == "dt=1/a.gz"
    assert storage.read_bytes("s3://storage-check/quarantine/T/dt=1/a.gz") == b"abc"
    assert storage.exists("s3://storage-check/changes/T/dt=1/a.gz")
    assert not storage.exists("s3://storage-check/changes/T/dt=1/a")  # a prefix of a key is not the key


def test_metrics_and_the_snapshot_job_start_reach_the_services(moto, monkeypatch):
    import boto3

    import compact
    from dynamodb_lake import metrics

    apply_env(moto, monkeypatch)
    metrics.put("Orders", {"files": 3, "records": 7, "applied": 5, "deleted": 1, "quarantined": 1, "bytes": 900})
    cloudwatch = boto3.client("cloudwatch", endpoint_url=moto.url)
    names = {m["MetricName"] for m in cloudwatch.list_metrics(Namespace="DynamoDbLake")["Metrics"]}
    assert names == {"DeltaFiles", "DeltaRecords", "ItemsApplied", "ItemsDeleted", "FilesQuarantined", "DeltaBytes", "LateFiles"}

    glue = boto3.client("glue", endpoint_url=moto.url)
    glue.create_job(Name="orders-load-snapshot", Role="arn:aws:iam::123456789012:role/glue",
                    Command={"Name": "glueetl", "ScriptLocation": "s3://lake/_assets/load_snapshot.py"})
    lines: list[str] = []
    compact.start_snapshot_job("orders-load-snapshot", "", lines.append)
    assert lines[0].startswith("started snapshot job orders-load-snapshot: ")
    assert len(glue.get_job_runs(JobName="orders-load-snapshot")["JobRuns"]) == 1
