/**
 * The arguments every lake-side part of one table shares (snapshot, compaction, reconcile, catalog):
 * which table, its keys and columns, where the lake is; and for the Glue jobs, the scripts and the
 * settings every job takes. DynamoDbLake builds one LakeTableArgs per table and hands it to each part.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GlueScripts } from "./glue-scripts-asset";
import type { KeyAttribute } from "./views/table-spec";

/** Where a table's lake is: the bucket and the Glue database. */
export interface LakeLocationArgs {
  /** Name of the lake bucket. */
  readonly bucket: pulumi.Input<string>;
  /** Glue database of the lake. */
  readonly database: pulumi.Input<string>;
  /** Extra typed columns extracted from each item, name → Athena type, e.g. `{ price: "decimal(38,2)" }`; the same for every part of a table. Default none. */
  readonly declaredColumns?: pulumi.Input<Record<string, string>>;
}

/** One resolved table in the lake. */
export interface LakeTableArgs extends LakeLocationArgs {
  /** Source table name (e.g. `TableSnapshot.tableName`). */
  readonly tableName: pulumi.Input<string>;
  /** Key attributes of the source table, in key order (e.g. `TableSnapshot.keys`). */
  readonly keys: pulumi.Input<KeyAttribute[]>;
}

/** What every Glue job of the lake takes besides its own settings. */
export interface LakeJobArgs {
  /** The uploaded job scripts. */
  readonly scripts: GlueScripts;
  /** Glue worker type. Default "G.1X". */
  readonly workerType?: pulumi.Input<string>;
  /** Number of Glue workers. Default 2. */
  readonly numberOfWorkers?: pulumi.Input<number>;
  /** KMS keys the job may use (the lake bucket's key; for a snapshot, an encrypted table's key too). Default none. */
  readonly kmsKeyArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Tags for the job and every resource created with it. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
