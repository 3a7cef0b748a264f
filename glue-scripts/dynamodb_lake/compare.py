"""Reconcile: the lake's current items against a fresh export or scan, compared the DynamoDB way."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from . import ddb_json
from .records import lines_of, parse_json


def export_pairs(uri: str, data: bytes, key_names: list[str]) -> Iterator[tuple[str, str]]:
    """(canonical _key, canonical item) per {"Item": …} line of an export data file."""
    lines, error = lines_of(data)
    if error is not None:
        raise ValueError(f"{uri}: {error}")
    for number, line in enumerate(lines, start=1):
        item = parse_json(line).get("Item")
        try:
            yield item_pair(item, key_names)
        except ddb_json.ItemError as err:
            raise ValueError(f"{uri} line {number}: {err}") from err


def item_pair(item: dict, key_names: list[str]) -> tuple[str, str]:
    ddb_json.validate_item(item)
    return ddb_json.canonical_key(item, key_names), ddb_json.canonical_item(item)


def lake_pair(key: str, item_text: str) -> tuple[str, str]:
    return key, ddb_json.canonical_item(json.loads(item_text))


def classify(joined: tuple[str, tuple[str | None, str | None]]) -> tuple[str, str, str | None, str | None] | None:
    """(key, (source item, lake item)) → None when equal, else (kind, key, source, lake)."""
    key, (source, lake) = joined
    if source == lake:
        return None
    kind = "missing" if lake is None else "extra" if source is None else "differing"
    return kind, key, source, lake


def report(source_items: int, differences: Iterable[tuple[str, str, str | None, str | None]], total: int,
           counts: dict[str, int], max_details: int) -> dict:
    details = [{"kind": kind, "_key": key, "source": source, "lake": lake}
               for kind, key, source, lake in list(differences)[:max_details]]
    return {"items": source_items, "differences": total, **{k: counts.get(k, 0) for k in ("missing", "extra", "differing")},
            "details": details}
