import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type KeyAttribute, type LakeTableSpec, formatKeySchema, parseKeySchema, resolveSpec } from "../../infra/views/table-spec";
import { ordersSpec } from "./orders-spec";

void describe("parseKeySchema / formatKeySchema", () => {
  const valid: [string, KeyAttribute[], string][] = [
    ["pk:S", [{ name: "pk", type: "S" }], "pk:S"],
    ["pk:S,sk:N", [{ name: "pk", type: "S" }, { name: "sk", type: "N" }], "pk:S,sk:N"],
    [" pk : S , sk : N ", [{ name: "pk", type: "S" }, { name: "sk", type: "N" }], "pk:S,sk:N"],
    ["id:B", [{ name: "id", type: "B" }], "id:B"],
    ["pk:S,sk:N:string", [{ name: "pk", type: "S" }, { name: "sk", type: "N", columnType: "string" }], "pk:S,sk:N:string"],
    ["pk:S,sk:N:decimal(38,6)", [{ name: "pk", type: "S" }, { name: "sk", type: "N", columnType: "decimal(38,6)" }], "pk:S,sk:N:decimal(38,6)"],
    ["pk:S,sk:N:DECIMAL(20, 2)", [{ name: "pk", type: "S" }, { name: "sk", type: "N", columnType: "decimal(20,2)" }], "pk:S,sk:N:decimal(20,2)"],
    ["pk:S:string", [{ name: "pk", type: "S", columnType: "string" }], "pk:S:string"],
    ["user-id:S,Created At:N", [{ name: "user-id", type: "S" }, { name: "Created At", type: "N" }], "user-id:S,Created At:N"],
  ];
  for (const [text, keys, formatted] of valid) {
    void test(`parses ${JSON.stringify(text)} and formats it back`, () => {
      assert.deepEqual(parseKeySchema(text), keys);
      assert.equal(formatKeySchema(keys), formatted);
      assert.deepEqual(parseKeySchema(formatKeySchema(keys)), keys);
    });
  }

  const invalid: [string, RegExp][] = [
    ["", /empty key schema; expected name:S\|N\|B/],
    ["   ", /empty key schema/],
    ["pk", /entry 1 "pk" is malformed; expected name:S\|N\|B\[:columnType\]/],
    ["pk:", /entry 1 "pk:" is malformed/],
    [":S", /entry 1 ":S" is malformed/],
    ["pk:S,", /entry 2 "" is malformed/],
    ["pk:S:string:x", /entry 1 "pk:S:string:x" is malformed/],
    ["pk:S:", /entry 1 "pk:S:" has an empty column type/],
    ["pk:X", /key attribute 1: key attribute type "X" must be S, N or B/],
    ["pk:s", /type "s" must be S, N or B/],
    ["pk:BOOL", /type "BOOL" must be S, N or B/],
    ["a:S,b:S,c:S", /at most one sort key, got 3 attributes/],
    ["pk:S,PK:N", /key attributes "pk" and "PK" map to the same column name/],
    ["pk:S:int", /key attribute 1: a S key cannot be stored as int; use string/],
    ["pk:S,sk:N:bigint", /key attribute 2: a N key cannot be stored as bigint; use string or decimal\(p,s\)/],
    ["id:B:string", /a B key cannot be stored as string; use binary/],
    ["pk:S,sk:N:decimal(39,0)", /not a valid decimal type: use decimal\(p,s\) with 1 <= p <= 38/],
    ["pk:S,sk:N:decimal(5,6)", /not a valid decimal type/],
    ["pk:S,sk:N:varchar2", /unsupported Athena column type "varchar2"/],
  ];
  for (const [text, message] of invalid) {
    void test(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseKeySchema(text), message));
  }

  void test("formatKeySchema rejects names the argument format cannot carry", () => {
    assert.throws(() => formatKeySchema([{ name: "a,b", type: "S" }]), /must not contain ',' or ':'/);
    assert.throws(() => formatKeySchema([{ name: "a:b", type: "S" }]), /must not contain ',' or ':'/);
    assert.throws(() => formatKeySchema([]), /got 0 attributes/);
    assert.throws(() => formatKeySchema([{ name: "x".repeat(256), type: "S" }]), /1 to 255 characters/);
  });
});

void describe("resolveSpec", () => {
  const spec = ordersSpec({
    tableName: "Orders-2024",
    keys: [
      { name: "Customer-Id", type: "S" },
      { name: "sk", type: "N", columnType: "decimal(38,6)" },
    ],
    declaredColumns: { Price: "DECIMAL(38, 2)", status: "string", qty: "integer", when: "timestamp" },
  });

  void test("derives table names, column names and both spellings of every type", () => {
    assert.deepEqual(resolveSpec(spec), {
      tableName: "Orders-2024",
      database: "lake",
      bucket: "my-lake",
      keys: [
        { attribute: "Customer-Id", type: "S", column: "customer_id", hiveType: "string", trinoType: "varchar" },
        { attribute: "sk", type: "N", column: "sk", hiveType: "decimal(38,6)", trinoType: "decimal(38,6)" },
      ],
      declared: [
        { attribute: "Price", column: "price", hiveType: "decimal(38,2)", trinoType: "decimal(38,2)" },
        { attribute: "status", column: "status", hiveType: "string", trinoType: "varchar" },
        { attribute: "qty", column: "qty", hiveType: "int", trinoType: "integer" },
        { attribute: "when", column: "when", hiveType: "timestamp", trinoType: "timestamp(3)" },
      ],
      lookbackDays: 2,
      changesStartDate: "2024-01-01",
      tables: { current: "orders_2024_current", changes: "orders_2024_changes", tombstones: "orders_2024_tombstones", live: "orders_2024_live" },
    });
  });

  void test("key columns default to string, decimal(38,0) and binary", () => {
    const keys = resolveSpec({ ...spec, keys: [{ name: "n", type: "N" }, { name: "b", type: "B" }], declaredColumns: {} }).keys;
    assert.deepEqual(
      keys.map((k) => [k.hiveType, k.trinoType]),
      [
        ["decimal(38,0)", "decimal(38,0)"],
        ["binary", "varbinary"],
      ],
    );
    assert.equal(resolveSpec({ ...spec, keys: [{ name: "s", type: "S" }], declaredColumns: {} }).keys[0]!.hiveType, "string");
  });

  const invalid: [string, Partial<LakeTableSpec>, RegExp][] = [
    ["an empty table name", { tableName: "" }, /tableName is required/],
    ["a database Athena cannot name", { database: "My-Lake" }, /database "My-Lake" must be 1 to 255 lower-case letters/],
    ["a bucket URI", { bucket: "s3://my-lake" }, /bucket "s3:\/\/my-lake" must be an S3 bucket name without s3:\/\//],
    ["a zero lookback", { lookbackDays: 0 }, /lookbackDays must be a whole number of days from 1 to 366, got 0/],
    ["a fractional lookback", { lookbackDays: 1.5 }, /got 1.5/],
    ["a malformed start date", { changesStartDate: "2024-1-1" }, /changesStartDate must be a date as yyyy-MM-dd/],
    ["a declared column on a key column", { declaredColumns: { "customer-id": "string" } }, /maps to column customer_id, already used by key attribute "Customer-Id"/],
    ["a declared column on a bookkeeping column", { declaredColumns: { ITEM: "string" } }, /maps to column item, already used by a bookkeeping column/],
    ["a declared column on the live view's own columns", { declaredColumns: { _source: "string" } }, /already used by a bookkeeping column/],
    ["two declared columns on one name", { declaredColumns: { "a-b": "string", a_b: "int" } }, /declared column "a_b" maps to column a_b, already used by declared column "a-b"/],
    ["a reserved __ prefix", { declaredColumns: { __k1: "string" } }, /names starting with "__" are reserved/],
    ["a binary declared column", { declaredColumns: { blob: "binary" } }, /declared column "blob": binary is not supported; read binary attributes from item/],
    ["an unknown declared type", { declaredColumns: { tags: "array<string>" } }, /declared column "tags": unsupported Athena column type "array<string>"/],
    ["an empty declared name", { declaredColumns: { "": "string" } }, /declared column names must not be empty/],
  ];
  for (const [what, change, message] of invalid) {
    void test(`rejects ${what}`, () => assert.throws(() => resolveSpec({ ...spec, ...change }), message));
  }
});
