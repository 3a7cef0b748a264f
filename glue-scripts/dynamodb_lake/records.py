"""Lines of delta files and export files → raw rows of the current table (pure Python, runs on executors).

A raw row holds the key attributes (N as its text, B as bytes), _key, item, item_json, the declared
columns' source text, _seq, _ts_ms, _op ('U' upsert / 'D' delete) and _event_id; typing happens in Spark
(see transforms.to_current_columns) so that "not convertible" becomes NULL the same way everywhere.
"""
from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import ddb_json
from .schema import SEQ_WIDTH, SNAPSHOT_SEQ, TableSchema

_SEQ = re.compile(rf"[0-9]{{{SEQ_WIDTH}}}\Z")
_OPS = {"INSERT": "U", "MODIFY": "U", "REMOVE": "D"}
MAX_ERRORS_KEPT = 20


class BadRecord(ValueError):
    """A line that does not follow contract 1 (or an export line that is not {"Item": …})."""


@dataclass(frozen=True)
class Delta:
    seq: str
    ts_ms: int
    event_id: str
    op: str  # 'U' or 'D'
    ttl_delete: bool
    keys: dict
    image: dict | None
    overflow: str | None


def check_seq(seq: Any) -> str:
    """Seqs are compared as strings, which is numeric order only at exactly 40 digits."""
    if not isinstance(seq, str) or not _SEQ.match(seq):
        raise BadRecord(f"seq must be the SequenceNumber left-padded to {SEQ_WIDTH} digits, got {seq!r}")
    return seq


def parse_delta(obj: Any) -> Delta:
    """One contract-1 record → Delta; raises BadRecord naming the field."""
    if not isinstance(obj, dict):
        raise BadRecord("a delta line must be a JSON object")
    if obj.get("v") != 1:
        raise BadRecord(f"unsupported format version v={obj.get('v')!r} (expected 1)")
    op = obj.get("op")
    if not isinstance(op, str) or op not in _OPS:
        raise BadRecord(f"op must be INSERT, MODIFY or REMOVE, got {op!r}")
    seq = check_seq(obj.get("seq"))
    ts_ms = obj.get("ts_ms")
    if not isinstance(ts_ms, int) or isinstance(ts_ms, bool) or ts_ms < 0:
        raise BadRecord(f"ts_ms must be epoch milliseconds, got {ts_ms!r}")
    event_id = obj.get("event_id")
    if not isinstance(event_id, str):
        raise BadRecord("event_id missing")
    ttl_delete = obj.get("ttl_delete", False)
    if not isinstance(ttl_delete, bool):
        raise BadRecord("ttl_delete must be a boolean")
    keys = obj.get("keys")
    if not isinstance(keys, dict) or not keys:
        raise BadRecord("keys missing")
    overflow = obj.get("overflow")
    if overflow is not None and not isinstance(overflow, str):
        raise BadRecord("overflow must be a URI string")
    image = obj.get("new_image")
    if overflow is None and _OPS[op] == "U" and not isinstance(image, dict):
        raise BadRecord(f"{op} without new_image")
    if image is not None:
        try:
            ddb_json.validate_item(image, "new_image")
        except ddb_json.ItemError as err:
            raise BadRecord(str(err)) from err
    return Delta(seq, ts_ms, event_id, _OPS[op], ttl_delete, keys, image if _OPS[op] == "U" else None, overflow)


def resolve_overflow(delta: Delta, read_bytes: Callable[[str], bytes]) -> Delta:
    """Replaces an overflow pointer by the whole record stored at its URI (same seq and event_id)."""
    if delta.overflow is None:
        return delta
    try:
        body = read_bytes(delta.overflow)
    except Exception as err:  # noqa: BLE001 - any read failure makes the line unusable
        raise BadRecord(f"overflow object {delta.overflow} unreadable: {err}") from err
    full = parse_delta({**parse_json(body), "overflow": None})
    if (full.seq, full.event_id) != (delta.seq, delta.event_id):
        raise BadRecord(f"overflow object {delta.overflow} holds seq {full.seq}/{full.event_id}, "
                        f"pointer says {delta.seq}/{delta.event_id}")
    return full


def parse_json(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BadRecord(f"not JSON: {err}") from err


def decompress(data: bytes) -> tuple[bytes, str | None]:
    """Gzip (by magic bytes, concatenated members allowed) or plain. On a damaged stream returns what
    decoded cleanly plus the error, so the good lines before the damage can still be merged."""
    if data[:2] != b"\x1f\x8b":
        return data, None
    out, rest = [], data
    try:
        while rest:
            member = zlib.decompressobj(wbits=31)
            out.append(member.decompress(rest))
            if not member.eof:
                return b"".join(out), "truncated gzip stream"
            rest = member.unused_data.lstrip(b"\x00")
    except zlib.error as err:
        return b"".join(out), f"bad gzip: {err}"
    return b"".join(out), None


def lines_of(data: bytes) -> tuple[list[bytes], str | None]:
    text, error = decompress(data)
    lines = text.split(b"\n")
    if error is not None and lines and not text.endswith(b"\n"):
        lines = lines[:-1]  # the line cut by the damage is not trusted
    return [line for line in lines if line.strip()], error


def _key_values(keys: dict, schema: TableSchema) -> list[Any]:
    values = []
    for attr in schema.keys:
        tag, inner = next(iter(keys[attr.name].items()))
        if tag != attr.dynamo_type:
            raise BadRecord(f"key attribute {attr.name!r} is {tag}, --key_schema says {attr.dynamo_type}")
        values.append(base64.b64decode(inner) if tag == "B" else ddb_json.normalize_number(inner) if tag == "N" else inner)
    return values


def raw_row(keys: dict, image: dict | None, seq: str, ts_ms: int, op: str, event_id: str, schema: TableSchema) -> tuple:
    try:
        key = ddb_json.canonical_key(keys, schema.key_names)
        key_values = _key_values(keys, schema)
        if image is None:
            return (*key_values, key, None, None, *([None] * len(schema.declared)), seq, ts_ms, op, event_id)
        declared = [ddb_json.declared_text(image, d.name) for d in schema.declared]
        return (*key_values, key, ddb_json.dynamo_text(image), ddb_json.plain_json(image), *declared, seq, ts_ms, op, event_id)
    except ddb_json.ItemError as err:
        raise BadRecord(str(err)) from err


def delta_rows(uri: str, data: bytes, schema: TableSchema, read_bytes: Callable[[str], bytes]) -> Iterator[tuple]:
    """Yields ("R", raw_row) per good line, then one ("F", stats) for the file."""
    lines, error = lines_of(data)
    errors = [] if error is None else [f"{uri}: {error}"]
    good = 0
    for number, line in enumerate(lines, start=1):
        try:
            delta = resolve_overflow(parse_delta(parse_json(line)), read_bytes)
            image = delta.image if delta.op == "U" else None
            if delta.op == "U" and image is None:
                raise BadRecord("upsert without new_image after resolving overflow")
            row = raw_row(delta.keys, image, delta.seq, delta.ts_ms, delta.op, delta.event_id, schema)
        except BadRecord as err:
            errors.append(f"line {number}: {err}")
            continue
        good += 1
        yield ("R", row)
    yield ("F", {"uri": uri, "bytes": len(data), "records": good, "error_count": len(errors),
                 "errors": errors[:MAX_ERRORS_KEPT]})


def export_rows(uri: str, data: bytes, schema: TableSchema, export_ms: int) -> Iterator[tuple]:
    """Rows of one export data file ({"Item": …} per line). Any bad line fails the load: a snapshot
    must be complete, so the error names the file and line instead of loading part of it."""
    lines, error = lines_of(data)
    if error is not None:
        raise BadRecord(f"{uri}: {error}")
    for number, line in enumerate(lines, start=1):
        try:
            obj = parse_json(line)
            item: Any = obj.get("Item") if isinstance(obj, dict) else None
            ddb_json.validate_item(item, "Item")  # raises unless item is an object of attributes
            keys = {k: item[k] for k in schema.key_names if k in item}
            yield raw_row(keys, item, SNAPSHOT_SEQ, export_ms, "U", "", schema)
        except (BadRecord, ddb_json.ItemError) as err:
            raise BadRecord(f"{uri} line {number}: {err}") from err


def item_row(item: dict, schema: TableSchema, snapshot_ms: int) -> tuple:
    """A scanned item (DynamoDB JSON from the low-level client) → raw snapshot row."""
    keys = {k: item[k] for k in schema.key_names if k in item}
    return raw_row(keys, item, SNAPSHOT_SEQ, snapshot_ms, "U", "", schema)

