import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { liveViewColumns, liveViewGlueTable, liveViewSql } from "../../infra/views/live-view";
import { decodePrestoView, encodePrestoView } from "../../infra/views/presto-view";
import { ordersSpec } from "./orders-spec";

const spec = ordersSpec({ declaredColumns: { price: "decimal(38,2)", Status: "string", qty: "bigint" } });

/** A column the catalog declares `hiveType` and Trino reads as `trinoType` (the same spelling unless given). */
const column = (name: string, hiveType: string, trinoType = hiveType) => ({ name, hiveType, trinoType });
const text = (name: string) => column(name, "string", "varchar");

// Keys, the current table's columns, the declared columns, where each row came from.
// prettier-ignore
const COLUMNS = [
  text("pk"), column("sk", "decimal(38,0)"),
  text("_key"), text("item"), text("item_json"),
  column("price", "decimal(38,2)"), text("status"), column("qty", "bigint"),
  text("_seq"), column("_ts", "timestamp", "timestamp(3)"), text("_source"), text("_overflow"),
];

void describe("liveViewGlueTable", () => {
  void test("lists the keys, the current-table columns, the declared columns and where each row came from", () => {
    assert.deepEqual(liveViewColumns(spec), COLUMNS);
  });

  void test("is stored the way Athena stores a view", () => {
    const table = liveViewGlueTable(spec);
    const { ViewOriginalText, ...rest } = table;
    assert.deepEqual(rest, {
      Name: "orders_live",
      TableType: "VIRTUAL_VIEW",
      // A view is read as one only while its table comment is "Presto View": no Description.
      Parameters: { presto_view: "true", comment: "Presto View" },
      ViewExpandedText: "/* Presto View */",
      StorageDescriptor: {
        Columns: COLUMNS.map((c) => ({ Name: c.name, Type: c.hiveType })),
        // Athena and Trino refuse a view without SerDe info; an empty one would not reach Glue through Pulumi.
        SerdeInfo: { Name: "presto_view" },
      },
    });
    assert.match(ViewOriginalText!, /^\/\* Presto View: [A-Za-z0-9+/]+=*\ \*\/$/);
  });

  void test("its view text decodes back to the SQL and the Trino column types, run with the caller's permissions", () => {
    assert.deepEqual(decodePrestoView(liveViewGlueTable(spec).ViewOriginalText!), {
      originalSql: liveViewSql(spec),
      catalog: "awsdatacatalog",
      schema: "lake",
      columns: COLUMNS.map((c) => ({ name: c.name, type: c.trinoType })),
      runAsInvoker: true,
    });
  });

  void test("the view text survives non-ASCII SQL", () => {
    const definition = { originalSql: "SELECT 'é😀' AS x", catalog: "awsdatacatalog", schema: "s", columns: [{ name: "x", type: "varchar" }] };
    assert.deepEqual(decodePrestoView(encodePrestoView(definition)), definition);
  });

  void test("decoding rejects text that is not an Athena view", () => {
    assert.throws(() => decodePrestoView("SELECT 1"), /not an Athena view text: expected "\/\* Presto View: <base64> \*\/"/);
  });
});

void describe("liveViewSql", () => {
  const sql = liveViewSql(spec);

  void test("reads the current, tombstones and changes tables of the spec's database", () => {
    for (const table of ["orders_current", "orders_tombstones", "orders_changes"]) assert.ok(sql.includes(`FROM "lake"."${table}"`), table);
  });

  void test("reads the last lookbackDays of change partitions (default 2)", () => {
    assert.ok(sql.includes(`WHERE "dt" >= date_format(current_date - INTERVAL '2' DAY, '%Y-%m-%d')`));
    assert.ok(liveViewSql({ ...spec, lookbackDays: 7 }).includes("INTERVAL '7' DAY"));
  });

  void test("matches keys on the exact key text of current rows and deltas", () => {
    for (const document of ['"_key"', '"keys"']) {
      assert.ok(sql.includes(`json_extract_scalar(${document}, '$.pk.S') AS __k1`), document);
      assert.ok(sql.includes(`json_extract_scalar(${document}, '$.sk.N') AS __k2`), document);
    }
    assert.ok(sql.includes('PARTITION BY "pk", "sk", __k1, __k2 ORDER BY "_seq" DESC, __source_rank ASC, __event_id DESC'));
  });

  void test("addresses attribute names that are not identifiers with brackets", () => {
    const odd = liveViewSql({ ...spec, keys: [{ name: "user-id", type: "S" }], declaredColumns: { "Note.Text": "string" } });
    assert.ok(odd.includes(`json_extract_scalar("keys", '$["user-id"]["S"]')`));
    assert.ok(odd.includes(`json_extract_scalar("new_image", '$["Note.Text"]["S"]')`));
    assert.ok(odd.includes('AS "note_text"'));
  });

  void test("casts every output column of every branch to the type the catalog declares", () => {
    for (const column of COLUMNS) {
      const casts = sql.split("\n").filter((line) => line.trim().endsWith(` AS ${column.trinoType}) AS "${column.name}",`) || line.trim().endsWith(` AS ${column.trinoType}) AS "${column.name}"`));
      assert.equal(casts.length, column.name === "_key" ? 2 : 3, column.name);
    }
  });

  void test("keys of tombstones are typed like keys of deltas, so both meet the current row in one group", () => {
    const tombstones = sql.slice(sql.indexOf("tombstone_rows AS ("), sql.indexOf("recent_changes AS ("));
    assert.ok(tombstones.includes(`CAST(json_extract_scalar("_key", '$.pk.S') AS varchar) AS "pk"`));
    assert.ok(tombstones.includes(`TRY_CAST(json_extract_scalar("_key", '$.sk.N') AS decimal(38,0)) AS "sk"`));
  });

  void test("builds _key from attribute names in code point order", () => {
    const reversed = liveViewSql({ ...spec, keys: [{ name: "zeta", type: "S" }, { name: "Alpha", type: "N" }], declaredColumns: {} });
    assert.ok(reversed.indexOf(`'{"Alpha":{"N":'`) < reversed.indexOf(`',"zeta":{"S":'`));
  });

  void test("rejects attribute names a JSON path cannot address", () => {
    assert.throws(() => liveViewSql({ ...spec, declaredColumns: { 'say"hi': "string" } }), /attribute name "say\\"hi" cannot be read with an Athena JSON path/);
  });
});
