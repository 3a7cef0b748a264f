/**
 * The pure checks of a source table reference (name or ARN, stream, region, account, key schema):
 * each throws TableConfigError naming the fix. `resolveSourceTable` (source-table.ts) wires them.
 */
import type { KeyAttribute } from "./views/table-spec";

export type TableIdentifier =
  | { readonly kind: "name"; readonly name: string }
  | {
      readonly kind: "arn";
      readonly name: string;
      readonly partition: string;
      readonly region: string;
      readonly account: string;
    };

/** A table reference the capture path cannot use; the message names the fix. */
export class TableConfigError extends Error {
  override readonly name = "TableConfigError";
}

export const REQUIRED_STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES";

// DynamoDB table names: 3–255 of letters, digits, underscore, hyphen and dot.
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:(aws[a-z-]*):dynamodb:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;
const ARN_SHAPE = "arn:<partition>:dynamodb:<region>:<12-digit account id>:table/<table name>";

/** Reads a table given as a name or an ARN. Pure; throws TableConfigError on anything else. */
export function parseTableIdentifier(value: string): TableIdentifier {
  if (value.startsWith("arn:")) {
    const match = TABLE_ARN.exec(value);
    if (match) {
      const [, partition, region, account, name] = match as unknown as [string, string, string, string, string];
      return { kind: "arn", name, partition, region, account };
    }
    if (/:table\/[^/]+\/stream\//.test(value)) {
      throw new TableConfigError(
        `table ${JSON.stringify(value)} is a stream ARN: pass the table's ARN (${value.replace(/\/stream\/.*$/, "")}) or its name`,
      );
    }
    throw new TableConfigError(`table ARN ${JSON.stringify(value)} is malformed: expected ${ARN_SHAPE}`);
  }
  if (!TABLE_NAME.test(value)) {
    throw new TableConfigError(
      `table name ${JSON.stringify(value)} is not valid: a DynamoDB table name is 3 to 255 letters, digits, "_", "-" or ".", or pass the table ARN (${ARN_SHAPE})`,
    );
  }
  return { kind: "name", name: value };
}

/** The table's stream as DynamoDB describes it. */
export interface StreamFacts {
  readonly tableName: string;
  readonly streamEnabled: boolean | undefined;
  readonly streamViewType: string | undefined;
  /** "stack": an aws.dynamodb.Table in this program; "account": an existing table looked up by name or ARN. */
  readonly declaredIn: "stack" | "account";
}

/**
 * Capture needs a stream carrying both images, so that every delta line is self-contained.
 * Pure; throws TableConfigError naming the fix (the resource arguments, or the CLI command).
 */
export function checkTableStream(facts: StreamFacts): void {
  const { tableName, streamEnabled, streamViewType, declaredIn } = facts;
  if (!streamEnabled) {
    throw new TableConfigError(
      declaredIn === "stack"
        ? `table ${tableName} has no stream: set streamEnabled: true and streamViewType: "${REQUIRED_STREAM_VIEW_TYPE}" on its aws.dynamodb.Table`
        : `table ${tableName} has no stream: enable streams with stream_view_type ${REQUIRED_STREAM_VIEW_TYPE}: ` +
            `aws dynamodb update-table --table-name ${tableName} --stream-specification StreamEnabled=true,StreamViewType=${REQUIRED_STREAM_VIEW_TYPE}`,
    );
  }
  if (streamViewType !== REQUIRED_STREAM_VIEW_TYPE) {
    const actual = streamViewType ? streamViewType : "no view type";
    throw new TableConfigError(
      declaredIn === "stack"
        ? `table ${tableName} streams ${actual}, but capture needs ${REQUIRED_STREAM_VIEW_TYPE}: set streamViewType: "${REQUIRED_STREAM_VIEW_TYPE}" on its aws.dynamodb.Table`
        : `table ${tableName} streams ${actual}, but capture needs ${REQUIRED_STREAM_VIEW_TYPE}; a stream's view type cannot be changed in place, ` +
            `so turn the stream off and on again with the right type: aws dynamodb update-table --table-name ${tableName} --stream-specification StreamEnabled=false, ` +
            `then aws dynamodb update-table --table-name ${tableName} --stream-specification StreamEnabled=true,StreamViewType=${REQUIRED_STREAM_VIEW_TYPE}`,
    );
  }
}

/** Lambda reads a stream only in its own region. Pure. */
export function checkTableRegion(id: TableIdentifier, stackRegion: string): void {
  if (id.kind === "arn" && id.region !== stackRegion) {
    throw new TableConfigError(
      `table ${id.name} is in ${id.region} but this stack deploys to ${stackRegion}: capture must run in the table's region; set aws:region to ${id.region} (or pass an aws provider for ${id.region})`,
    );
  }
}

/**
 * A table given by ARN is looked up by name in the stack's account: the table found must be the one
 * named, or capture would silently follow a same-named table of another account. Pure.
 */
export function checkTableAccount(id: TableIdentifier, foundArn: string): void {
  if (id.kind !== "arn") return;
  const wanted = `arn:${id.partition}:dynamodb:${id.region}:${id.account}:table/${id.name}`;
  if (foundArn !== wanted) {
    const found = /^arn:[^:]+:dynamodb:[^:]*:(\d{12}):/.exec(foundArn)?.[1] ?? "another account";
    throw new TableConfigError(
      `table ${wanted} is in account ${id.account}, but this stack deploys to account ${found} (where the lookup found ${foundArn}): ` +
        `the pipeline must run in the table's account; deploy with credentials for account ${id.account}`,
    );
  }
}

/**
 * The key attributes in key order (partition key, then sort key) with their
 * scalar types from the table's attribute definitions. `columnTypes` overrides
 * the Athena type of number keys (default decimal(38,0)), e.g. `{ sk: "string" }`.
 */
export function keyAttributes(
  table: string,
  hashKey: string,
  rangeKey: string | undefined,
  attributes: readonly { name: string; type: string }[],
  columnTypes: Readonly<Record<string, string>> = {},
): KeyAttribute[] {
  const names = rangeKey ? [hashKey, rangeKey] : [hashKey];
  for (const col of Object.keys(columnTypes)) {
    if (!names.includes(col)) {
      throw new Error(`table ${table}: keyColumnTypes names ${JSON.stringify(col)}, which is not a key attribute (${names.join(", ")})`);
    }
  }
  return names.map((name) => {
    const type = attributes.find((a) => a.name === name)?.type;
    if (type !== "S" && type !== "N" && type !== "B") {
      throw new Error(`table ${table}: key attribute ${JSON.stringify(name)} needs an attribute definition of type S, N or B (found ${String(type)})`);
    }
    const columnType = columnTypes[name];
    if (columnType === undefined) return { name, type };
    if (type !== "N") {
      throw new Error(`table ${table}: keyColumnTypes.${name} is only allowed for number (N) keys; ${name} is ${type}`);
    }
    return { name, type, columnType };
  });
}
