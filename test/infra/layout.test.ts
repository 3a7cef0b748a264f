import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { warehouseTablePrefix } from "../../infra/layout";

void describe("warehouseTablePrefix", () => {
  void it("is Iceberg GlueCatalog's default table folder, under the catalog names the scripts use", () => {
    assert.equal(warehouseTablePrefix("lake_db", "orders_current"), "warehouse/lake_db.db/orders_current/");
    assert.equal(warehouseTablePrefix("Lake-DB", "Orders.v2_tombstones"), "warehouse/lake_db.db/orders_v2_tombstones/");
  });
});
