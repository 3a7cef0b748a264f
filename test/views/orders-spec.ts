import type { LakeTableSpec } from "../../infra/views/table-spec";

/** The example table the view tests share: Orders keyed by pk (S) and sk (N), in database lake of bucket my-lake; a test overrides what it is about. */
export function ordersSpec(change: Partial<LakeTableSpec> = {}): LakeTableSpec {
  return {
    tableName: "Orders",
    database: "lake",
    bucket: "my-lake",
    keys: [
      { name: "pk", type: "S" },
      { name: "sk", type: "N" },
    ],
    declaredColumns: {},
    ...change,
  };
}
