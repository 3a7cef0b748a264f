"""Job arguments, schema parsing, catalog configuration and small pure helpers (the ledger: test_ledger.py)."""
import pytest

import compact
import maintenance
from dynamodb_lake import args as job_args
from dynamodb_lake import metrics, scan
from dynamodb_lake.schema import parse_declared, parse_key_schema, table_schema

BASE = ["--table_name", "Orders", "--database", "db", "--warehouse", "/w", "--key_schema", "pk:S"]


def test_glue_arguments_are_ignored_and_never_abbreviate_ours():
    args = job_args.parse(["--JOB_NAME", "x", "--job-bookmark-option", "job-bookmark-disable", "--table", "no",
                           *BASE, "--changes_uri", "c", "--quarantine_uri", "q", "--state_uri", "s"],
                          compact.SPECIFIC, "", compact.REQUIRED)
    assert (args.table_name, args.catalog_impl, args.declared_columns, args.metrics) == ("Orders", "hadoop", "{}", "false")


def test_missing_required_arguments_are_named(capsys):
    with pytest.raises(SystemExit):
        job_args.parse(BASE, compact.SPECIFIC, "", compact.REQUIRED)
    assert "missing --changes_uri, --quarantine_uri, --state_uri" in capsys.readouterr().err


def test_key_schema_types():
    pk, sk = parse_key_schema("pk:S,Sort-Key:N:decimal(38,6)")
    assert (pk.column, pk.sql_type, sk.column, sk.sql_type) == ("pk", "string", "sort_key", "decimal(38,6)")
    assert parse_key_schema("id:N")[0].sql_type == "decimal(38,0)"
    assert parse_key_schema("id:B")[0].sql_type == "binary"
    for bad in ("pk", "pk:X", "a:S,b:S,c:S", "", "pk:N:double"):
        with pytest.raises(ValueError, match="key_schema"):
            parse_key_schema(bad)


def test_declared_columns_map_athena_types():
    declared = parse_declared('{"price":"decimal(38,2)","Status":"varchar(20)","n":"bigint","ok":"boolean"}')
    assert [(d.column, d.sql_type) for d in declared] == [
        ("status", "string"), ("n", "bigint"), ("ok", "boolean"), ("price", "decimal(38,2)")]
    assert [d.sql_type for d in parse_declared('{"a":"decimal","b":"DECIMAL( 12 , 3 )","c":"integer"}')] == [
        "decimal(10,0)", "decimal(12,3)", "int"]  # every spelling infra/views/athena-types.ts accepts
    with pytest.raises(ValueError, match="unsupported column type 'map<string,int>'"):
        parse_declared('{"m":"map<string,int>"}')
    with pytest.raises(ValueError, match="JSON object"):
        parse_declared("[1]")
    with pytest.raises(ValueError, match="collide"):
        table_schema("pk:S", '{"_seq":"string"}')


def test_expire_cutoff_never_passes_the_newest_ledger_commit():
    assert maintenance.expire_cutoff_ms(10 * 3_600_000, 2, None) == 8 * 3_600_000
    assert maintenance.expire_cutoff_ms(10 * 3_600_000, 2, 5 * 3_600_000) == 5 * 3_600_000


def test_scan_pacing_and_capacity():
    assert scan.pause_needed(100, 1.0, 50) == pytest.approx(1.0)
    assert scan.pause_needed(10, 1.0, 50) == 0
    assert scan.read_capacity({"ProvisionedThroughput": {"ReadCapacityUnits": 100}}) == 100
    assert scan.read_capacity({"ProvisionedThroughput": {"ReadCapacityUnits": 0}}) == scan.ON_DEMAND_READ_UNITS
    assert scan.read_capacity({"OnDemandThroughput": {"MaxReadRequestUnits": 300}}) == 300


def test_metric_data_names():
    data = metrics.metric_data("Orders", {"files": 2, "quarantined": 1, "bytes": 10})
    assert {d["MetricName"]: d["Value"] for d in data} == {
        "DeltaFiles": 2.0, "DeltaRecords": 0.0, "ItemsApplied": 0.0, "ItemsDeleted": 0.0, "FilesQuarantined": 1.0,
        "DeltaBytes": 10.0, "LateFiles": 0.0}
    assert data[0]["Dimensions"] == [{"Name": "TableName", "Value": "Orders"}]
