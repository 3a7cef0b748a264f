"""DynamoDB JSON helpers: validation, plain JSON with exact numbers, canonical keys and items.

Numbers never pass through float: DynamoDB JSON carries them as strings and they are written out
as JSON number literals character for character (or normalized with Decimal when the literal is not
valid JSON), so all 38 significant digits survive.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from decimal import Decimal, InvalidOperation
from json.encoder import encode_basestring  # the C encoder json.dumps(ensure_ascii=False) uses for str
from typing import Any

TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")


class ItemError(ValueError):
    """An attribute value that is not valid DynamoDB JSON."""


def _type_of(value: Any, path: str) -> tuple[str, Any]:
    if not isinstance(value, dict) or len(value) != 1:
        raise ItemError(f"{path}: expected an object with one DynamoDB type tag, got {json.dumps(value)[:80]}")
    tag, inner = next(iter(value.items()))
    if tag not in TYPES:
        raise ItemError(f"{path}: unknown DynamoDB type tag {tag!r}")
    return tag, inner


def normalize_number(text: str) -> str:
    """DynamoDB's canonical form of a number: no exponent, no leading/trailing zeros, '0' for zero."""
    if not isinstance(text, str):
        raise ItemError(f"number must be a string, got {text!r}")
    try:
        value = Decimal(text.strip())
    except InvalidOperation as err:
        raise ItemError(f"not a number: {text!r}") from err
    if not value.is_finite():
        raise ItemError(f"not a finite number: {text!r}")
    if value.is_zero():
        return "0"
    sign, digits, exponent = value.as_tuple()
    digit_text = "".join(map(str, digits)).lstrip("0")
    exponent = int(exponent)
    while digit_text.endswith("0"):
        digit_text = digit_text[:-1]
        exponent += 1
    if exponent >= 0:
        plain = digit_text + "0" * exponent
    else:
        point = len(digit_text) + exponent
        plain = ("0." + "0" * -point + digit_text) if point <= 0 else digit_text[:point] + "." + digit_text[point:]
    return ("-" if sign else "") + plain


def number_literal(text: str) -> str:
    """The JSON literal for a DynamoDB number: as given when it is valid JSON, else normalized exactly."""
    if isinstance(text, str) and _JSON_NUMBER.match(text):
        return text
    return normalize_number(text)


def _check_base64(text: Any, path: str) -> str:
    if not isinstance(text, str):
        raise ItemError(f"{path}: binary must be a base64 string")
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ItemError(f"{path}: invalid base64") from err
    return text


def validate_value(value: Any, path: str = "$") -> None:
    """Raises ItemError unless value is a well-formed DynamoDB attribute value."""
    tag, inner = _type_of(value, path)
    if tag == "S" and not isinstance(inner, str):
        raise ItemError(f"{path}: S must be a string")
    if tag == "N" and not (isinstance(inner, str) and _JSON_NUMBER.match(inner)):
        normalize_number(inner)  # raises unless a number in another spelling
    if tag == "B":
        _check_base64(inner, path)
    if tag == "BOOL" and not isinstance(inner, bool):
        raise ItemError(f"{path}: BOOL must be true or false")
    if tag == "NULL" and inner is not True:
        raise ItemError(f"{path}: NULL must be true")
    if tag in ("SS", "NS", "BS", "L") and not isinstance(inner, list):
        raise ItemError(f"{path}: {tag} must be an array")
    if tag == "SS" and not all(isinstance(x, str) for x in inner):
        raise ItemError(f"{path}: SS must hold strings")
    if tag == "NS":
        for element in inner:
            if not (isinstance(element, str) and _JSON_NUMBER.match(element)):
                normalize_number(element)
    if tag == "BS":
        for element in inner:
            _check_base64(element, path)
    if tag == "L":
        for index, element in enumerate(inner):
            validate_value(element, f"{path}[{index}]")
    if tag == "M":
        validate_item(inner, path)


def validate_item(item: Any, path: str = "$") -> None:
    if not isinstance(item, dict):
        raise ItemError(f"{path}: an item must be an object of attributes")
    for name, value in item.items():
        validate_value(value, f"{path}.{name}")


def _string(text: str) -> str:
    return encode_basestring(text)


def plain_value(value: Any) -> str:
    """One attribute value as plain JSON text (numbers exact, sets as arrays, B as base64, NULL as null)."""
    tag, inner = _type_of(value, "$")
    if tag in ("S", "B"):
        return _string(inner)
    if tag == "N":
        return number_literal(inner)
    if tag == "BOOL":
        return "true" if inner else "false"
    if tag == "NULL":
        return "null"
    if tag in ("SS", "BS"):
        return "[" + ",".join(_string(x) for x in inner) + "]"
    if tag == "NS":
        return "[" + ",".join(number_literal(x) for x in inner) + "]"
    if tag == "L":
        return "[" + ",".join(plain_value(x) for x in inner) + "]"
    return plain_json(inner)


def plain_json(item: dict) -> str:
    """An item (or M) as plain JSON text, attribute names sorted."""
    return "{" + ",".join(_string(name) + ":" + plain_value(item[name]) for name in sorted(item)) + "}"


def dynamo_text(item: dict) -> str:
    """The item as compact DynamoDB JSON text, attribute names sorted (numbers stay strings: lossless)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def declared_text(item: dict, name: str) -> str | None:
    """The text a declared column is cast from: S/N/B as their text, BOOL true/false, NULL/absent None,
    anything else its plain JSON (numbers exact)."""
    if name not in item:
        return None
    tag, inner = _type_of(item[name], name)
    if tag in ("S", "B"):
        return inner
    if tag == "N":
        return number_literal(inner)
    if tag == "NULL":
        return None
    if tag == "BOOL":
        return "true" if inner else "false"
    return plain_value(item[name])


def canonical_key(keys: dict, key_names: list[str]) -> str:
    """The merge key: DynamoDB JSON of the key attributes, names sorted, compact, N normalized."""
    if not isinstance(keys, dict):
        raise ItemError("keys must be an object")
    parts = {}
    for name in key_names:
        if name not in keys:
            raise ItemError(f"key attribute {name!r} missing")
        tag, inner = _type_of(keys[name], name)
        if tag == "S" and isinstance(inner, str):
            parts[name] = {"S": inner}
        elif tag == "N":
            parts[name] = {"N": normalize_number(inner)}
        elif tag == "B":
            parts[name] = {"B": _check_base64(inner, name)}
        else:
            raise ItemError(f"key attribute {name!r} must be S, N or B, got {tag}")
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _canonical_value(value: Any) -> Any:
    tag, inner = _type_of(value, "$")
    if tag == "N":
        return {"N": normalize_number(inner)}
    if tag == "NS":
        return {"NS": sorted((normalize_number(x) for x in inner), key=Decimal)}
    if tag == "B":
        return {"B": base64.b64encode(base64.b64decode(inner)).decode()}
    if tag == "BS":
        return {"BS": sorted(base64.b64encode(base64.b64decode(x)).decode() for x in inner)}
    if tag == "SS":
        return {"SS": sorted(inner)}
    if tag == "L":
        return {"L": [_canonical_value(x) for x in inner]}
    if tag == "M":
        return {"M": {name: _canonical_value(v) for name, v in inner.items()}}
    return {tag: inner}


def canonical_item(item: dict) -> str:
    """A text equal for two items exactly when DynamoDB considers them equal: attribute order and set
    order irrelevant, numbers compared by value (normalized by DynamoDB rules), binary by bytes."""
    return json.dumps({name: _canonical_value(v) for name, v in item.items()},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def from_client(item: dict) -> dict:
    """An item from the low-level boto3 client → DynamoDB JSON: botocore decodes B and BS to bytes,
    the wire format (and exports and deltas) carry them as base64 text. Numbers are already strings."""
    return {name: _from_client_value(value) for name, value in item.items()}


def _from_client_value(value: dict) -> dict:
    tag, inner = next(iter(value.items()))
    if tag == "B":
        return {"B": base64.b64encode(bytes(inner)).decode() if isinstance(inner, (bytes, bytearray)) else inner}
    if tag == "BS":
        return {"BS": [base64.b64encode(bytes(x)).decode() if isinstance(x, (bytes, bytearray)) else x for x in inner]}
    if tag == "M":
        return {"M": from_client(inner)}
    if tag == "L":
        return {"L": [_from_client_value(x) for x in inner]}
    return value


def to_client(item: dict) -> dict:
    """DynamoDB JSON → the low-level boto3 client's input form (B and BS as bytes)."""
    return {name: _to_client_value(value) for name, value in item.items()}


def _to_client_value(value: dict) -> dict:
    tag, inner = next(iter(value.items()))
    if tag == "B":
        return {"B": base64.b64decode(inner)}
    if tag == "BS":
        return {"BS": [base64.b64decode(x) for x in inner]}
    if tag == "M":
        return {"M": to_client(inner)}
    if tag == "L":
        return {"L": [_to_client_value(x) for x in inner]}
    return value
