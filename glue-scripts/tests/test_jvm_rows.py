"""The JVM export parser (jvm/) against the Python one (records.export_rows, ddb_json's rules): random items
with every type must come out byte for byte the same, and any line the JVM does not reproduce exactly must
make it step aside (NeedsPython), never answer differently."""
from __future__ import annotations

import base64
import gzip
import json
import random

import pytest
from py4j.protocol import Py4JJavaError

import load_snapshot
from dynamodb_lake import args as job_args
from dynamodb_lake import jvm_rows, records
from dynamodb_lake.schema import table_schema
from factories import Lake, argv, job_arguments

SCHEMA = table_schema("pk:S,sk:N", '{"d1":"string","d2":"string","d3":"string","Ünï \\"q\\"":"string"}')
BINARY_KEY = table_schema("id:B", '{"d1":"string"}')
EXPORT_MS = 1_763_632_800_000
# Characters that stress escaping and ordering: quotes, backslash, controls, DEL, non-ASCII, U+2028,
# the last BMP characters (which UTF-16 orders after supplementary ones) and supplementary characters.
ALPHABET = list("ab z09\"\\/\b\f\n\r\t\x00\x01\x1f\x7fé€\u2028\ud7ff\ue000\uffff") + ["😀", "𝄞", "\U0010ffff"]


def text(rng: random.Random, longest: int = 12) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def number(rng: random.Random) -> str:
    """A number as DynamoDB or a client may spell it in JSON: up to 38 digits, fractions, exponents."""
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 38))).lstrip("0") or "0"
    sign = rng.choice(["", "", "-"])
    shape = rng.randrange(5)
    if shape == 0 or len(digits) == 1:
        return sign + digits
    if shape == 1:
        point = rng.randint(1, len(digits) - 1)
        return sign + digits[:point] + "." + digits[point:] + "0" * rng.randint(0, 2)
    if shape == 2:
        return sign + "0." + "0" * rng.randint(0, 40) + digits
    if shape == 3:
        return sign + digits[0] + "." + digits[1:] + rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 130))
    return sign + digits + "0" * rng.randint(1, 5)


def binary(rng: random.Random) -> str:
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(0, 9)))).decode()


def value(rng: random.Random, depth: int = 0) -> dict:
    kinds = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS"] + (["L", "M"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "S":
        return {"S": text(rng)}
    if kind == "N":
        return {"N": number(rng)}
    if kind == "B":
        return {"B": binary(rng)}
    if kind == "BOOL":
        return {"BOOL": rng.random() < 0.5}
    if kind == "NULL":
        return {"NULL": True}
    if kind == "SS":
        return {"SS": sorted({text(rng) for _ in range(rng.randint(1, 4))})}
    if kind == "NS":
        return {"NS": [number(rng) for _ in range(rng.randint(1, 4))]}
    if kind == "BS":
        return {"BS": [binary(rng) for _ in range(rng.randint(1, 3))]}
    if kind == "L":
        return {"L": [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]}
    return {"M": attributes(rng, depth + 1)}


def attributes(rng: random.Random, depth: int = 0) -> dict:
    return {text(rng, 6): value(rng, depth) for _ in range(rng.randint(0, 6))}


def random_item(rng: random.Random, schema=SCHEMA) -> dict:
    item = attributes(rng)
    for name in ("d1", "d2", "Ünï \"q\""):
        if rng.random() < 0.7:
            item[name] = value(rng, 1)
    if schema is BINARY_KEY:
        item["id"] = {"B": binary(rng)}
    else:
        item["pk"], item["sk"] = {"S": text(rng)}, {"N": number(rng)}
    return item


def line(rng: random.Random, item: dict) -> bytes:
    """The item as an export line, in any JSON spelling Python reads the same way."""
    separators = rng.choice([(",", ":"), (", ", ": ")])
    body = json.dumps({"Item": item}, ensure_ascii=rng.random() < 0.5, separators=separators, sort_keys=rng.random() < 0.5)
    return (rng.choice(["", " ", "\t"]) + body + rng.choice(["", " ", "\r"])).encode("utf-8")


def python_row(data: bytes, schema) -> tuple | None:
    """What the Python parser makes of one line: the parsed columns, or None when it rejects the line."""
    try:
        (row,) = records.export_rows("f", data + b"\n", schema, EXPORT_MS)
    except records.BadRecord:
        return None
    return row[: len(schema.keys) + 3 + len(schema.declared)]


def jvm_row(function, data: bytes) -> tuple | None:
    """What the JVM makes of it, or None when it leaves the line to Python (NeedsPython)."""
    try:
        row = function.call(bytearray(data))
    except Py4JJavaError as err:
        assert jvm_rows.NEEDS_PYTHON in str(err.java_exception), str(err.java_exception)
        return None
    return tuple(bytes(v) if isinstance(v, (bytes, bytearray)) else v for v in (row.get(i) for i in range(row.length())))


def test_random_items_come_out_byte_for_byte_as_in_python(spark):
    rng = random.Random(20261130)
    for schema, count in ((SCHEMA, 1500), (BINARY_KEY, 300)):
        lines = [line(rng, random_item(rng, schema)) for _ in range(count)]
        expected = [python_row(data, schema) for data in lines]
        assert None not in expected
        actual = jvm_rows.line_rows(spark.createDataFrame([(data,) for data in lines], "line binary"), schema,
                                    EXPORT_MS).collect()
        width = len(schema.keys) + 3 + len(schema.declared)
        got = [tuple(bytes(v) if isinstance(v, (bytes, bytearray)) else v for v in row[:width]) for row in actual]
        differences = [(data, e, g) for data, e, g in zip(lines, expected, got) if e != g]
        assert (len(got), differences[:3]) == (count, [])
        assert {tuple(row[width:]) for row in actual} == {("0" * 40, EXPORT_MS, "U", "")}


# Lines the Python parser reads differently from their face value, or rejects: the JVM must either agree
# exactly or step aside, never answer differently.
ODD_LINES = [
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"+1"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":".5"}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"N":" 7"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1e999999"}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"NaN"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":1}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"b":{"B":"AAE"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"b":{"B":"A==="}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"b":{"B":"AB=="}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"b":{"B":"\xc3\xa4"}}}',
    b'{"Item":{"pk":{"S":"\\ud800"},"sk":{"N":"1"}}}', b'{"Item":{"pk":{"S":"\\udc00x"},"sk":{"N":"1"}}}',
    b'{"Item":{"pk":{"S":"a"},"pk":{"S":"b"},"sk":{"N":"1"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}} x',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}\x0b', b'\xef\xbb\xbf{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}',
    b'{"Item":{"pk":{"S":"\xff"},"sk":{"N":"1"}}}', b'{"Item":{"pk":{"S":"\xed\xa0\x80"},"sk":{"N":"1"}}}',
    b'{"Item":{"sk":{"N":"1"}}}', b'{"Item":{"pk":{"N":"1"},"sk":{"N":"1"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"S":"1"}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"S":"a","N":"1"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"Q":1}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"NULL":false}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"SS":"a"}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"M":[]}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"L":[1]}}}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"extra":1.5e3}', b'{"Item":null}', b'[1]', b'{"Item":{"pk":{"S":"a\x01"}}}',
    b'{"Item":{"pk":{"S":"\\u00e9\\uD83D\\uDE00"},"sk":{"N":"-0.0E+5"}}}', b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}},}',
    b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"d1":{"NS":["1e5","-0"]},"d2":{"BOOL":true},"d3":{"NULL":true}}}',
]


def test_odd_and_bad_lines_are_reproduced_exactly_or_left_to_python(spark):
    function = jvm_rows.new_function(spark, SCHEMA)
    answered = 0
    for data in ODD_LINES:
        jvm = jvm_row(function, data)
        if jvm is not None:
            assert jvm == python_row(data, SCHEMA), data
            answered += 1
    assert answered == 3  # B "AB==", the escaped surrogate pair with N -0.0E+5, and the NS/BOOL/NULL line


def test_every_mutation_of_a_valid_line_is_reproduced_or_left_to_python(spark):
    """Random single-byte changes of random valid lines: whatever still parses must agree."""
    rng = random.Random(7)
    function = jvm_rows.new_function(spark, SCHEMA)
    outcomes = {"same": 0, "left to python": 0}
    for _ in range(600):
        data = bytearray(line(rng, random_item(rng)))
        at = rng.randrange(len(data))
        data[at:at + 1] = rng.choice([b"", b"\\", b'"', b"e", b"+", b"0", b".", b"{", b"]", b",", b"\x80", b"u", b"N"])
        jvm = jvm_row(function, bytes(data))
        if jvm is None:
            outcomes["left to python"] += 1
        else:
            assert jvm == python_row(bytes(data), SCHEMA), bytes(data)
            outcomes["same"] += 1
    assert outcomes["same"] > 0 and outcomes["left to python"] > 0


def export_files(tmp_path, bodies: list[bytes]) -> str:
    """A manifest-less export directory (an emulator's layout) holding these data files."""
    directory = tmp_path / "exports" / "AWSDynamoDB" / "odd"
    (directory / "data").mkdir(parents=True)
    for number, body in enumerate(bodies):
        (directory / "data" / f"odd-{number:04d}.json.gz").write_bytes(body)
    return str(directory)


def test_a_load_through_the_jvm_equals_the_python_load(spark, warehouse, database, tmp_path, monkeypatch):
    """Blank lines, CRLF ends and gzip members concatenated in one file load the same either way."""
    rng = random.Random(3)
    items = [random_item(rng) for _ in range(60)]
    lines = [line(rng, item) for item in items]
    body_a = b"\n".join(lines[:20]) + b"\n\n  \n"
    body_b = b"\r\n".join(lines[20:40]) + b"\r\n"
    files = [gzip.compress(body_a), gzip.compress(body_b) + gzip.compress(b"\n".join(lines[40:]) + b"\n")]
    directory = export_files(tmp_path, files)
    loaded = {}
    for parser in ("jvm", "python"):
        if parser == "python":
            monkeypatch.setattr(jvm_rows, "available", lambda *_args: False)
        lake = Lake(str(tmp_path / parser), database + parser[0], warehouse, key_schema="pk:S,sk:N",
                    declared='{"d1":"string","d2":"string"}')
        result = lake.load(spark, directory)
        assert (result["parser"], result["items"]) == (parser, len({(i["pk"]["S"], i["sk"]["N"]) for i in items}))
        loaded[parser] = sorted(tuple(r) for r in spark.table(lake.current).collect())
    assert loaded["jvm"] == loaded["python"]


def test_a_bad_line_makes_the_load_fall_back_and_fail_naming_file_and_line(spark, warehouse, database, tmp_path):
    directory = export_files(tmp_path, [gzip.compress(b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}\n{"Item":{"pk":{"S":"b"}}}\n')])
    lake = Lake(str(tmp_path), database, warehouse, key_schema="pk:S,sk:N")
    notes: list[str] = []
    with pytest.raises(Exception, match=r"odd-0000\.json\.gz line 2: key attribute 'sk' missing"):
        load_snapshot.run(spark, job_args.parse(argv(job_arguments("load_snapshot", **lake.inputs(), exportUri=directory,
                                                                   buckets=4)), load_snapshot.SPECIFIC, ""),
                          say=notes.append)
    assert notes[-1].startswith("note: " + jvm_rows.NEEDS_PYTHON + "key attribute missing")
