/**
 * The documents the table's own account (A) gets when the lake lives in
 * another account (B): resource policies on the stream and the table naming
 * the exact lake roles, the exporter role that starts exports of exactly this
 * table into exactly its prefix of the lake bucket, and the statements A's
 * table key policy needs. Pure.
 *
 * Why an exporter role: ExportTableToPointInTime, DescribeExport and
 * ListExports cannot be called across accounts, so a principal of A starts
 * the export, with S3BucketOwner naming B.
 */
import { DYNAMODB_SCAN_ACTIONS, DYNAMODB_STREAM_READ_ACTIONS, KMS_DECRYPT_ACTIONS, KMS_ENCRYPT_DECRYPT_ACTIONS, STS_ASSUME_ROLE_ACTIONS } from "./actions";
import { tableArn, viaService } from "./arns";
import {
  parseBucketLocation,
  parseExactTableArn,
  parseKeyPrefix,
  parseKmsKeyArn,
  parseRoleArn,
  parseStreamArn,
  requireSome,
  samePartition,
  type RoleArn,
  type TableArnPattern,
} from "./patterns";
import {
  PolicyInputError,
  policyDocument,
  resourcePolicyDocument,
  type PolicyDocument,
  type ResourcePolicyDocument,
  type ResourceStatement,
} from "./policy";
import { kmsStatement, resourceStatement, stringCondition } from "./statements";
import { tableExportStatements } from "./table-export";

const ROLE_EXAMPLE = "arn:aws:iam::210987654321:role/orders-capture";

/** Lake roles must live in another account than the resource: same-account access needs no resource policy. */
function lakeRoles(what: string, arns: readonly string[], resourceAccount: string, partition: string): RoleArn[] {
  const roles = requireSome(what, arns, `["${ROLE_EXAMPLE}"]`).map((r) => parseRoleArn(what, r));
  samePartition(what, roles.map((r) => r.partition), partition);
  const local = roles.find((r) => r.account === resourceAccount);
  if (local) {
    throw new PolicyInputError(`${what} ${JSON.stringify(local.arn)}: it is in the table's own account ${resourceAccount}; resource policies here are for the lake account's roles`);
  }
  return roles;
}

export interface StreamResourcePolicyInput {
  /** The exact stream ARN (the table's stream_arn). */
  streamArn: string;
  /** The lake's capture function role(s), in the lake account. */
  readerRoleArns: string[];
}

/** Lets exactly the capture role read exactly this stream: what a cross-account event source mapping polls with. */
export function streamResourcePolicy(i: StreamResourcePolicyInput): ResourcePolicyDocument {
  const stream = parseStreamArn(i.streamArn);
  const readers = lakeRoles("readerRoleArns", i.readerRoleArns, stream.table.account, stream.table.partition);
  return resourcePolicyDocument([
    resourceStatement("LakeCaptureReadsStream", readers.map((r) => r.arn), DYNAMODB_STREAM_READ_ACTIONS, [stream.arn]),
  ]);
}

export interface TableResourcePolicyInput {
  /** The exact table ARN. */
  table: string;
  /** Roles that scan the table: the snapshot job in glue (scan) mode and the reconcile job. */
  scanRoleArns: string[];
}

/** Lets exactly the lake's scanning jobs describe and scan exactly this table (Glue's DynamoDB connector). */
export function tableResourcePolicy(i: TableResourcePolicyInput): ResourcePolicyDocument {
  const table = parseExactTableArn(i.table);
  const scanners = lakeRoles("scanRoleArns", i.scanRoleArns, table.account, table.partition);
  return resourcePolicyDocument([resourceStatement("LakeJobsScanTable", scanners.map((r) => r.arn), DYNAMODB_SCAN_ACTIONS, [tableArn(table)])]);
}

export interface ExporterRolePolicyInput {
  /** The exact table ARN (in the exporter's account). */
  table: string;
  /** The lake bucket, s3://bucket/ (in the lake account). */
  lake: string;
  /** exports/<table>/: the only prefix the exporter writes. */
  exportsPrefix: string;
  /** The lake bucket's customer-managed key(s), when the bucket encrypts with SSE-KMS. */
  kmsKeyArns?: string[];
}

/** The exporter role's own policy: export exactly this table, watch its exports, write exactly its prefix. */
export function exporterRolePolicy(i: ExporterRolePolicyInput): PolicyDocument {
  const table = parseExactTableArn(i.table);
  const lake = parseBucketLocation("lake", i.lake, table.partition);
  const prefix = parseKeyPrefix("exportsPrefix", i.exportsPrefix);
  const keys = (i.kmsKeyArns ?? []).map(parseKmsKeyArn);
  samePartition("exporter role ARNs", keys.map((k) => k.partition), table.partition);
  const statements = tableExportStatements([table], lake, [prefix]);
  // Export files are written in parts: S3 needs GenerateDataKey to write and Decrypt to complete a multipart upload.
  if (keys.length > 0) statements.push(kmsStatement("UseLakeKeys", KMS_ENCRYPT_DECRYPT_ACTIONS, keys, ["s3"]));
  return policyDocument(statements);
}

/** Trust policy of a role in the table's account that only the lake's snapshot job role may assume. */
export interface ExporterTrustPolicy {
  Version: "2012-10-17";
  Statement: {
    Sid: string;
    Effect: "Allow";
    Principal: { AWS: string };
    Action: string[];
    Condition: { ArnEquals: { "aws:PrincipalArn": string } };
  }[];
}

/**
 * Only the snapshot job role may assume the exporter role. The condition ties
 * the grant to the role's ARN as well: IAM resolves a role Principal to the
 * role's unique id, and the condition keeps a deleted and recreated role (or
 * any other principal the Principal might one day widen to) out.
 */
export function exporterTrustPolicy(snapshotJobRoleArn: string, tableAccount: string): ExporterTrustPolicy {
  const role = parseRoleArn("snapshotJobRoleArn", snapshotJobRoleArn);
  if (role.account === tableAccount) {
    throw new PolicyInputError(`snapshotJobRoleArn ${JSON.stringify(snapshotJobRoleArn)}: it is in the table's own account ${tableAccount}; the exporter role is only for a lake in another account`);
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LakeSnapshotJobAssumes",
        Effect: "Allow",
        Principal: { AWS: role.arn },
        Action: [...STS_ASSUME_ROLE_ACTIONS],
        Condition: { ArnEquals: { "aws:PrincipalArn": role.arn } },
      },
    ],
  };
}

export interface SourceKeyPolicyInput {
  /** The table (its region is where DynamoDB calls the key). */
  table: string;
  /** Lake roles that read the table or its stream: capture, scan-mode snapshot, reconcile. */
  readerRoleArns: string[];
}

/**
 * Statements to add to the key policy of the table's customer-managed key in
 * A: the lake's readers may decrypt, only through DynamoDB in the table's
 * region. In a key policy Resource "*" means this key.
 */
export function sourceKeyPolicyStatements(i: SourceKeyPolicyInput): ResourceStatement[] {
  const table: TableArnPattern = parseExactTableArn(i.table);
  const readers = lakeRoles("readerRoleArns", i.readerRoleArns, table.account, table.partition);
  const via = stringCondition("kms:ViaService", [viaService("dynamodb", table.partition, table.region)]);
  return [resourceStatement("LakeReadersDecryptTable", readers.map((r) => r.arn), KMS_DECRYPT_ACTIONS, ["*"], via)];
}
