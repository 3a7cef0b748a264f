/**
 * What a table in another account than the lake gets in its own account:
 * resource policies on its stream and table naming exactly the lake's roles,
 * and (export mode) the exporter role that only the lake's snapshot job role
 * may assume. Every child is created with the table account's provider, given
 * explicitly. The statements the two accounts' KMS keys need are outputs: the
 * keys are the owner's, and a key policy is replaced whole when set.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  exporterRolePolicy,
  exporterTrustPolicy,
  lakeKeyPolicyStatements,
  sourceKeyPolicyStatements,
  streamResourcePolicy,
  tableResourcePolicy,
  type ResourceStatement,
} from "./iam";
import { exportsPrefix } from "./layout";
import { NAME_RULES, resourceName } from "./resource-name";
import { checkCrossAccountKeys, type KeyManager } from "./source-account-checks";
import type { SourceTable } from "./source-table";

/**
 * The exporter role's name, fixed (not auto-named): the lake's snapshot role policy and bucket policy
 * name its ARN before it exists, and the table account's people can find it.
 */
export function exporterRoleName(lakeName: string, tableId: string): string {
  const clean = (p: string): string => p.replace(NAME_RULES.iamRole.invalid, "-");
  return resourceName([clean(lakeName), clean(tableId), "exporter"], NAME_RULES.iamRole.max);
}

export interface TableSourceAccessArgs {
  /** The table, resolved with the table account's provider. */
  readonly table: SourceTable;
  /** An aws.Provider for the table's account: every child is created with it. */
  readonly sourceProvider: aws.Provider;
  /** The capture function's role (lake account): read the stream. */
  readonly captureRoleArn: pulumi.Input<string>;
  /** Roles that scan the table (lake account): the reconcile job, and the snapshot job in "glue" mode. */
  readonly scanRoleArns: pulumi.Input<pulumi.Input<string>[]>;
  /** "export" mode: the snapshot job's role (lake account) and the exporter role's name (see exporterRoleName). */
  readonly exporter?: { readonly snapshotRoleArn: pulumi.Input<string>; readonly roleName: string };
  /** The lake bucket's name. */
  readonly bucket: pulumi.Input<string>;
  /** The lake bucket's KMS key, when it has one: the exporter encrypts with it. */
  readonly lakeKmsKeyArn?: pulumi.Input<string | undefined>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class TableSourceAccess extends pulumi.ComponentResource {
  public readonly streamPolicy: aws.dynamodb.ResourcePolicy;
  public readonly tablePolicy: aws.dynamodb.ResourcePolicy;
  public readonly exporterRole?: aws.iam.Role;
  /** ARN of the exporter role in the table's account ("export" mode). */
  public readonly exporterRoleArn?: pulumi.Output<string>;
  /** Statements to add to the table's customer managed key policy (empty when the table uses the AWS owned key). */
  public readonly tableKeyPolicyStatements: pulumi.Output<ResourceStatement[]>;
  /** Statements to add to the lake key's policy (empty without a lake key or an exporter). */
  public readonly lakeKeyPolicyStatements: pulumi.Output<ResourceStatement[]>;

  constructor(name: string, args: TableSourceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    // The args hold resources (the provider): not recorded as component inputs.
    super("dynamodb-lake:index:TableSourceAccess", name, {}, opts);
    const inTableAccount = { parent: this, provider: args.sourceProvider };
    const table = args.table;

    // The table's key, as its own account sees it; an AWS managed key stops the preview.
    const described = aws.dynamodb.getTableOutput({ name: table.tableName }, inTableAccount);
    const tableKeyArn = described.serverSideEncryption.apply((sse) => (sse.enabled && sse.kmsKeyArn ? sse.kmsKeyArn : undefined));
    const tableKeyManager = tableKeyArn.apply((key) =>
      key ? aws.kms.getKeyOutput({ keyId: key }, inTableAccount).keyManager.apply((m) => m as KeyManager) : pulumi.output(undefined),
    );
    const lakeKey = pulumi.output(args.lakeKmsKeyArn);
    const lakeKeyManager = lakeKey.apply((key) =>
      key && !key.includes(":alias/") ? aws.kms.getKeyOutput({ keyId: key }, { parent: this }).keyManager.apply((m) => m as KeyManager) : pulumi.output(undefined),
    );
    const checkedArn = pulumi.all([table.tableArn, tableKeyManager, lakeKey, lakeKeyManager]).apply(([tableArn, tkm, lk, lkm]) => {
      checkCrossAccountKeys({ tableArn, ...(tkm ? { tableKeyManager: tkm } : {}), ...(lk ? { lakeKeyArn: lk } : {}), ...(lkm ? { lakeKeyManager: lkm } : {}) });
      return tableArn;
    });

    this.streamPolicy = new aws.dynamodb.ResourcePolicy(
      `${name}-stream-policy`,
      {
        resourceArn: table.streamArn,
        policy: pulumi
          .all([checkedArn, table.streamArn, args.captureRoleArn])
          .apply(([, streamArn, capture]) => JSON.stringify(streamResourcePolicy({ streamArn, readerRoleArns: [capture] }))),
      },
      inTableAccount,
    );
    this.tablePolicy = new aws.dynamodb.ResourcePolicy(
      `${name}-table-policy`,
      {
        resourceArn: checkedArn,
        policy: pulumi.all([checkedArn, args.scanRoleArns]).apply(([tableArn, scanners]) => JSON.stringify(tableResourcePolicy({ table: tableArn, scanRoleArns: scanners }))),
      },
      inTableAccount,
    );

    const exporter = args.exporter;
    if (exporter) {
      const role = new aws.iam.Role(
        `${name}-exporter`,
        {
          name: exporter.roleName,
          description: pulumi.interpolate`dynamodb-lake: exports ${table.tableName} into the lake bucket; assumed only by the lake's snapshot job`,
          assumeRolePolicy: pulumi
            .all([pulumi.output(exporter.snapshotRoleArn), table.account])
            .apply(([snapshotRole, account]) => JSON.stringify(exporterTrustPolicy(snapshotRole, account))),
          tags: args.tags,
        },
        inTableAccount,
      );
      new aws.iam.RolePolicy(
        `${name}-exporter-policy`,
        {
          role: role.id,
          policy: pulumi
            .all([checkedArn, table.tableName, args.bucket, lakeKey])
            .apply(([tableArn, tableName, bucket, key]) =>
              JSON.stringify(exporterRolePolicy({ table: tableArn, lake: `s3://${bucket}/`, exportsPrefix: exportsPrefix(tableName), ...(key ? { kmsKeyArns: [key] } : {}) })),
            ),
        },
        inTableAccount,
      );
      this.exporterRole = role;
      this.exporterRoleArn = role.arn;
    }

    const readers = pulumi.all([pulumi.output(args.captureRoleArn), pulumi.output(args.scanRoleArns)]).apply(([c, s]) => [c, ...s]);
    this.tableKeyPolicyStatements = pulumi
      .all([checkedArn, tableKeyArn, readers])
      .apply(([tableArn, key, roles]) => (key ? sourceKeyPolicyStatements({ table: tableArn, readerRoleArns: roles }) : []));
    this.lakeKeyPolicyStatements = pulumi
      .all([lakeKey, this.exporterRoleArn ?? pulumi.output(undefined)])
      .apply(([key, role]) => (key && role ? lakeKeyPolicyStatements({ keyArn: key, exporterRoleArns: [role] }) : []));
    this.registerOutputs({
      exporterRoleArn: this.exporterRoleArn,
      tableKeyPolicyStatements: this.tableKeyPolicyStatements,
      lakeKeyPolicyStatements: this.lakeKeyPolicyStatements,
    });
  }
}
