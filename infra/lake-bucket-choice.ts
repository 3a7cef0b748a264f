import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LakeBucket, type LakeBucketArgs } from "./lake-bucket";
import { BUCKET_NAME_RULE, isBucketName } from "../functions/shared/bucket-name";

/**
 * Where the lake lives, said explicitly: a bucket you already have, or a new one created
 * with safe defaults. Exactly one of the two.
 */
export type LakeBucketChoice =
  | {
      /** Name of an existing bucket (no `s3://`). Its settings are left as they are. */
      readonly existingBucketName: pulumi.Input<string>;
      readonly create?: undefined;
    }
  | {
      /** Create the bucket with these settings (`{}` for all defaults). */
      readonly create: LakeBucketArgs;
      readonly existingBucketName?: undefined;
    };

export type LakeBucketPlan =
  | { readonly kind: "existing"; readonly bucketName: pulumi.Input<string> }
  | { readonly kind: "create"; readonly args: LakeBucketArgs };

export class BucketChoiceError extends Error {
  override readonly name = "BucketChoiceError";
}

const BOTH = "pass either existingBucketName (a bucket you already have) or create (a new bucket with safe defaults), not both";
const NEITHER = "pass existingBucketName (a bucket you already have) or create (a new bucket with safe defaults; create: {} takes every default)";

/** Checks the choice (it may come from untyped stack config). Pure; `where` prefixes the message. */
export function planLakeBucket(choice: unknown, where = "bucket"): LakeBucketPlan {
  if (choice === undefined || choice === null || typeof choice !== "object" || Array.isArray(choice)) {
    throw new BucketChoiceError(`${where}: ${NEITHER}`);
  }
  const { existingBucketName, create } = choice as { existingBucketName?: unknown; create?: unknown };
  const hasExisting = existingBucketName !== undefined && existingBucketName !== null;
  const hasCreate = create !== undefined && create !== null;
  if (hasExisting && hasCreate) throw new BucketChoiceError(`${where}: ${BOTH}`);
  if (hasExisting) {
    if (typeof existingBucketName === "string") checkBucketName(existingBucketName, `${where}.existingBucketName`);
    return { kind: "existing", bucketName: existingBucketName as pulumi.Input<string> };
  }
  if (hasCreate) {
    if (typeof create !== "object" || Array.isArray(create)) {
      throw new BucketChoiceError(`${where}.create must be an object of bucket settings (create: {} takes every default)`);
    }
    const bucketName = (create as { bucketName?: unknown }).bucketName;
    if (typeof bucketName === "string") checkBucketName(bucketName, `${where}.create.bucketName`);
    return { kind: "create", args: create };
  }
  throw new BucketChoiceError(`${where}: ${NEITHER}`);
}

/** Pure; throws BucketChoiceError naming what is wrong. */
export function checkBucketName(name: string, where: string): void {
  if (name.startsWith("s3://")) {
    throw new BucketChoiceError(`${where}: give the bucket name without s3:// (${JSON.stringify(name.slice(5).replace(/\/.*$/, ""))})`);
  }
  if (!isBucketName(name)) {
    throw new BucketChoiceError(`${where}: ${JSON.stringify(name)} is not a valid S3 bucket name (${BUCKET_NAME_RULE})`);
  }
}

/** The lake bucket as the other components use it. A LakeBucket satisfies it. */
export interface LakeBucketRef {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** The bucket's default encryption key, when it uses SSE-KMS. */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
}

/**
 * Creates the bucket or looks the existing one up (an invoke, so a missing bucket fails at preview).
 * `kmsKeyArn` is the key the objects are encrypted with, when there is one. `tags` apply to a
 * created bucket that has none of its own.
 */
export function provideLakeBucket(
  name: string,
  choice: LakeBucketChoice,
  parent: pulumi.Resource,
  tags?: LakeBucketArgs["tags"],
): Omit<LakeBucketRef, "kmsKeyArn"> & { readonly created?: LakeBucket; readonly kmsKeyArn?: pulumi.Input<string> } {
  const plan = planLakeBucket(choice);
  if (plan.kind === "create") {
    const args = plan.args.tags === undefined && tags !== undefined ? { ...plan.args, tags } : plan.args;
    const created = new LakeBucket(name, args, { parent });
    return { bucketName: created.bucketName, bucketArn: created.bucketArn, created, kmsKeyArn: plan.args.kmsKeyArn };
  }
  const existing = aws.s3.getBucketOutput({ bucket: plan.bucketName }, { parent });
  return { bucketName: existing.bucket, bucketArn: existing.arn };
}
