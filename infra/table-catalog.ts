/**
 * One table's catalog entries: `<table>_changes` over the delta files (JSON
 * lines, partitions by projection, no crawler) and the `<table>_live` Athena
 * view (current ∪ newer deltas, latest per key). `<table>_current` is an
 * Iceberg table the snapshot job creates; only its name is given out here.
 * The definitions come from infra/views; this component only places them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { changesTableName, currentTableName, liveViewName } from "./layout";
import { changesTableDefinition } from "./views/changes-table";
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
  /** First day (yyyy-MM-dd, UTC) the `<table>_changes` partition projection lists. Default 2024-01-01. */
  readonly changesStartDate?: pulumi.Input<string>;
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
    const spec = pulumi
      .all([args.tableName, args.database, args.bucket, args.keys, args.declaredColumns ?? {}, args.lookbackDays, args.changesStartDate])
      .apply(([tableName, database, bucket, keys, declaredColumns, lookbackDays, changesStartDate]): LakeTableSpec => ({
        tableName,
        database,
        bucket,
        keys,
        declaredColumns,
        ...(lookbackDays === undefined ? {} : { lookbackDays }),
        ...(changesStartDate === undefined ? {} : { changesStartDate }),
      }));

    const changes = spec.apply(changesTableDefinition);
    this.changesTable = new aws.glue.CatalogTable(
      `${name}-changes`,
      {
        databaseName: args.database,
        name: spec.apply((s) => changesTableName(s.tableName)),
        description: pulumi.interpolate`dynamodb-lake: every change to ${args.tableName}, one delta record per row`,
        tableType: "EXTERNAL_TABLE",
        parameters: changes.parameters,
        partitionKeys: changes.partitionKeys,
        storageDescriptor: {
          location: changes.location,
          inputFormat: changes.inputFormat,
          outputFormat: changes.outputFormat,
          columns: changes.columns,
          serDeInfo: { serializationLibrary: changes.serializationLibrary, parameters: changes.serdeParameters },
        },
      },
      { parent: this },
    );

    const live = spec.apply(liveViewGlueTable);
    this.liveView = new aws.glue.CatalogTable(
      `${name}-live`,
      {
        databaseName: args.database,
        name: spec.apply((s) => liveViewName(s.tableName)),
        description: pulumi.interpolate`dynamodb-lake: ${args.tableName} as of its newest delta`,
        tableType: live.tableType,
        viewOriginalText: live.viewOriginalText,
        viewExpandedText: live.viewExpandedText,
        parameters: live.parameters,
        storageDescriptor: { columns: live.columns },
      },
      // The view reads <table>_changes: it must exist first and be dropped last.
      { parent: this, dependsOn: [this.changesTable] },
    );

    this.changesTableName = this.changesTable.name;
    this.liveViewName = this.liveView.name;
    this.currentTableName = pulumi.output(args.tableName).apply(currentTableName);
    this.registerOutputs({ changesTableName: this.changesTableName, liveViewName: this.liveViewName, currentTableName: this.currentTableName });
  }
}
