"""DynamoDB JSON → plain JSON with exact numbers, canonical keys and semantic item equality."""
import json
from typing import Any

import pytest

from dynamodb_lake import ddb_json

N38 = "12345678901234567890123456789012345678"
EVERY_TYPE: dict[str, Any] = {
    "pk": {"S": "k1"}, "s": {"S": 'héllo "q"'}, "empty": {"S": ""}, "n38": {"N": N38},
    "pi": {"N": "3.1415926535897932384626433832795028841"}, "tiny": {"N": "-1E-130"},
    "b": {"B": "AAEC/w=="}, "t": {"BOOL": True}, "nul": {"NULL": True}, "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "99999999999999999999999999999999999999"]}, "bs": {"BS": ["AA==", "AQ=="]},
    "m": {"M": {"y": {"L": [{"S": "z"}, {"N": "2"}]}, "x": {"N": "1.50"}}}, "l": {"L": [{"NULL": True}, {"BOOL": False}]},
}
EVERY_TYPE_JSON = ('{"b":"AAEC/w==","bs":["AA==","AQ=="],"empty":"","l":[null,false],"m":{"x":1.50,"y":["z",2]},'
                   f'"n38":{N38},"ns":[1,99999999999999999999999999999999999999],"nul":null,'
                   '"pi":3.1415926535897932384626433832795028841,"pk":"k1","s":"héllo \\"q\\"","ss":["a","b"],'
                   '"t":true,"tiny":-1E-130}')


def test_plain_json_keeps_every_type_and_every_digit():
    assert ddb_json.plain_json(EVERY_TYPE) == EVERY_TYPE_JSON
    assert json.loads(EVERY_TYPE_JSON, parse_float=str, parse_int=str)["n38"] == N38


def test_dynamo_text_is_lossless_and_sorted():
    text = ddb_json.dynamo_text(EVERY_TYPE)
    assert json.loads(text) == EVERY_TYPE
    assert text.startswith('{"b":{"B":"AAEC/w=="},"bs":')


@pytest.mark.parametrize("given,literal", [("+5", "5"), (".5", "0.5"), ("5.", "5"), ("007", "7"), ("1e2", "1e2"), ("-0", "-0")])
def test_number_literal_is_valid_json_without_float(given, literal):
    assert ddb_json.number_literal(given) == literal


@pytest.mark.parametrize("given,normal", [
    ("1.50", "1.5"), ("100", "100"), ("1E+2", "100"), ("-0.0", "0"), ("0.000100", "0.0001"),
    ("123456789012345678901234567890123456.78", "123456789012345678901234567890123456.78"), ("-1E-3", "-0.001")])
def test_normalize_number_follows_dynamodb(given, normal):
    assert ddb_json.normalize_number(given) == normal


def test_bad_values_are_named():
    with pytest.raises(ddb_json.ItemError, match="unknown DynamoDB type tag 'X'"):
        ddb_json.validate_item({"a": {"X": 1}})
    with pytest.raises(ddb_json.ItemError, match="not a number"):
        ddb_json.validate_item({"a": {"N": "abc"}})
    with pytest.raises(ddb_json.ItemError, match="invalid base64"):
        ddb_json.validate_item({"a": {"B": "***"}})


def test_canonical_key_sorts_names_and_normalizes_numbers():
    keys = {"sk": {"N": "5.0"}, "pk": {"S": "a"}}
    assert ddb_json.canonical_key(keys, ["pk", "sk"]) == '{"pk":{"S":"a"},"sk":{"N":"5"}}'
    with pytest.raises(ddb_json.ItemError, match="'sk' missing"):
        ddb_json.canonical_key({"pk": {"S": "a"}}, ["pk", "sk"])


def test_canonical_item_ignores_order_and_number_spelling_only():
    left = {"a": {"NS": ["2", "10.0"]}, "b": {"SS": ["y", "x"]}, "c": {"M": {"q": {"N": "1E1"}}}}
    right = {"c": {"M": {"q": {"N": "10"}}}, "b": {"SS": ["x", "y"]}, "a": {"NS": ["10", "2"]}}
    assert ddb_json.canonical_item(left) == ddb_json.canonical_item(right)
    assert ddb_json.canonical_item({"a": {"L": [{"N": "1"}, {"N": "2"}]}}) != ddb_json.canonical_item(
        {"a": {"L": [{"N": "2"}, {"N": "1"}]}})
    assert ddb_json.canonical_item({"a": {"N": N38}}) != ddb_json.canonical_item({"a": {"N": N38[:-1] + "9"}})


def test_declared_text_matches_plain_json_pieces():
    assert ddb_json.declared_text(EVERY_TYPE, "n38") == N38
    assert ddb_json.declared_text(EVERY_TYPE, "t") == "true"
    assert ddb_json.declared_text(EVERY_TYPE, "nul") is None
    assert ddb_json.declared_text(EVERY_TYPE, "absent") is None
    assert ddb_json.declared_text(EVERY_TYPE, "m") == '{"x":1.50,"y":["z",2]}'
