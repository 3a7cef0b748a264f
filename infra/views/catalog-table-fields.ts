/**
 * A Glue TableInput, the one definition of a catalog table that the components and the local lake
 * both create, as the arguments of Pulumi's aws.glue.CatalogTable (same fields, camel case).
 */
import type { Column, TableInput } from "@aws-sdk/client-glue";

const TABLE_FIELDS = new Set(["Name", "Description", "TableType", "Parameters", "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "StorageDescriptor"]);
const STORAGE_FIELDS = new Set(["Location", "InputFormat", "OutputFormat", "Columns", "SerdeInfo"]);

function unmapped(what: string, fields: object, known: Set<string>): void {
  const extra = Object.keys(fields).filter((field) => !known.has(field));
  if (extra.length > 0) throw new Error(`${what} field(s) ${extra.join(", ")} have no mapping to aws.glue.CatalogTable; add them to catalogTableFields`);
}

interface ColumnArgs {
  name: string;
  type?: string;
}

/** The aws.glue.CatalogTable arguments a TableInput sets, as plain values. */
export interface CatalogTableFields {
  name: string;
  description?: string;
  tableType?: string;
  parameters?: Record<string, string>;
  partitionKeys?: ColumnArgs[];
  viewOriginalText?: string;
  viewExpandedText?: string;
  storageDescriptor?: {
    location?: string;
    inputFormat?: string;
    outputFormat?: string;
    columns?: ColumnArgs[];
    serDeInfo?: { name?: string; serializationLibrary?: string; parameters?: Record<string, string> };
  };
}

const columnArgs = (columns: Column[] | undefined): ColumnArgs[] | undefined =>
  columns?.map((column) => ({ name: column.Name!, ...(column.Type === undefined ? {} : { type: column.Type }) }));

/**
 * A Glue TableInput (the one definition the local lake also creates) as aws.glue.CatalogTable
 * arguments. Throws for a field it does not carry, so none is dropped on the way.
 */
export function catalogTableFields(input: TableInput): CatalogTableFields {
  unmapped("TableInput", input, TABLE_FIELDS);
  const storage = input.StorageDescriptor;
  if (storage) unmapped("StorageDescriptor", storage, STORAGE_FIELDS);
  const serde = storage?.SerdeInfo;
  const defined = <T extends object>(value: T): Partial<T> =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    name: input.Name!,
    ...defined({
      description: input.Description,
      tableType: input.TableType,
      parameters: input.Parameters,
      partitionKeys: columnArgs(input.PartitionKeys),
      viewOriginalText: input.ViewOriginalText,
      viewExpandedText: input.ViewExpandedText,
      storageDescriptor:
        storage &&
        defined({
          location: storage.Location,
          inputFormat: storage.InputFormat,
          outputFormat: storage.OutputFormat,
          columns: columnArgs(storage.Columns),
          serDeInfo: serde && defined({ name: serde.Name, serializationLibrary: serde.SerializationLibrary, parameters: serde.Parameters }),
        }),
    }),
  };
}

