import assert from "node:assert/strict";
import { test } from "node:test";
import { changesTableDefinition } from "../../infra/views/changes-table";
import type { LakeTableSpec } from "../../infra/views/table-spec";
import type { DeltaRecord } from "../../functions/shared/delta-record";

const spec: LakeTableSpec = {
  tableName: "Orders-2024",
  database: "lake",
  bucket: "my-lake",
  keys: [{ name: "pk", type: "S" }],
  declaredColumns: {},
};

void test("the changes table is the delta record, field for field, over the Firehose prefix", () => {
  assert.deepEqual(changesTableDefinition(spec), {
    tableType: "EXTERNAL_TABLE",
    location: "s3://my-lake/changes/Orders-2024/",
    columns: [
      { name: "v", type: "int" },
      { name: "table", type: "string" },
      { name: "op", type: "string" },
      { name: "seq", type: "string" },
      { name: "ts_ms", type: "bigint" },
      { name: "event_id", type: "string" },
      { name: "ttl_delete", type: "boolean" },
      { name: "keys", type: "string" },
      { name: "new_image", type: "string" },
      { name: "old_image", type: "string" },
      { name: "overflow", type: "string" },
    ],
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
