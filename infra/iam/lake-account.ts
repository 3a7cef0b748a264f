/**
 * The lake account's (B's) side of a table in another account: the lake
 * bucket's policy admits each table's exporter role to exactly that table's
 * exports prefix, and the lake key's policy lets the exporters encrypt
 * through S3. Pure.
 */
import { KMS_ENCRYPT_DECRYPT_ACTIONS, S3_EXPORT_ACL_ACTIONS, S3_EXPORT_WRITE_ACTIONS } from "./actions";
import { objectsArn, viaService } from "./arns";
import { parseBucketLocation, parseKeyPrefix, parseKmsKeyArn, parseRoleArn, requireSome, samePartition } from "./patterns";
import { PolicyInputError, type ResourceStatement } from "./policy";
import { denyInsecureTransportStatement } from "./resource-policies";
import { resourceStatement, stringCondition } from "./statements";
import { EXPORT_OWNERSHIP_CONDITION } from "./table-export";

export interface TableExporter {
  /** The exporter role in the table's account. */
  roleArn: string;
  /** exports/<table>/ of its table. */
  exportsPrefix: string;
}

/** Two statements per exporter: write its prefix, and hand the files to the bucket owner (no other ACL). */
export function exporterBucketStatements(lake: string, exporters: readonly TableExporter[]): ResourceStatement[] {
  const bucket = parseBucketLocation("lake", lake);
  const seen = new Set<string>();
  return exporters.flatMap((e, n) => {
    const role = parseRoleArn("exporter roleArn", e.roleArn);
    const prefix = parseKeyPrefix("exportsPrefix", e.exportsPrefix);
    samePartition("lake bucket and exporter role", [role.partition], bucket.partition);
    if (seen.has(prefix)) throw new PolicyInputError(`exportsPrefix ${JSON.stringify(prefix)}: two exporters share it; each table exports to its own exports/<table>/`);
    seen.add(prefix);
    const objects = [objectsArn(bucket, prefix)];
    return [
      resourceStatement(`TableExporterWrites${n + 1}`, [role.arn], S3_EXPORT_WRITE_ACTIONS, objects),
      resourceStatement(`TableExporterOwnership${n + 1}`, [role.arn], S3_EXPORT_ACL_ACTIONS, objects, EXPORT_OWNERSHIP_CONDITION),
    ];
  });
}

/** The lake bucket's whole policy: TLS only, plus each cross-account table's exporter. */
export function lakeBucketPolicy(bucketArn: string, exporters: readonly TableExporter[] = []): object {
  return { Version: "2012-10-17", Statement: [denyInsecureTransportStatement(bucketArn), ...exporterBucketStatements(bucketArn, exporters)] };
}

export interface LakeKeyPolicyInput {
  /** The lake bucket's customer-managed key (an AWS-managed aws/s3 key cannot be shared with another account). */
  keyArn: string;
  exporterRoleArns: string[];
}

/** Key-policy statements for the lake key in B: the exporters may encrypt (and complete multipart uploads) only through S3. */
export function lakeKeyPolicyStatements(i: LakeKeyPolicyInput): ResourceStatement[] {
  const key = parseKmsKeyArn(i.keyArn);
  const roles = requireSome("exporterRoleArns", i.exporterRoleArns, '["arn:aws:iam::123456789012:role/orders-exporter"]')
    .map((r) => parseRoleArn("exporterRoleArn", r));
  samePartition("lake key and exporter roles", roles.map((r) => r.partition), key.partition);
  const via = stringCondition("kms:ViaService", [viaService("s3", key.partition, key.region)]);
  return [resourceStatement("TableExportersEncrypt", roles.map((r) => r.arn), KMS_ENCRYPT_DECRYPT_ACTIONS, ["*"], via)];
}
