"""The JVM delta parser (jvm/ DeltaRow) against the Python one (records.delta_rows): random contract-1 records
with every type must come out byte for byte the same, any line the JVM does not reproduce exactly must be left
to Python (null), never answered differently, and the compaction's parse (compact.parse_files) must give the
same rows and per-file stats, quarantine errors included, with the jar as without it."""
from __future__ import annotations

import gzip
import json
import random

import pytest

import compact
from dynamodb_lake import jvm_rows, records
from test_jvm_rows import BINARY_KEY, SCHEMA, random_item, text

OPS = ("INSERT", "MODIFY", "REMOVE")


def no_overflow(uri: str) -> bytes:
    raise AssertionError(f"unexpected overflow read of {uri}")


def random_record(rng: random.Random, schema=SCHEMA) -> dict:
    """A contract-1 record as the capture function writes it, with the optional fields present or not."""
    item = random_item(rng, schema)
    keys = {k.name: item[k.name] for k in schema.keys}
    op = rng.choice(OPS)
    record = {"v": 1, "table": text(rng, 5), "op": op, "seq": str(rng.randrange(10 ** 40)).zfill(40),
              "ts_ms": rng.randrange(2 * 10 ** 12), "event_id": text(rng, 20), "keys": keys,
              "new_image": None if op == "REMOVE" else item,
              "old_image": random_item(rng, schema) if rng.random() < 0.5 else None}
    if op == "REMOVE" and rng.random() < 0.5:
        record["ttl_delete"] = rng.random() < 0.5
    if rng.random() < 0.2:
        record["overflow"] = None
    if rng.random() < 0.3:
        record.pop("old_image")
    return record


def line(rng: random.Random, record: dict) -> bytes:
    """The record as a delta line, in any JSON spelling Python reads the same way, names in any order."""
    names = list(record)
    rng.shuffle(names)
    separators = rng.choice([(",", ":"), (", ", ": ")])
    body = json.dumps({n: record[n] for n in names}, ensure_ascii=rng.random() < 0.5, separators=separators)
    return (rng.choice(["", " ", "\t"]) + body + rng.choice(["", " ", "\r"])).encode("utf-8")


def python_row(data: bytes, schema=SCHEMA) -> tuple | None:
    """What records.delta_rows makes of one line: its row, or None when it rejects the line."""
    out = list(records.delta_rows("f", data + b"\n", schema, no_overflow))
    rows = [row for kind, row in out if kind == "R"]
    return rows[0] if rows else None


def jvm_row(function, data: bytes) -> tuple | None:
    row = function.call(bytearray(data))
    if row is None:
        return None
    return tuple(bytes(v) if isinstance(v, (bytes, bytearray)) else v for v in (row.get(i) for i in range(row.length())))


def collected(rows) -> list[tuple]:
    return sorted((tuple(bytes(v) if isinstance(v, (bytes, bytearray)) else v for v in r) for r in rows.collect()),
                  key=repr)


def python_files(paths: list[str], schema) -> tuple[list[tuple], list[dict]]:
    """Rows and stats of records.delta_rows over the files, as the compaction made them before the jar."""
    rows: list[tuple] = []
    stats: list[dict] = []
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        for kind, value in records.delta_rows(path, data, schema, no_overflow):
            (rows if kind == "R" else stats).append(value)
    return sorted(rows, key=repr), stats


def write(tmp_path, name: str, body: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(body)
    return str(path)


def test_random_records_come_out_byte_for_byte_as_in_python(spark, tmp_path):
    """Random records in gzip and plain files (blank lines, CRLF, concatenated gzip members) through the
    DataFrame path: the same rows and stats as records.delta_rows, and no file left to Python."""
    rng = random.Random(20261130)
    for schema, count in ((SCHEMA, 1200), (BINARY_KEY, 300)):
        lines = [line(rng, random_record(rng, schema)) for _ in range(count)]
        third = count // 3
        paths = [write(tmp_path, f"{schema.keys[0].name}-a.gz", gzip.compress(b"\n".join(lines[:third]) + b"\n\n \n")),
                 write(tmp_path, f"{schema.keys[0].name}-b", b"\r\n".join(lines[third:2 * third]) + b"\r\n"),
                 write(tmp_path, f"{schema.keys[0].name}-c.gz", gzip.compress(b"\n".join(lines[2 * third:-5]) + b"\n")
                       + gzip.compress(b"\n".join(lines[-5:]))),
                 write(tmp_path, f"{schema.keys[0].name}-empty", b"")]
        expected_rows, expected_stats = python_files(paths, schema)
        assert sum(s["records"] for s in expected_stats) == count
        rows, stats, left, parsed = jvm_rows.delta_rows(spark, paths, schema)
        got = collected(rows)
        differences = [(e, g) for e, g in zip(expected_rows, got) if e != g]
        assert (len(got), differences[:3], left, stats) == (count, [], [], expected_stats)
        parsed.unpersist()


def good(**changes) -> bytes:
    record = {"v": 1, "table": "T", "op": "MODIFY", "seq": "0" * 39 + "7", "ts_ms": 1763632800123, "event_id": "e1",
              "keys": {"pk": {"S": "a"}, "sk": {"N": "1.50"}},
              "new_image": {"pk": {"S": "a"}, "sk": {"N": "1.50"}, "d1": {"NS": ["1e5", "-0"]}}, "old_image": None}
    record.update(changes)
    return json.dumps({k: v for k, v in record.items() if v != "absent"}).encode()


# Lines Python reads differently from their face value, or rejects: the JVM must agree exactly or leave them.
ODD_LINES = [
    good(), good(op="REMOVE", new_image=None, ttl_delete=True), good(op="INSERT", old_image={"x": [1, None, 2.5e3]}),
    good(op="REMOVE", new_image={"pk": {"S": "a"}}), good(ttl_delete="absent", overflow=None, table="absent"),
    good(v=1.0), good(v=True), good(v="1"), good(v=2), good(v="absent"), good(op="insert"), good(op=None),
    good(seq="7"), good(seq="0" * 41), good(seq=7), good(seq="0" * 39 + "\u0661"), good(ts_ms=-1), good(ts_ms=1.0),
    good(ts_ms=True), good(ts_ms="1"), good(ts_ms=10 ** 19), good(ts_ms="absent"), good(event_id=None),
    good(event_id=1), good(ttl_delete=None), good(ttl_delete=1), good(keys={}), good(keys=[]), good(keys="absent"),
    good(overflow="s3://b/o"), good(overflow=1), good(overflow=""), good(new_image=None), good(new_image="absent"),
    good(new_image=[]), good(op="REMOVE", new_image={"pk": {"Q": "a"}}), good(op="REMOVE", new_image=[1]),
    good(keys={"pk": {"S": "a"}}), good(keys={"pk": {"N": "1"}, "sk": {"N": "1"}}), good(keys={"pk": {"S": 1}, "sk": {"N": "1"}}),
    good(keys={"pk": {"S": "a"}, "sk": {"N": " 1"}}), good(keys={"pk": {"S": "a"}, "sk": {"N": "1e999999"}}),
    good(keys={"pk": {"S": "a"}, "sk": {"N": "1", "S": "x"}}), good(keys={"pk": {"S": "a"}, "sk": {"N": "-0.0E+5"}, "x": 1}),
    good(new_image={"pk": {"S": "a"}, "sk": {"N": "+1"}}), good(new_image={"b": {"B": "AAE"}}),
    good(new_image={"b": {"B": "AB=="}, "d2": {"BOOL": True}, "d3": {"NULL": True}}), good(new_image={"n": {"NULL": None}}),
    good(event_id="\ud800"), good(event_id="\ud83d\ude00é"),
    b'{"v":1,"v":1,"op":"MODIFY","seq":"' + b"0" * 40 + b'","ts_ms":1,"event_id":"e","keys":{"pk":{"S":"a"},"sk":{"N":"1"}},'
    b'"new_image":{}}', good()[:-1] + b',"extra":NaN}', good()[:-1] + b',"extra":01}', good()[:-1] + b',"extra":-}',
    good()[:-1] + b',"extra":1.}', good()[:-1] + b',"extra":-0.5e-3}', good()[:-1] + b',"extra":nul}', good() + b" x",
    good().replace(b'"ts_ms": 1763632800123', b'"ts_ms": -0'), good().replace(b'"ts_ms": 1763632800123', b'"ts_ms": 1e3'),
    b"\xef\xbb\xbf" + good(), good().replace(b'"e1"', b'"\xff"'), good().replace(b'"e1"', b'"\xed\xa0\x80"'),
    good().replace(b'"e1"', b'"a\x01"'), b"[1]", b"null", b"1", b'"x"', b"{}", good()[:-1],
]


def test_odd_and_bad_lines_are_reproduced_exactly_or_left_to_python(spark):
    function = jvm_rows.new_function(spark, SCHEMA, jvm_rows.DELTA_CLASS)
    answered = []
    for data in ODD_LINES:
        jvm = jvm_row(function, data)
        if jvm is not None:
            assert jvm == python_row(data), data
            answered.append(data)
    # The JVM answers good(), the REMOVEs (with a TTL flag, or with an image to ignore), the old image with
    # numbers and null, the absent optional fields, the extra key attribute, B/BOOL/NULL, the escaped
    # surrogate pair and the extra field with a valid number; v 1.0 or true, ts_ms beyond a long, NaN, a
    # duplicate name, a BOM and the number spellings Python normalizes are left to it.
    assert len(answered) == 9, answered
    assert function.reason(bytearray(good(overflow="s3://b/o"))) == jvm_rows.NEEDS_PYTHON + \
        "an overflow pointer (its record is read from S3)"


def test_every_mutation_of_a_valid_line_is_reproduced_or_left_to_python(spark):
    """Random single-byte changes of random valid lines: whatever the JVM still answers must agree."""
    rng = random.Random(7)
    function = jvm_rows.new_function(spark, SCHEMA, jvm_rows.DELTA_CLASS)
    outcomes = {"same": 0, "left to python": 0}
    for _ in range(600):
        data = bytearray(line(rng, random_record(rng)))
        at = rng.randrange(len(data))
        data[at:at + 1] = rng.choice([b"", b"\\", b'"', b"e", b"+", b"0", b"-", b".", b"{", b"]", b",", b"\x80", b"u",
                                      b"N", b"n", b"1"])
        jvm = jvm_row(function, bytes(data))
        if jvm is None:
            outcomes["left to python"] += 1
        else:
            assert jvm == python_row(bytes(data)), bytes(data)
            outcomes["same"] += 1
    assert outcomes["same"] > 0 and outcomes["left to python"] > 0


def test_the_jar_is_asked_for_the_class_each_parser_needs(spark):
    """A jar built before DeltaRow existed has only the export parser: the compaction must see that and parse in
    Python, not call a class that is not there."""
    assert jvm_rows.available(spark) and jvm_rows.available(spark, jvm_rows.DELTA_CLASS)
    assert not jvm_rows.available(spark, "dynamodb.lake.NoSuchParser")


@pytest.mark.parametrize("jar", ["full", "export parser only", "none"])
def test_the_compaction_parse_is_the_same_with_and_without_the_jar(spark, tmp_path, monkeypatch, jar):
    """Good files go to the JVM; a file with an overflow pointer, one with a malformed line and a damaged gzip
    file go to Python, which resolves, merges the good lines and reports the errors exactly as before. Without
    the jar, or with one that has no DeltaRow, Python parses everything, with the same result."""
    rng = random.Random(11)
    overflow_record = random_record(rng)
    overflow_record.update(op="MODIFY", new_image=random_item(rng))
    overflow_path = write(tmp_path, "overflow.json", json.dumps(overflow_record).encode())
    pointer = {**overflow_record, "new_image": None, "old_image": None, "overflow": overflow_path}
    lines = [line(rng, random_record(rng)) for _ in range(40)]
    damaged = gzip.compress(b"\n".join(lines[30:]) + b"\n")
    paths = [write(tmp_path, "good.gz", gzip.compress(b"\n".join(lines[:10]) + b"\n")),
             write(tmp_path, "overflow.gz", gzip.compress(b"\n".join(lines[10:15] + [json.dumps(pointer).encode()]))),
             write(tmp_path, "bad-line", b"\n".join(lines[15:20] + [b'{"v":1}'] + lines[20:25])),
             write(tmp_path, "good-2", b"\n".join(lines[25:30])),
             write(tmp_path, "damaged.gz", damaged[: len(damaged) * 2 // 3])]

    def read(uri: str) -> bytes:
        with open(uri, "rb") as handle:
            return handle.read()

    expected_rows: list[tuple] = []
    expected_stats: list[dict] = []
    for path in paths:
        for kind, value in records.delta_rows(path, read(path), SCHEMA, read):
            (expected_rows if kind == "R" else expected_stats).append(value)
    assert [(s["records"], s["error_count"]) for s in expected_stats] == [(10, 0), (6, 0), (10, 1), (5, 0), (5, 1)]
    assert [s["errors"] for s in expected_stats] == [[], [], ["line 6: op must be INSERT, MODIFY or REMOVE, got None"],
                                                     [], [f"{paths[4]}: truncated gzip stream"]]
    if jar == "none":
        monkeypatch.setattr(jvm_rows, "available", lambda *_args: False)
    elif jar == "export parser only":
        monkeypatch.setattr(jvm_rows, "available",
                            lambda _spark, java_class=jvm_rows.ROWS_CLASS: java_class == jvm_rows.ROWS_CLASS)
    called: list[int] = []
    real = jvm_rows.delta_rows

    def counted(*args):
        called.append(1)
        return real(*args)

    monkeypatch.setattr(jvm_rows, "delta_rows", counted)
    rows, stats, cached = compact.parse_files(spark, paths, SCHEMA)
    assert (collected(rows), sorted(stats, key=lambda s: s["uri"]), called) == (
        sorted(expected_rows, key=repr), sorted(expected_stats, key=lambda s: s["uri"]), [1] if jar == "full" else [])
    for data in cached:
        data.unpersist()
