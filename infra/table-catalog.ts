/**
 * One table's catalog entries: `<table>_changes` over the delta files (JSON
 * lines, partitions by projection, no crawler) and the `<table>_live` Athena
 * view (current ∪ newer deltas, latest per key). `<table>_current` is an
 * Iceberg table the snapshot job creates; only its name is given out here.
 * The definitions come from infra/views; this component only places them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TableInput } from "@aws-sdk/client-glue";
import { currentTableName } from "./layout";
import { catalogTableFields } from "./views/catalog-table-fields";
import { changesTableInput } from "./views/changes-table";
import { liveViewGlueTable } from "./views/live-view";
import type { KeyAttribute, LakeTableSpec } from "./views/table-spec";

export interface TableCatalogArgs {
  /** Source table name (e.g. `TableSnapshot.tableName`). */
  readonly tableName: pulumi.Input<string>;
  /** Key attributes of the source table, in key order (e.g. `TableSnapshot.keys`). */
  readonly keys: pulumi.Input<KeyAttribute[]>;
  /** Extra typed columns, name → Athena type; the same as the jobs'. Default none. */
  readonly declaredColumns?: pulumi.Input<Record<string, string>>;
  /** Name of the lake bucket. */
  readonly bucket: pulumi.Input<string>;
  /** Glue database of the lake. */
  readonly database: pulumi.Input<string>;
  /** Days of `<table>_changes` partitions the live view reads besides today; must exceed the compaction lag. Default 2. */
  readonly lookbackDays?: pulumi.Input<number>;
  /**
   * First day (yyyy-MM-dd, UTC) the `<table>_changes` partition projection lists. Default: the day of
   * the first deploy (no delta is older), kept on later deploys. Queries should filter on `dt` anyway:
   * an unfiltered query enumerates every day × hour since this day.
   */
  readonly changesStartDate?: pulumi.Input<string>;
}

/** The projection's range in the `<table>_changes` table parameters, as a Pulumi property path. */
export const PROJECTION_RANGE_PATH = 'parameters["projection.dt.range"]';

/** Today's date in UTC, yyyy-MM-dd: the default first day of the projection at the first deploy. */
export function utcDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Options of the `<table>_changes` table. A defaulted first day is today's date at every run; ignoring
 * changes to the projection's range keeps the one of the first deploy instead of replacing it daily.
 * A first day the user sets is applied as usual.
 */
export function changesTableOptions(parent: pulumi.Resource, startDateDefaulted: boolean): pulumi.CustomResourceOptions {
  return { parent, ...(startDateDefaulted ? { ignoreChanges: [PROJECTION_RANGE_PATH] } : {}) };
}

/** The CatalogTable arguments of a TableInput computed from the spec (an Output), field by field. */
function catalogTableArgs(database: pulumi.Input<string>, input: pulumi.Output<TableInput>): aws.glue.CatalogTableArgs {
  const fields = input.apply(catalogTableFields);
  return {
    databaseName: database,
    name: fields.name,
    description: fields.apply((f) => f.description),
    tableType: fields.apply((f) => f.tableType),
    parameters: fields.apply((f) => f.parameters),
    partitionKeys: fields.apply((f) => f.partitionKeys),
    viewOriginalText: fields.apply((f) => f.viewOriginalText),
    viewExpandedText: fields.apply((f) => f.viewExpandedText),
    storageDescriptor: fields.apply((f) => f.storageDescriptor),
  };
}

export class TableCatalog extends pulumi.ComponentResource {
  public readonly changesTable: aws.glue.CatalogTable;
  public readonly liveView: aws.glue.CatalogTable;
  public readonly changesTableName: pulumi.Output<string>;
  public readonly liveViewName: pulumi.Output<string>;
  /** `<table>_current`, created by the snapshot job (it owns the Iceberg DDL). */
  public readonly currentTableName: pulumi.Output<string>;

  constructor(name: string, args: TableCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamodb-lake:index:TableCatalog", name, args, opts);
    const startDateDefaulted = args.changesStartDate === undefined;
    const spec = pulumi
      .all([args.tableName, args.database, args.bucket, args.keys, args.declaredColumns ?? {}, args.lookbackDays, args.changesStartDate ?? utcDate()])
      .apply(([tableName, database, bucket, keys, declaredColumns, lookbackDays, changesStartDate]): LakeTableSpec => ({
        tableName,
        database,
        bucket,
        keys,
        declaredColumns,
        ...(lookbackDays === undefined ? {} : { lookbackDays }),
        changesStartDate,
      }));

    this.changesTable = new aws.glue.CatalogTable(
      `${name}-changes`,
      catalogTableArgs(args.database, spec.apply(changesTableInput)),
      changesTableOptions(this, startDateDefaulted),
    );
    this.liveView = new aws.glue.CatalogTable(
      `${name}-live`,
      catalogTableArgs(args.database, spec.apply(liveViewGlueTable)),
      // The view reads <table>_changes: it must exist first and be dropped last.
      { parent: this, dependsOn: [this.changesTable] },
    );

    this.changesTableName = this.changesTable.name;
    this.liveViewName = this.liveView.name;
    this.currentTableName = pulumi.output(args.tableName).apply(currentTableName);
    this.registerOutputs({ changesTableName: this.changesTableName, liveViewName: this.liveViewName, currentTableName: this.currentTableName });
  }
}
