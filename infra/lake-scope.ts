/** The partition, region and account the stack deploys into, for the policy generator's ARNs. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LakeScope {
  partition: string;
  region: string;
  account: string;
}

/** Invokes, so they resolve at preview; `opts` carries the parent (and its provider). */
export function lakeScope(opts: pulumi.InvokeOutputOptions): pulumi.Output<LakeScope> {
  const partition = aws.getPartitionOutput({}, opts).partition;
  const region = aws.getRegionOutput({}, opts).region;
  const account = aws.getCallerIdentityOutput({}, opts).accountId;
  return pulumi.all([partition, region, account]).apply(([p, r, a]) => ({ partition: p, region: r, account: a }));
}
