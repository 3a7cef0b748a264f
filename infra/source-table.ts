/**
 * The one resolver of a source DynamoDB table: name, ARN, stream ARN, key
 * attributes, point-in-time recovery, region and account, read from a
 * same-program table resource or looked up by name or ARN (an invoke, so a bad
 * table fails `pulumi preview`). DynamoDbLake resolves each table once and hands
 * the result to every part; a part given a plain name, ARN or resource resolves
 * it itself. The checks are pure, in source-table-checks.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkTableAccount, checkTableRegion, checkTableStream, keyAttributes, parseTableIdentifier } from "./source-table-checks";
import type { KeyAttribute } from "./views/table-spec";

/**
 * The source table: its name or ARN (a plain string, or an output from another stack),
 * or an `aws.dynamodb.Table` declared in the same program.
 */
export type SourceTableInput = pulumi.Input<string> | aws.dynamodb.Table;

const RESOLVED: unique symbol = Symbol("dynamodb-lake source table");

/** What a source table resolves to. */
export interface SourceTable {
  readonly [RESOLVED]: true;
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;
  /** The table's region, from its ARN. */
  readonly region: pulumi.Output<string>;
  /** The table's account, from its ARN. */
  readonly account: pulumi.Output<string>;
  /** Whether point-in-time recovery is on (false when the table does not say). */
  readonly pointInTimeRecovery: pulumi.Output<boolean>;
  /** The stream capture reads; fails when the stream is off or lacks NEW_AND_OLD_IMAGES. */
  readonly streamArn: pulumi.Output<string>;
  /** Key attributes in key order, with their scalar types and the key column types asked for. */
  readonly keys: pulumi.Output<KeyAttribute[]>;
}

export interface SourceTableSettings {
  /** Athena type of number key columns, by key attribute (default `decimal(38,0)`), e.g. `{ sk: "string" }`. */
  readonly keyColumnTypes?: Readonly<Record<string, string>>;
}

export function isSourceTable(value: unknown): value is SourceTable {
  return typeof value === "object" && value !== null && (value as Partial<SourceTable>)[RESOLVED] === true;
}

/** What the resolver reads from a table resource or a lookup, before any check. */
interface TableFacts {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly hashKey: pulumi.Output<string>;
  readonly rangeKey: pulumi.Output<string | undefined>;
  readonly attributes: pulumi.Output<{ name: string; type: string }[] | undefined>;
  readonly pointInTimeRecovery: pulumi.Output<boolean>;
  readonly stream: pulumi.Output<{ enabled: boolean | undefined; viewType: string | undefined; arn: string }>;
  readonly declaredIn: "stack" | "account";
}

function declaredFacts(table: aws.dynamodb.Table): TableFacts {
  return {
    name: table.name,
    arn: table.arn,
    hashKey: table.hashKey,
    rangeKey: table.rangeKey,
    attributes: table.attributes,
    pointInTimeRecovery: table.pointInTimeRecovery.apply((p) => p?.enabled === true),
    stream: pulumi.all([table.streamEnabled, table.streamViewType, table.streamArn]).apply(([enabled, viewType, arn]) => ({ enabled, viewType, arn })),
    declaredIn: "stack",
  };
}

function lookedUpFacts(table: pulumi.Input<string>, opts: pulumi.InvokeOutputOptions): TableFacts {
  // The name or ARN is checked before the lookup, and the table found must be the one named:
  // every fact flows from this checked lookup, so one bad reference stops them all with one message.
  const found = pulumi.all([pulumi.output(table), aws.getRegionOutput({}, opts)]).apply(([value, region]) => {
    const id = parseTableIdentifier(value);
    checkTableRegion(id, region.region);
    return aws.dynamodb.getTableOutput({ name: id.name }, opts).apply((t) => {
      checkTableAccount(id, t.arn);
      return t;
    });
  });
  return {
    name: found.name,
    arn: found.arn,
    hashKey: found.hashKey,
    rangeKey: found.rangeKey.apply((r) => (r ? r : undefined)),
    attributes: found.attributes,
    pointInTimeRecovery: found.pointInTimeRecovery.apply((p) => p?.enabled === true),
    stream: found.apply((t) => ({ enabled: t.streamEnabled, viewType: t.streamViewType, arn: t.streamArn })),
    declaredIn: "account",
  };
}

/** `arn:<partition>:dynamodb:<region>:<account>:table/<name>` → region or account. */
const arnField = (arn: string, index: 3 | 4): string => arn.split(":")[index] ?? "";

/**
 * Resolves a source table. The stream and the keys are checked when first read: a check failing on an
 * output nobody reads would still fail the program, and a part that needs neither (a snapshot needs no
 * stream; capture needs no key definitions) must not fail on them.
 */
export function resolveSourceTable(table: SourceTableInput, opts: pulumi.InvokeOutputOptions, settings: SourceTableSettings = {}): SourceTable {
  const facts = aws.dynamodb.Table.isInstance(table) ? declaredFacts(table) : lookedUpFacts(table, opts);
  let streamArn: pulumi.Output<string> | undefined;
  let keys: pulumi.Output<KeyAttribute[]> | undefined;
  return {
    [RESOLVED]: true,
    tableName: facts.name,
    tableArn: facts.arn,
    region: facts.arn.apply((arn) => arnField(arn, 3)),
    account: facts.arn.apply((arn) => arnField(arn, 4)),
    pointInTimeRecovery: facts.pointInTimeRecovery,
    get streamArn() {
      streamArn ??= pulumi.all([facts.name, facts.stream]).apply(([tableName, s]) => {
        checkTableStream({ tableName, streamEnabled: s.enabled, streamViewType: s.viewType, declaredIn: facts.declaredIn });
        return s.arn;
      });
      return streamArn;
    },
    get keys() {
      keys ??= pulumi
        .all([facts.name, facts.hashKey, facts.rangeKey, facts.attributes])
        .apply(([name, hash, range, attrs]) => keyAttributes(name, hash, range, attrs ?? [], settings.keyColumnTypes));
      return keys;
    },
  };
}

/** A part's table: resolved already (by DynamoDbLake), or resolved here. */
export function sourceTableOf(table: SourceTableInput | SourceTable, opts: pulumi.InvokeOutputOptions, settings: SourceTableSettings = {}): SourceTable {
  if (!isSourceTable(table)) return resolveSourceTable(table, opts, settings);
  if (settings.keyColumnTypes !== undefined) {
    throw new Error("keyColumnTypes applies where the table is resolved: pass it to resolveSourceTable, not with a resolved table");
  }
  return table;
}
