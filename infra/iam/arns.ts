/**
 * ARN builders: the one place that knows each service's ARN layout. Every ARN
 * carries the partition, region and account it was built from.
 */
import type { S3Location, Scope, TableArnPattern } from "./patterns";

export const tableArn = (t: TableArnPattern): string => `arn:${t.partition}:dynamodb:${t.region}:${t.account}:table/${t.table}`;
/** Every stream of the table: the stream label changes whenever the stream is re-enabled. */
export const tableStreamsArn = (t: TableArnPattern): string => `${tableArn(t)}/stream/*`;
export const tableExportsArn = (t: TableArnPattern): string => `${tableArn(t)}/export/*`;

export const bucketArn = (s3: S3Location): string => `arn:${s3.partition}:s3:::${s3.bucket}`;
/** Objects under a key prefix of the bucket ("" = every object). */
export const objectsArn = (s3: S3Location, prefix: string): string => `${bucketArn(s3)}/${prefix}*`;

export const logGroupArn = (scope: Scope, name: string): string =>
  `arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:${name}`;
export const logStreamsArn = (groupArn: string): string => `${groupArn}:log-stream:*`;

export const glueCatalogArn = (scope: Scope): string => `arn:${scope.partition}:glue:${scope.region}:${scope.account}:catalog`;
export const glueDatabaseArn = (scope: Scope, database: string): string =>
  `arn:${scope.partition}:glue:${scope.region}:${scope.account}:database/${database}`;
export const glueTableArn = (scope: Scope, database: string, table: string): string =>
  `arn:${scope.partition}:glue:${scope.region}:${scope.account}:table/${database}/${table}`;
export const glueJobArn = (scope: Scope, job: string): string => `arn:${scope.partition}:glue:${scope.region}:${scope.account}:job/${job}`;

export const athenaWorkgroupArn = (scope: Scope, workgroup: string): string =>
  `arn:${scope.partition}:athena:${scope.region}:${scope.account}:workgroup/${workgroup}`;

/** DNS suffix of service endpoints, as kms:ViaService spells them. */
const ENDPOINT_SUFFIX: Record<string, string> = {
  aws: "amazonaws.com",
  "aws-us-gov": "amazonaws.com",
  "aws-cn": "amazonaws.com.cn",
  "aws-iso": "c2s.ic.gov",
  "aws-iso-b": "sc2s.sgov.gov",
  "aws-iso-e": "cloud.adc-e.uk",
  "aws-iso-f": "csp.hci.ic.gov",
  "aws-eusc": "amazonaws.eu",
};

/** The kms:ViaService value of `service` (e.g. "s3") in a region of a partition. */
export function viaService(service: string, partition: string, region: string): string {
  const suffix = ENDPOINT_SUFFIX[partition];
  if (suffix === undefined) throw new Error(`no endpoint suffix known for partition ${partition}`);
  return `${service}.${region}.${suffix}`;
}
