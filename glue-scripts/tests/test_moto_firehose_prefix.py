"""local/emulator/moto_server.py: Firehose's S3 keys follow the stream's Prefix expressions, as Firehose writes them
(moto alone takes the prefix literally and appends YYYY/MM/DD/HH/)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest

from dynamodb_lake import ledger
from moto_server import SERVER_SCRIPT, MotoServer, client

sys.path.append(os.path.dirname(SERVER_SCRIPT))  # local/emulator/, after the tests' own moto_server
from firehose_prefix import expand_prefix, java_time  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MOMENT = datetime(2026, 3, 7, 4, 5, 6, tzinfo=UTC)


def product_prefixes(table: str) -> tuple[str, str]:
    """The delivery stream's Prefix and ErrorOutputPrefix as the TableCapture component sets them."""
    script = ('const l = require("./infra/layout"); const t = process.argv[1];'
              'process.stdout.write(JSON.stringify([l.firehoseChangesPrefix(t), l.firehoseErrorPrefix(t)]))')
    run = subprocess.run(["node", "--import", "tsx", "-e", script, table], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    if run.returncode != 0 or not run.stdout:
        raise RuntimeError(f"infra/layout via node failed (run `source scripts/env.sh`): {run.stderr[-2000:]}")
    prefix, error_prefix = json.loads(run.stdout)
    return prefix, error_prefix


@pytest.fixture(scope="module")
def plain_server():
    server = MotoServer("--plain-firehose-prefix")
    yield server
    server.stop()


def deliver(server: MotoServer, table: str, prefix: str, error_prefix: str) -> tuple[list[str], datetime, datetime]:
    """A stream with the given prefixes, one batch put; the keys under changes/<table>/ and the put's time bounds."""
    bucket = "firehose-" + uuid.uuid4().hex[:10]
    client(server, "s3").create_bucket(Bucket=bucket)
    firehose = client(server, "firehose")
    name = f"{table}-changes"
    firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration={
                                        "BucketARN": f"arn:aws:s3:::{bucket}",
                                        "RoleARN": "arn:aws:iam::123456789012:role/firehose-delivery",
                                        "Prefix": prefix, "ErrorOutputPrefix": error_prefix,
                                        "BufferingHints": {"IntervalInSeconds": 0, "SizeInMBs": 1}})
    before = datetime.now(UTC)
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": b'{"n":1}\n'}, {"Data": b'{"n":2}\n'}])
    after = datetime.now(UTC)
    listed = client(server, "s3").list_objects_v2(Bucket=bucket)
    keys = [o["Key"] for o in listed.get("Contents", [])]
    assert [client(server, "s3").get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys] == [b'{"n":1}\n{"n":2}\n']
    return keys, before, after


def hour_keys(table: str, before: datetime, after: datetime, layout: str) -> list[str]:
    """The key patterns a batch put between before and after may land under (the hour may turn mid-put)."""
    return sorted({f"changes/{table}/{m.strftime(layout)}" for m in (before, after)})


def test_the_products_prefix_lands_deltas_under_dt_and_hour(moto_server):
    table = "orders"
    prefix, error_prefix = product_prefixes(table)
    keys, before, after = deliver(moto_server, table, prefix, error_prefix)
    assert len(keys) == 1
    folders = hour_keys(table, before, after, "dt=%Y-%m-%d/hour=%H/")
    folder = next((f for f in folders if keys[0].startswith(f)), None)
    assert folder is not None, (keys, folders)
    name = keys[0][len(folder):]
    assert re.fullmatch(rf"{table}-changes-1-\d{{4}}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9a-f]{{32}}", name), name
    stamp = datetime.strptime(name[len(f"{table}-changes-1-"):][:19], "%Y-%m-%d-%H-%M-%S").replace(tzinfo=UTC)
    assert before.replace(microsecond=0) <= stamp <= after
    assert folder == f"changes/{table}/{stamp.strftime('dt=%Y-%m-%d/hour=%H/')}"


def test_plain_moto_ignores_the_expressions(plain_server):
    table = "orders"
    prefix, error_prefix = product_prefixes(table)
    keys, before, after = deliver(plain_server, table, prefix, error_prefix)
    assert len(keys) == 1
    literal = [f"{prefix}{m.strftime('%Y/%m/%d/%H/')}" for m in (before, after)]
    assert any(keys[0].startswith(f) for f in literal), (keys, literal)
    assert "!{timestamp:" in keys[0]


def test_a_prefix_without_timestamp_gets_firehoses_default_hour(moto_server):
    keys, before, after = deliver(moto_server, "plain", "changes/plain/", "errors/plain/!{firehose:error-output-type}/")
    assert any(keys[0].startswith(f) for f in hour_keys("plain", before, after, "%Y/%m/%d/%H/")), keys


@pytest.mark.parametrize(("prefix", "expanded"), [
    ("changes/t/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/", "changes/t/dt=2026-03-07/hour=04/"),
    ("p/!{timestamp:yyyy/MM/dd/HH/mm/ss}/", "p/2026/03/07/04/05/06/"),
    ("p/!{timestamp:yy'h'HH}''/", "p/26h04''/"),
    ("p/!{timestamp:'year='yyyy}/", "p/year=2026/"),
    ("p/", "p/2026/03/07/04/"),
    ("p", "p/2026/03/07/04/"),
    ("", "2026/03/07/04/"),
])
def test_expand_prefix(prefix, expanded):
    assert expand_prefix(prefix, MOMENT) == expanded


def test_random_string_is_eleven_fresh_characters():
    first, second = (expand_prefix("r/!{firehose:random-string}/!{timestamp:HH}/", MOMENT) for _ in range(2))
    assert re.fullmatch(r"r/[a-z0-9]{11}/04/", first) and re.fullmatch(r"r/[a-z0-9]{11}/04/", second)
    assert first != second


@pytest.mark.parametrize(("prefix", "message"), [
    ("e/!{firehose:error-output-type}/", r"not valid in an S3 Prefix"),
    ("e/!{partitionKeyFromQuery:id}/", r"not valid in an S3 Prefix"),
    ("e/!{timestamp:EEE}/", r"'EEE' is not supported locally; use yyyy"),
])
def test_unsupported_expressions_are_named(prefix, message):
    with pytest.raises(ValueError, match=message):
        expand_prefix(prefix, MOMENT)


def test_java_time_keeps_separators_and_quotes():
    assert java_time("yyyy-MM-dd'T'HH:mm:ss", MOMENT) == "2026-03-07T04:05:06"


def test_compactions_key_layout_is_the_products_prefix_expanded():
    """ledger's hour prefix (compaction's StartAfter window) names the folder Firehose writes a moment's batch to."""
    prefix, _ = product_prefixes("orders")
    for moment in (MOMENT, datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2027, 1, 1, 0, 0, tzinfo=UTC)):
        ms = int(moment.timestamp() * 1000)
        assert expand_prefix(prefix, moment) == f"changes/orders/{ledger.hour_prefix(ms)}"
        assert ledger.key_hour_ms(expand_prefix(prefix, moment)[len("changes/orders/"):] + "x.gz") == ms - ms % ledger.HOUR_MS
