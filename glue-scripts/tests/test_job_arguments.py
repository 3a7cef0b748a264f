"""The job argument contract: every argument a deployed job gets (infra/glue-job-arguments.ts, which the
components, the local pipeline and these tests all use) is declared by its script, and every argument the
script requires is passed."""
from typing import Any

import pytest

import compact
import load_snapshot
import maintenance
import reconcile
from dynamodb_lake import args as job_args
from factories import argv, job_arguments

SCRIPTS = {"load_snapshot": load_snapshot, "compact": compact, "maintenance": maintenance, "reconcile": reconcile}
DEPLOYED = {"tableName": "Orders", "database": "lake_db", "bucket": "lake-bucket", "region": "eu-west-1",
            "keySchema": "pk:S,sk:N", "declaredColumns": {"price": "decimal(38,2)"}}
# Each job in every shape the components and the operator tool give it.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("load_snapshot", {"tableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"}),
    ("load_snapshot", {"tableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders", "repair": True}),
    ("load_snapshot", {"tableArn": "arn:aws:dynamodb:eu-west-1:444455556666:table/Orders",
                       "exporterRoleArn": "arn:aws:iam::444455556666:role/lake-orders-exporter",
                       "exportBucketOwner": "123456789012"}),
    ("load_snapshot", {"mode": "glue", "readPercent": 0.5, "buckets": 64}),
    ("load_snapshot", {"mode": "glue", "tableArn": "arn:aws:dynamodb:eu-west-1:444455556666:table/Orders"}),
    ("load_snapshot", {"exportUri": "s3://lake-bucket/exports/Orders/"}),
    ("compact", {"snapshotJobName": "orders-snapshot"}),
    ("maintenance", {"snapshotRetentionHours": 24, "tombstoneRetentionHours": 720}),
    ("reconcile", {"readPercent": 0.5}),
    ("reconcile", {"tableArn": "arn:aws:dynamodb:eu-west-1:444455556666:table/Orders"}),
    ("reconcile", {"exportUri": "s3://lake-bucket/exports/Orders/"}),
]


class Parsed(Exception):
    """Raised where main() would build the Spark session: the arguments passed the script's own checks."""


def declared(script) -> set[str]:
    return {flag for flag, _default, _text in (*job_args.COMMON, *script.SPECIFIC)}


def parses(script, arguments: dict[str, str], monkeypatch) -> None:
    def stop(*_args, **_kwargs):
        raise Parsed
    monkeypatch.setattr(script, "build_session", stop)
    with pytest.raises(Parsed):
        script.main(argv(arguments))


@pytest.mark.parametrize("job, options", CASES)
def test_every_argument_is_declared_and_every_required_one_passed(job, options, monkeypatch):
    script = SCRIPTS[job]
    arguments = job_arguments(job, **DEPLOYED, **options)
    assert sorted(set(arguments) - declared(script)) == []
    parses(script, arguments, monkeypatch)


@pytest.mark.parametrize("job", sorted(SCRIPTS))
def test_a_missing_required_argument_stops_the_script(job, capsys):
    arguments = job_arguments(job, **DEPLOYED, **dict(CASES)[job])
    del arguments["--warehouse"]
    with pytest.raises(SystemExit):
        SCRIPTS[job].main(argv(arguments))
    assert "missing --warehouse" in capsys.readouterr().err


def test_compaction_is_not_given_the_bucket_count():
    # compact.py keeps the bucket count the table was created with; only the load takes --buckets.
    assert "--buckets" not in job_arguments("compact", **DEPLOYED, snapshotJobName="s")
    assert job_arguments("load_snapshot", **DEPLOYED, exportUri="e", buckets=8)["--buckets"] == "8"


@pytest.mark.parametrize("job", ["load_snapshot", "reconcile"])
def test_the_scripts_default_read_share_is_the_components(job):
    # What a script runs with when --read_percent is not passed equals the share the components default to
    # (DEFAULT_READ_PERCENT, DEFAULT_RECONCILE_READ_PERCENT), as the builder writes it when none is given.
    options = {"mode": "glue"} if job == "load_snapshot" else {}
    deployed_default = job_arguments(job, **DEPLOYED, **options)["--read_percent"]
    script_default = {flag: default for flag, default, _text in SCRIPTS[job].SPECIFIC}["--read_percent"]
    assert script_default == deployed_default


def test_bad_inputs_are_refused_by_the_builder():
    with pytest.raises(ValueError, match='database "Lake-Db" must be'):
        job_arguments("compact", **{**DEPLOYED, "database": "Lake-Db"})
    with pytest.raises(ValueError, match="job must be one of"):
        job_arguments("nope", **DEPLOYED)
