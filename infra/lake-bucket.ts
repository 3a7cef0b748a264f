import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lakeBucketPolicy, type TableExporter } from "./iam";
import { autoName, NAME_RULES } from "./resource-name";

export interface LakeBucketArgs {
  /**
   * The bucket's exact name. Default: a unique name generated from the component's name.
   */
  readonly bucketName?: pulumi.Input<string>;
  /**
   * KMS key ARN for default encryption (SSE-KMS with an S3 bucket key, which cuts KMS requests).
   * Default: none, objects are encrypted with SSE-S3 (AES256).
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * Days after which an incomplete multipart upload is aborted and its parts deleted.
   * Default: 1.
   */
  readonly abortIncompleteMultipartUploadDays?: pulumi.Input<number>;
  /**
   * Turn on object versioning. Default: false (the lake's files are written once; Iceberg keeps its own history).
   */
  readonly versioning?: pulumi.Input<boolean>;
  /**
   * With versioning on, days after which a noncurrent object version is deleted. Default: 30.
   */
  readonly noncurrentVersionExpirationDays?: pulumi.Input<number>;
  /**
   * Let `pulumi destroy` delete a bucket that still holds objects. Default: false.
   */
  readonly forceDestroy?: pulumi.Input<boolean>;
  /** Tags for the bucket. Default: none. */
  /** Exporter roles of tables in other accounts, each allowed to write its table's `exports/<table>/` (see iam.lakeBucketPolicy). Default: none. */
  readonly tableExporters?: pulumi.Input<TableExporter[]>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 1;
export const DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 30;

/**
 * The lake bucket, created with safe defaults: public access blocked, TLS required,
 * encrypted at rest, objects owned by the bucket owner (ACLs off), stale multipart uploads aborted.
 */
export class LakeBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  /** The key objects are encrypted with by default; undefined with SSE-S3. */
  public readonly kmsKeyArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: LakeBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("dynamodb-lake:index:LakeBucket", name, args, opts);
    const parent = { parent: this };

    const bucket = new aws.s3.Bucket(
      autoName(NAME_RULES.s3Bucket, name),
      { bucket: args.bucketName, forceDestroy: args.forceDestroy ?? false, tags: args.tags },
      parent,
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          pulumi.output(args.kmsKeyArn).apply((kmsKeyArn) =>
            kmsKeyArn
              ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }
              : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
          ),
        ],
      },
      parent,
    );
    const versioning = pulumi.output(args.versioning ?? false);
    const versioningConfig = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      // "Suspended", not "Disabled": Disabled fails once versioning was ever on, and Suspended on a new bucket acts as unversioned.
      { bucket: bucket.id, versioningConfiguration: { status: versioning.apply((on) => (on ? "Enabled" : "Suspended")) } },
      parent,
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: pulumi
          .all([
            args.abortIncompleteMultipartUploadDays ?? DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
            versioning,
            args.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
          ])
          .apply(([abortDays, versioned, noncurrentDays]) => {
            requirePositiveInteger("abortIncompleteMultipartUploadDays", abortDays);
            requirePositiveInteger("noncurrentVersionExpirationDays", noncurrentDays);
            const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
              {
                id: "abort-incomplete-multipart-uploads",
                status: "Enabled",
                filter: {},
                abortIncompleteMultipartUpload: { daysAfterInitiation: abortDays },
              },
            ];
            if (versioned) {
              rules.push({
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays },
              });
            }
            return rules;
          }),
      },
      parent,
    );
    // After the public access block: S3 rejects concurrent configuration changes on one bucket.
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify(pulumi.all([bucket.arn, args.tableExporters ?? []]).apply(([arn, exporters]) => lakeBucketPolicy(arn, exporters))),
      },
      { parent: this, dependsOn: [publicAccessBlock, ownership] },
    );

    // Users get the name only once the bucket is locked down, so nothing lands in it unencrypted or reachable without TLS.
    const lockedDown = pulumi.all([policy.id, encryption.id, versioningConfig.id, lifecycle.id]);
    this.bucketName = pulumi.all([bucket.bucket, lockedDown]).apply(([bucketName]) => bucketName);
    this.bucketArn = pulumi.all([bucket.arn, lockedDown]).apply(([bucketArn]) => bucketArn);
    this.kmsKeyArn = pulumi.output(args.kmsKeyArn);
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn });
  }
}

function requirePositiveInteger(arg: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`LakeBucket ${arg} must be a whole number of days ≥ 1, got ${value}`);
  }
}
