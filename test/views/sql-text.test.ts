import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonPath, quoteIdentifier, sqlJsonQuote, sqlString } from "../../infra/views/sql-text";

void test("identifiers and strings are quoted for Trino", () => {
  assert.equal(quoteIdentifier("table"), '"table"');
  assert.equal(quoteIdentifier('a"b'), '"a""b"');
  assert.equal(sqlString("it's"), "'it''s'");
  assert.equal(sqlString("back\\slash"), "'back\\slash'");
});

void test("JSON paths use dots for identifiers and brackets otherwise", () => {
  assert.equal(jsonPath(["pk", "S"]), "$.pk.S");
  assert.equal(jsonPath(["_a1", "N"]), "$._a1.N");
  assert.equal(jsonPath(["user-id", "S"]), '$["user-id"]["S"]');
  assert.equal(jsonPath(["1st", "N"]), '$["1st"]["N"]');
  assert.equal(jsonPath(["it's", "S"]), `$["it's"]["S"]`);
  assert.throws(() => jsonPath(["a\\b", "S"]), /cannot be read with an Athena JSON path/);
  assert.throws(() => jsonPath(["a\nb", "S"]), /cannot be read with an Athena JSON path/);
});

void test("the JSON string encoder escapes backslash first, then quote, then each control character", () => {
  const lines = sqlJsonQuote("x", "").split("\n");
  assert.equal(lines[0], `'"' || ${"replace(".repeat(34)}x`);
  assert.deepEqual(lines.slice(1, 4), [", '\\', '\\\\')", `, '"', '\\"')`, ", chr(0), '\\u0000')"]);
  assert.equal(lines[1 + 2 + 10], ", chr(10), '\\n')");
  assert.equal(lines[1 + 2 + 31], ", chr(31), '\\u001f')");
  assert.equal(lines.at(-1), `|| '"'`);
});
