/**
 * The facts the lake needs about a source DynamoDB table (name, key schema,
 * point-in-time recovery), read from a same-stack table resource or looked up
 * by name or ARN. The key mapping is pure; `describeSourceTable` only wires it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkTableAccount, parseTableIdentifier } from "./table-ref";
import type { KeyAttribute } from "./views/table-spec";

/** A same-stack table resource, or the name or ARN of an existing table. */
export type SourceTableInput = aws.dynamodb.Table | pulumi.Input<string>;

export interface SourceTable {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly keys: pulumi.Output<KeyAttribute[]>;
  /** Whether point-in-time recovery is on (false when the table does not say). */
  readonly pointInTimeRecovery: pulumi.Output<boolean>;
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

/** Reads a same-stack table's outputs, or looks an existing table up (an invoke, so it runs at preview). */
export function describeSourceTable(
  table: SourceTableInput,
  keyColumnTypes: Readonly<Record<string, string>> | undefined,
  opts: pulumi.InvokeOutputOptions,
): SourceTable {
  const found = aws.dynamodb.Table.isInstance(table)
    ? {
        name: table.name,
        arn: table.arn,
        hashKey: table.hashKey,
        rangeKey: table.rangeKey,
        attributes: table.attributes,
        pitr: table.pointInTimeRecovery.apply((p) => p?.enabled === true),
      }
    : (() => {
        const id = pulumi.output(table).apply(parseTableIdentifier);
        const looked = aws.dynamodb.getTableOutput({ name: id.apply((i) => i.name) }, opts);
        return {
          // Every table-derived value flows from the name: a table of another account stops them all.
          name: pulumi.all([id, looked.name, looked.arn]).apply(([i, name, arn]) => {
            checkTableAccount(i, arn);
            return name;
          }),
          arn: looked.arn,
          hashKey: looked.hashKey,
          rangeKey: looked.rangeKey.apply((r) => (r ? r : undefined)),
          attributes: looked.attributes,
          pitr: looked.pointInTimeRecovery.apply((p) => p?.enabled === true),
        };
      })();
  return {
    name: found.name,
    arn: found.arn,
    keys: pulumi
      .all([found.name, found.hashKey, found.rangeKey, found.attributes])
      .apply(([name, hash, range, attrs]) => keyAttributes(name, hash, range, attrs ?? [], keyColumnTypes)),
    pointInTimeRecovery: found.pitr,
  };
}
