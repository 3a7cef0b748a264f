/**
 * The Glue table `<t>_changes` over the delta log (contract 1): JSON lines under
 * s3://<bucket>/changes/<table>/dt=YYYY-MM-DD/hour=HH/, read with the OpenX JSON
 * SerDe and partition projection, so no crawler and no partition maintenance.
 */
import type { TableInput } from "@aws-sdk/client-glue";
import { changesPrefix, changesTableName } from "../layout";
import { type LakeTableSpec, resolveSpec } from "./table-spec";

export interface GlueColumn {
  name: string;
  type: string;
}

export interface ChangesTableDefinition {
  /** Glue TableType: the data lives outside the catalog. */
  tableType: "EXTERNAL_TABLE";
  location: string;
  columns: GlueColumn[];
  partitionKeys: GlueColumn[];
  parameters: Record<string, string>;
  serializationLibrary: string;
  inputFormat: string;
  outputFormat: string;
  serdeParameters: Record<string, string>;
}

/**
 * One column per delta record field (Hive types). keys/new_image/old_image are
 * `string`: the SerDe hands a nested object back as JSON text, so DynamoDB JSON
 * reaches SQL whole and its numbers (strings in DynamoDB JSON) stay exact.
 * `table` is a reserved word: queries write it "table".
 */
export const CHANGES_COLUMNS: readonly GlueColumn[] = [
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
];

/** dt and hour of the Firehose object key (UTC), both strings: dt = 'yyyy-MM-dd', hour = '00'…'23'. */
export const CHANGES_PARTITION_KEYS: readonly GlueColumn[] = [
  { name: "dt", type: "string" },
  { name: "hour", type: "string" },
];

export const OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";
export const TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat";
export const HIVE_TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

export function changesLocation(spec: LakeTableSpec): string {
  return `s3://${spec.bucket}/${changesPrefix(spec.tableName)}`;
}

export function changesTableDefinition(spec: LakeTableSpec): ChangesTableDefinition {
  const resolved = resolveSpec(spec);
  const location = changesLocation(spec);
  return {
    tableType: "EXTERNAL_TABLE",
    location,
    columns: CHANGES_COLUMNS.map((column) => ({ ...column })),
    partitionKeys: CHANGES_PARTITION_KEYS.map((column) => ({ ...column })),
    parameters: {
      EXTERNAL: "TRUE",
      classification: "json",
      // Text files are read by extension: Firehose's .gz objects and plain ones alike.
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "projection.dt.range": `${resolved.changesStartDate},NOW`,
      "projection.dt.interval": "1",
      "projection.dt.interval.unit": "DAYS",
      "projection.hour.type": "integer",
      "projection.hour.range": "0,23",
      "projection.hour.digits": "2",
      "storage.location.template": `${location}dt=\${dt}/hour=\${hour}/`,
    },
    serializationLibrary: OPENX_JSON_SERDE,
    inputFormat: TEXT_INPUT_FORMAT,
    outputFormat: HIVE_TEXT_OUTPUT_FORMAT,
    serdeParameters: {
      // Case-insensitive mode lower-cases every JSON key, including the attribute names and
      // S/N/M type tags inside keys/new_image/old_image; the record's own fields are lower case already.
      "case.insensitive": "FALSE",
      // A corrupt line reads as a row of NULLs instead of failing every query over its partition,
      // the live view included; compaction quarantines and counts the file.
      "ignore.malformed.json": "TRUE",
    },
  };
}

/** The Glue TableInput of `<t>_changes` (the component and the local lake create it). */
export function changesTableInput(spec: LakeTableSpec): TableInput {
  const definition = changesTableDefinition(spec);
  const glueColumn = (column: GlueColumn): { Name: string; Type: string } => ({ Name: column.name, Type: column.type });
  return {
    Name: changesTableName(spec.tableName),
    Description: `dynamodb-lake: every change to ${spec.tableName}, one delta record per row`,
    TableType: definition.tableType,
    Parameters: definition.parameters,
    PartitionKeys: definition.partitionKeys.map(glueColumn),
    StorageDescriptor: {
      Location: definition.location,
      InputFormat: definition.inputFormat,
      OutputFormat: definition.outputFormat,
      Columns: definition.columns.map(glueColumn),
      SerdeInfo: { SerializationLibrary: definition.serializationLibrary, Parameters: definition.serdeParameters },
    },
  };
}
