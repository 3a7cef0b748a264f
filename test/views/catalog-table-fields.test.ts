import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { catalogTableFields } from "../../infra/views/catalog-table-fields";
import { changesTableDefinition, changesTableInput } from "../../infra/views/changes-table";
import { ordersSpec } from "./orders-spec";

const spec = ordersSpec({ keys: [{ name: "pk", type: "S" }] });

void describe("catalogTableFields", () => {
  void test("carries every field of the changes table's TableInput to the CatalogTable arguments", () => {
    const definition = changesTableDefinition(spec);
    assert.deepEqual(catalogTableFields(changesTableInput(spec)), {
      name: "orders_changes",
      description: "dynamodb-lake: every change to Orders, one delta record per row",
      tableType: "EXTERNAL_TABLE",
      parameters: definition.parameters,
      partitionKeys: definition.partitionKeys,
      storageDescriptor: {
        location: "s3://my-lake/changes/Orders/",
        inputFormat: definition.inputFormat,
        outputFormat: definition.outputFormat,
        columns: definition.columns,
        serDeInfo: { serializationLibrary: definition.serializationLibrary, parameters: definition.serdeParameters },
      },
    });
  });

  void test("leaves out what the TableInput does not set", () => {
    assert.deepEqual(catalogTableFields({ Name: "v", StorageDescriptor: { SerdeInfo: { Name: "x" } } }), {
      name: "v",
      storageDescriptor: { serDeInfo: { name: "x" } },
    });
  });

  void test("refuses a field it has no mapping for, instead of dropping it", () => {
    assert.throws(() => catalogTableFields({ Name: "t", Owner: "me" }), /TableInput field\(s\) Owner have no mapping to aws.glue.CatalogTable/);
    assert.throws(
      () => catalogTableFields({ Name: "t", StorageDescriptor: { Compressed: true } }),
      /StorageDescriptor field\(s\) Compressed have no mapping/,
    );
  });
});
