import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changesTableOptions, PROJECTION_RANGE_PATH, TableCatalog, utcDate } from "../../infra/table-catalog";
import { changesTableDefinition } from "../../infra/views/changes-table";
import { liveViewGlueTable, liveViewSql } from "../../infra/views/live-view";
import { decodePrestoView } from "../../infra/views/presto-view";
import type { LakeTableSpec } from "../../infra/views/table-spec";
import { ordersSpec } from "../views/orders-spec";
import { useLakeMockCloud } from "./lake-mocks";
import { assertOnlyFailure, previewFailures, settled, valueOf } from "./pulumi-mocks";

const TABLE = "aws:glue/catalogTable:CatalogTable";

const SPEC = ordersSpec({ database: "lake_db", bucket: "lake-bucket", declaredColumns: { price: "decimal(38,2)" } });

function catalog(name: string, spec: LakeTableSpec = SPEC, extra: { lookbackDays?: number; changesStartDate?: string } = {}): TableCatalog {
  return new TableCatalog(name, {
    tableName: spec.tableName,
    database: spec.database,
    bucket: spec.bucket,
    keys: spec.keys,
    declaredColumns: spec.declaredColumns,
    ...extra,
  });
}

void describe("TableCatalog", () => {
  void it("defines <table>_changes over the delta files with the JSON SerDe and partition projection (no crawler)", async () => {
    const cloud = await useLakeMockCloud();
    const component = catalog("orders-catalog");
    await settled(component);
    const def = changesTableDefinition({ ...SPEC, changesStartDate: utcDate() });
    const changes = cloud.one(TABLE, "orders-catalog-changes").inputs;
    assert.deepEqual(changes, {
      databaseName: "lake_db",
      name: "orders_changes",
      description: "dynamodb-lake: every change to Orders, one delta record per row",
      tableType: "EXTERNAL_TABLE",
      parameters: def.parameters,
      partitionKeys: def.partitionKeys,
      storageDescriptor: {
        location: "s3://lake-bucket/changes/Orders/",
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        columns: def.columns,
        serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe", parameters: def.serdeParameters },
      },
    });
    // The settings that make it work without a crawler, spelled out.
    const parameters = changes.parameters;
    assert.equal(parameters["projection.enabled"], "true");
    assert.equal(parameters["storage.location.template"], "s3://lake-bucket/changes/Orders/dt=${dt}/hour=${hour}/");
    assert.deepEqual(changes.partitionKeys, [
      { name: "dt", type: "string" },
      { name: "hour", type: "string" },
    ]);
    assert.deepEqual(
      (changes.storageDescriptor as { columns: { name: string }[] }).columns.map((c) => c.name),
      ["v", "table", "op", "seq", "ts_ms", "event_id", "ttl_delete", "keys", "new_image", "old_image", "overflow"],
    );
    assert.equal(await valueOf(component.changesTableName), "orders_changes");
  });

  void it("stores <table>_live as an Athena view: VIRTUAL_VIEW with the Presto encoding of the view SQL", async () => {
    const cloud = await useLakeMockCloud();
    const component = catalog("orders-catalog");
    await settled(component);
    const view = liveViewGlueTable(SPEC);
    const live = cloud.one(TABLE, "orders-catalog-live").inputs;
    // No description: Athena's engine reads it as the table comment, which must stay "Presto View".
    assert.deepEqual(live, {
      databaseName: "lake_db",
      name: "orders_live",
      tableType: "VIRTUAL_VIEW",
      viewOriginalText: view.ViewOriginalText!,
      viewExpandedText: "/* Presto View */",
      parameters: { presto_view: "true", comment: "Presto View" },
      storageDescriptor: {
        columns: view.StorageDescriptor!.Columns!.map((c) => ({ name: c.Name, type: c.Type })),
        serDeInfo: { name: "presto_view" },
      },
    });
    const decoded = decodePrestoView(live.viewOriginalText);
    assert.equal(decoded.originalSql, liveViewSql(SPEC));
    assert.equal(decoded.catalog, "awsdatacatalog");
    assert.equal(decoded.schema, "lake_db");
    assert.deepEqual(
      decoded.columns.map((c) => c.name),
      (live.storageDescriptor as { columns: { name: string }[] }).columns.map((c) => c.name),
    );
    assert.equal(await valueOf(component.liveViewName), "orders_live");
    assert.equal(await valueOf(component.currentTableName), "orders_current");
  });

  void it("passes the look-back and the projection's first day to the definitions", async () => {
    const cloud = await useLakeMockCloud();
    const component = catalog("tuned", SPEC, { lookbackDays: 5, changesStartDate: "2026-01-01" });
    await settled(component);
    const tuned = { ...SPEC, lookbackDays: 5, changesStartDate: "2026-01-01" };
    assert.equal((cloud.one(TABLE, "tuned-changes").inputs.parameters as Record<string, string>)["projection.dt.range"], "2026-01-01,NOW");
    assert.equal(cloud.one(TABLE, "tuned-live").inputs.viewOriginalText, liveViewGlueTable(tuned).ViewOriginalText);
    assert.notEqual(liveViewGlueTable(tuned).ViewOriginalText, liveViewGlueTable(SPEC).ViewOriginalText);
  });

  void it("starts the projection on the day of the first deploy by default, and keeps that day on later deploys", async () => {
    const cloud = await useLakeMockCloud();
    const before = utcDate();
    await settled(catalog("fresh"));
    const range = (cloud.one(TABLE, "fresh-changes").inputs.parameters as Record<string, string>)["projection.dt.range"];
    assert.ok(range !== undefined && [`${before},NOW`, `${utcDate()},NOW`].includes(range), range);
    assert.equal(utcDate(new Date("2026-11-30T23:59:59.999Z")), "2026-11-30");
    const parent = catalog("opts");
    assert.deepEqual(changesTableOptions(parent, true), { parent, ignoreChanges: [PROJECTION_RANGE_PATH] });
    assert.deepEqual(changesTableOptions(parent, false), { parent });
    assert.equal(PROJECTION_RANGE_PATH, 'parameters["projection.dt.range"]');
    await settled(parent);
  });

  void it("fails the preview on a bad spec, creating no table", async () => {
    const cloud = await useLakeMockCloud();
    const message = 'database "Lake-DB" must be 1 to 255 lower-case letters, digits or underscores (a Glue database name Athena can query)';
    const failures = await previewFailures(async () => {
      const component = catalog("bad", { ...SPEC, database: "Lake-DB" });
      await valueOf(component.currentTableName);
    });
    assertOnlyFailure(failures, message);
    assert.deepEqual(cloud.ofType(TABLE), []);
  });
});
