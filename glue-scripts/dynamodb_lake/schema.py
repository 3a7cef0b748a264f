"""Contract 2: the columns of <t>_current and <t>_tombstones, from --key_schema and --declared_columns."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

SEQ_WIDTH = 40
SNAPSHOT_SEQ = "0" * SEQ_WIDTH
BOOKKEEPING = ("_key", "item", "item_json", "_seq", "_ts")

_ATHENA_SIMPLE = {
    "string": "string", "boolean": "boolean", "tinyint": "tinyint", "smallint": "smallint",
    "int": "int", "integer": "int", "bigint": "bigint", "double": "double", "float": "float",
    "real": "float", "date": "date", "timestamp": "timestamp", "binary": "binary", "varbinary": "binary",
}
_DECIMAL = re.compile(r"decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)\Z")
_VARCHAR = re.compile(r"(?:var)?char\(\s*\d+\s*\)\Z")


def catalog_name(name: str) -> str:
    """Glue/Athena names: lower case letters, digits and underscores (same rule as infra/layout.ts)."""
    out = re.sub(r"[^a-z0-9_]", "_", name.lower())
    if not re.fullmatch(r"[a-z0-9_]{1,200}", out):
        raise ValueError(f"cannot derive a catalog name from {name!r}")
    return out


def spark_type(athena_type: str) -> str:
    """Athena column type → Spark SQL type; raises naming the accepted types."""
    text = athena_type.strip().lower()
    if text in _ATHENA_SIMPLE:
        return _ATHENA_SIMPLE[text]
    if _VARCHAR.match(text):
        return "string"
    if text == "decimal":  # Athena's default precision and scale, as the stack's preview check reads it
        return "decimal(10,0)"
    match = _DECIMAL.match(text)
    if match and 1 <= int(match.group(1)) <= 38 and int(match.group(2)) <= int(match.group(1)):
        return f"decimal({match.group(1)},{match.group(2)})"
    raise ValueError(f"unsupported column type {athena_type!r}: use string, varchar(n), boolean, tinyint, smallint, "
                     "int, bigint, double, float, date, timestamp, binary or decimal(p,s) with p <= 38")


@dataclass(frozen=True)
class KeyAttr:
    name: str
    dynamo_type: str  # S, N or B
    column: str
    sql_type: str


@dataclass(frozen=True)
class Declared:
    name: str
    column: str
    sql_type: str


@dataclass(frozen=True)
class TableSchema:
    keys: tuple[KeyAttr, ...]
    declared: tuple[Declared, ...]

    @property
    def key_names(self) -> list[str]:
        return [k.name for k in self.keys]

    def columns(self) -> list[tuple[str, str]]:
        """(column, Spark SQL type) in table order: keys, bookkeeping, declared."""
        cols = [(k.column, k.sql_type) for k in self.keys]
        cols += [("_key", "string"), ("item", "string"), ("item_json", "string"), ("_seq", "string"), ("_ts", "timestamp")]
        cols += [(d.column, d.sql_type) for d in self.declared]
        names = [c for c, _ in cols]
        duplicates = sorted({c for c in names if names.count(c) > 1})
        if duplicates:
            raise ValueError(f"column names collide after sanitizing: {duplicates}; rename the declared columns")
        return cols


def parse_key_schema(text: str) -> tuple[KeyAttr, ...]:
    """'pk:S[,sk:N[:string|decimal(p,s)]]' → key attributes."""
    attrs = []
    # Commas inside decimal(p,s) do not separate attributes.
    for part in [p.strip() for p in re.split(r",(?![^(]*\))", text or "") if p.strip()]:
        pieces = part.split(":", 2)
        if len(pieces) < 2 or pieces[1] not in ("S", "N", "B"):
            raise ValueError(f"bad --key_schema entry {part!r}: use name:S, name:N, name:B or name:N:decimal(38,6)")
        name, dynamo_type = pieces[0], pieces[1]
        default = {"S": "string", "N": "decimal(38,0)", "B": "binary"}[dynamo_type]
        sql_type = spark_type(pieces[2]) if len(pieces) == 3 else default
        if dynamo_type == "N" and not (sql_type == "string" or sql_type.startswith("decimal")):
            raise ValueError(f"bad --key_schema entry {part!r}: an N key maps to string or decimal(p,s)")
        attrs.append(KeyAttr(name, dynamo_type, catalog_name(name), sql_type))
    if not 1 <= len(attrs) <= 2:
        raise ValueError("--key_schema needs the partition key and optionally the sort key, e.g. pk:S,sk:N")
    return tuple(attrs)


def parse_declared(text: str) -> tuple[Declared, ...]:
    try:
        mapping = json.loads(text or "{}")
    except json.JSONDecodeError as err:
        raise ValueError(f"--declared_columns must be a JSON object of name → Athena type: {err}") from err
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ValueError('--declared_columns must be a JSON object of name → Athena type, e.g. {"price":"decimal(38,2)"}')
    return tuple(Declared(name, catalog_name(name), spark_type(t)) for name, t in sorted(mapping.items()))


def table_schema(key_schema: str, declared_columns: str) -> TableSchema:
    schema = TableSchema(parse_key_schema(key_schema), parse_declared(declared_columns))
    schema.columns()
    return schema
