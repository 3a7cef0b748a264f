import assert from "node:assert/strict";
import { test } from "node:test";
import { changesTableDefinition } from "../../infra/views/changes-table";
import type { DeltaRecord } from "../../functions/shared/delta-record";
import { ordersSpec } from "./orders-spec";

const spec = ordersSpec({ tableName: "Orders-2024", keys: [{ name: "pk", type: "S" }] });

/** The delta record's fields (contract 1) with the Hive type each is read as, in the record's order. */
const DELTA_RECORD_COLUMNS: Record<keyof Required<DeltaRecord>, string> = {
  v: "int",
  table: "string",
  op: "string",
  seq: "string",
  ts_ms: "bigint",
  event_id: "string",
  ttl_delete: "boolean",
  // Nested objects come back from the SerDe as JSON text.
  keys: "string",
  new_image: "string",
  old_image: "string",
  overflow: "string",
};

void test("the changes table is the delta record, field for field, over the Firehose prefix", () => {
  assert.deepEqual(changesTableDefinition(spec), {
    tableType: "EXTERNAL_TABLE",
    location: "s3://my-lake/changes/Orders-2024/",
    columns: Object.entries(DELTA_RECORD_COLUMNS).map(([name, type]) => ({ name, type })),
    partitionKeys: [
      { name: "dt", type: "string" },
      { name: "hour", type: "string" },
    ],
    parameters: {
      EXTERNAL: "TRUE",
      classification: "json",
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "projection.dt.range": "2024-01-01,NOW",
      "projection.dt.interval": "1",
      "projection.dt.interval.unit": "DAYS",
      "projection.hour.type": "integer",
      "projection.hour.range": "0,23",
      "projection.hour.digits": "2",
      "storage.location.template": "s3://my-lake/changes/Orders-2024/dt=${dt}/hour=${hour}/",
    },
    serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serdeParameters: { "case.insensitive": "FALSE", "ignore.malformed.json": "TRUE" },
  });
});

void test("the projection starts at the configured date", () => {
  assert.equal(changesTableDefinition({ ...spec, changesStartDate: "2026-03-01" }).parameters["projection.dt.range"], "2026-03-01,NOW");
});

void test("the columns are the delta record's fields (contract 1)", () => {
  // Typed as Required<DeltaRecord>: a field added to the contract fails the typecheck here until the table has it.
  const record: Required<DeltaRecord> = {
    v: 1,
    table: "t",
    op: "INSERT",
    seq: "0".repeat(40),
    ts_ms: 0,
    event_id: "e",
    ttl_delete: false,
    keys: {},
    new_image: null,
    old_image: null,
    overflow: "s3://b/k",
  };
  assert.deepEqual(
    changesTableDefinition(spec).columns.map((c) => c.name).sort(),
    Object.keys(record).sort(),
  );
});

void test("a bad spec fails with the spec's own message", () => {
  assert.throws(() => changesTableDefinition({ ...spec, bucket: "s3://x" }), /bucket "s3:\/\/x" must be an S3 bucket name/);
});
