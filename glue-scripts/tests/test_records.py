"""Contract-1 parsing, gzip detection, bad lines, overflow pointers, export lines."""
import gzip
import json
import pathlib

import pytest

from dynamodb_lake import records
from dynamodb_lake.schema import table_schema
from factories import delta, seq40

SCHEMA = table_schema("pk:S", '{"price":"decimal(38,2)"}')


def no_reads(uri):
    raise AssertionError(f"unexpected read of {uri}")


def lines(*objs):
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


def test_parse_delta_maps_ops_and_keeps_the_padded_seq():
    parsed = records.parse_delta(delta(5, "REMOVE", "a", ttl=True))
    assert (parsed.op, parsed.seq, parsed.ttl_delete, parsed.image) == ("D", seq40(5), True, None)
    assert records.parse_delta(delta(6, "MODIFY", "a", {"x": {"S": "y"}})).op == "U"


@pytest.mark.parametrize("change,message", [
    ({"seq": "100000000000000000000"}, "left-padded to 40 digits"),
    ({"seq": "1" * 41}, "left-padded to 40 digits"),
    ({"seq": 5}, "left-padded"),
    ({"v": 2}, "format version"),
    ({"op": "UPSERT"}, "op must be"),
    ({"op": ["INSERT"]}, "op must be"),  # not a string: a bad record to quarantine, not a crash
    ({"ts_ms": "x"}, "ts_ms"),
    ({"keys": None}, "keys missing"),
    ({"new_image": None}, "MODIFY without new_image"),
    ({"new_image": {"a": {"N": "x"}}}, "not a number"),
])
def test_parse_delta_rejects_what_breaks_the_contract(change, message):
    with pytest.raises(records.BadRecord, match=message):
        records.parse_delta({**delta(5, "MODIFY", "a", {}), **change})


def test_gzip_is_found_by_magic_bytes_and_plain_passes():
    body = lines(delta(1, "INSERT", "a", {}))
    assert records.decompress(gzip.compress(body)) == (body, None)
    assert records.decompress(gzip.compress(body) + gzip.compress(body)) == (body + body, None)
    assert records.decompress(body) == (body, None)


def test_truncated_gzip_keeps_the_complete_lines_before_the_damage():
    body = lines(*[delta(i, "INSERT", f"k{i}", {"pad": {"S": "x" * 2000}}) for i in range(1, 40)])
    data = gzip.compress(body)
    good, error = records.lines_of(data[: len(data) // 2])
    assert error == "truncated gzip stream"
    assert 0 < len(good) < 39 and all(json.loads(line)["op"] == "INSERT" for line in good)


def test_a_bad_line_is_reported_and_the_good_lines_still_come_out():
    data = lines(delta(1, "INSERT", "a", {"price": {"N": "1.5"}})) + b"{not json\n" + lines(delta(2, "REMOVE", "b"))
    out = list(records.delta_rows("file:///f", data, SCHEMA, no_reads))
    rows = [row for tag, row in out if tag == "R"]
    (stats,) = [s for tag, s in out if tag == "F"]
    assert [(r[0], r[1], r[4], r[5], r[7]) for r in rows] == [
        ("a", '{"pk":{"S":"a"}}', "1.5", seq40(1), "U"), ("b", '{"pk":{"S":"b"}}', None, seq40(2), "D")]
    assert (stats["records"], stats["error_count"], stats["bytes"]) == (2, 1, len(data))
    assert stats["errors"][0].startswith("line 2: not JSON")


def test_overflow_pointer_is_replaced_by_the_whole_record(tmp_path):
    whole = delta(9, "MODIFY", "big", {"blob": {"S": "x" * 5000}})
    (tmp_path / "o.json").write_text(json.dumps(whole))
    pointer = {**whole, "new_image": None, "old_image": None, "overflow": f"file://{tmp_path}/o.json"}
    out = list(records.delta_rows("f", lines(pointer), SCHEMA, lambda u: pathlib.Path(u[7:]).read_bytes()))
    assert out[0][1][2] == json.dumps(whole["new_image"], sort_keys=True, separators=(",", ":"))
    mismatched = {**pointer, "seq": seq40(10)}
    out = list(records.delta_rows("f", lines(mismatched), SCHEMA, lambda u: pathlib.Path(u[7:]).read_bytes()))
    assert out[-1][1]["error_count"] == 1 and "holds seq" in out[-1][1]["errors"][0]
    missing = {**pointer, "overflow": f"file://{tmp_path}/absent.json"}
    out = list(records.delta_rows("f", lines(missing), SCHEMA, lambda u: pathlib.Path(u[7:]).read_bytes()))
    assert "unreadable" in out[-1][1]["errors"][0]


def test_key_type_must_match_the_key_schema():
    wrong = {**delta(1, "INSERT", "a", {}), "keys": {"pk": {"N": "1"}}, "new_image": {"pk": {"N": "1"}}}
    out = list(records.delta_rows("f", lines(wrong), SCHEMA, no_reads))
    assert "is N, --key_schema says S" in out[-1][1]["errors"][0]


def test_export_lines_become_snapshot_rows_and_a_bad_line_fails_the_load():
    data = gzip.compress(lines({"Item": {"pk": {"S": "a"}, "price": {"N": "2"}}}))
    (row,) = records.export_rows("e", data, SCHEMA, 123)
    assert row == ("a", '{"pk":{"S":"a"}}', '{"pk":{"S":"a"},"price":{"N":"2"}}', '{"pk":"a","price":2}', "2",
                   "0" * 40, 123, "U", "")
    with pytest.raises(records.BadRecord, match="e line 1: key attribute 'pk' missing"):
        list(records.export_rows("e", lines({"Item": {"x": {"S": "a"}}}), SCHEMA, 1))
