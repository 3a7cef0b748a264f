/**
 * One lake's catalog side: the Glue database every table of the lake lives in,
 * and the Athena workgroup people query it through (results in the lake
 * bucket, encrypted, a per-query scan limit, settings enforced).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseInput } from "@aws-sdk/client-glue";
import { catalogName, LAKE_PREFIXES } from "./layout";

/** 10 GiB: the default bytes-scanned cutoff per query. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;
/** Athena's smallest allowed cutoff (10 MB). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

export interface LakeCatalogArgs {
  /** Name of the lake bucket; query results go to `s3://<bucket>/athena-results/`. */
  readonly bucket: pulumi.Input<string>;
  /** Glue database name. Default: the component name, lower-cased with other characters as `_`. */
  readonly databaseName?: pulumi.Input<string>;
  /** Athena workgroup name. Default: the component name. */
  readonly workgroupName?: pulumi.Input<string>;
  /** Largest number of bytes one query may scan before Athena cancels it. Default 10 GiB (10737418240); at least 10 MB. */
  readonly bytesScannedCutoffPerQuery?: pulumi.Input<number>;
  /** KMS key ARN for query results (SSE_KMS). Default: none, results use SSE_S3. */
  readonly resultsKmsKeyArn?: pulumi.Input<string>;
  /** Whether `pulumi destroy` may delete the workgroup while it still holds saved queries. Default true (results in S3 stay). */
  readonly forceDestroyWorkgroup?: pulumi.Input<boolean>;
  /** Tags for the database and the workgroup. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The Glue DatabaseInput of the lake's database (the component and the local lake create it). */
export function lakeDatabaseInput(name: string): DatabaseInput {
  return { Name: name, Description: "dynamodb-lake: current views (Iceberg), change logs and live views of DynamoDB tables" };
}

/** The cutoff must be a whole number of bytes Athena accepts; the message names the bound. */
export function checkBytesScannedCutoff(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < MIN_BYTES_SCANNED_CUTOFF) {
    throw new Error(`bytesScannedCutoffPerQuery must be a whole number of bytes of at least ${MIN_BYTES_SCANNED_CUTOFF} (10 MB); got ${bytes}`);
  }
  return bytes;
}

export class LakeCatalog extends pulumi.ComponentResource {
  public readonly database: aws.glue.CatalogDatabase;
  public readonly workgroup: aws.athena.Workgroup;
  public readonly databaseName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;
  /** `s3://<bucket>/athena-results/`. */
  public readonly resultsUri: pulumi.Output<string>;

  constructor(name: string, args: LakeCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamodb-lake:index:LakeCatalog", name, args, opts);

    const databaseInput = pulumi.output(args.databaseName ?? catalogName(name)).apply(lakeDatabaseInput);
    this.database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      {
        name: databaseInput.apply((input) => input.Name!),
        description: databaseInput.apply((input) => input.Description!),
        tags: args.tags,
      },
      { parent: this },
    );

    this.resultsUri = pulumi.interpolate`s3://${args.bucket}/${LAKE_PREFIXES.athenaResults}`;
    const encryption = pulumi
      .output(args.resultsKmsKeyArn)
      .apply((key) => (key ? { encryptionOption: "SSE_KMS", kmsKeyArn: key } : { encryptionOption: "SSE_S3" }));

    this.workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name: args.workgroupName ?? name,
        description: "dynamodb-lake queries",
        forceDestroy: args.forceDestroyWorkgroup ?? true,
        state: "ENABLED",
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: pulumi.output(args.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF).apply(checkBytesScannedCutoff),
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
          resultConfiguration: { outputLocation: this.resultsUri, encryptionConfiguration: encryption },
        },
        tags: args.tags,
      },
      { parent: this },
    );

    this.databaseName = this.database.name;
    this.workgroupName = this.workgroup.name;
    this.registerOutputs({ databaseName: this.databaseName, workgroupName: this.workgroupName, resultsUri: this.resultsUri });
  }
}
