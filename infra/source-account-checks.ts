/**
 * The pure checks of a table in another account than the lake: each throws
 * SourceAccountError naming the fix, so a wrong layout fails `pulumi preview`.
 * (A table without a stream fails in the resolver, source-table-checks.ts.)
 */

export class SourceAccountError extends Error {
  override readonly name = "SourceAccountError";
}

const PROVIDER_EXAMPLE = (account: string, region: string): string =>
  `new aws.Provider("table-account", { region: "${region}", assumeRoles: [{ roleArn: "arn:aws:iam::${account}:role/<a deploy role in ${account}>" }] })`;

export interface SourceAccountFacts {
  /** The table's ARN. */
  readonly tableArn: string;
  /** The lake's (the stack's default provider's) account and region. */
  readonly lakeAccount: string;
  readonly lakeRegion: string;
  /** The account the table's source provider deploys to; undefined without one. */
  readonly providerAccount?: string;
}

/**
 * Whether the table is in another account than the lake (true) or the same (false). Another account
 * needs a source provider for exactly that account; capture's event source mapping needs the stream
 * in the lake's region.
 */
export function checkSourceAccount(f: SourceAccountFacts): boolean {
  const [, , , region = "", account = ""] = f.tableArn.split(":");
  if (region !== f.lakeRegion) {
    throw new SourceAccountError(
      `table ${f.tableArn} is in ${region}, the lake in ${f.lakeRegion}: Lambda reads a stream only in its own region; deploy the lake to ${region}`,
    );
  }
  if (f.providerAccount === undefined) {
    if (account !== f.lakeAccount) {
      throw new SourceAccountError(
        `table ${f.tableArn} is in account ${account}, the lake in account ${f.lakeAccount}: give the table a sourceProvider for account ${account}, ` +
          `e.g. ${PROVIDER_EXAMPLE(account, region)} (stack config: sourceAccount: { roleArn: arn:aws:iam::${account}:role/…, region: ${region} })`,
      );
    }
    return false;
  }
  if (f.providerAccount !== account) {
    throw new SourceAccountError(
      `table ${f.tableArn} is in account ${account}, but its sourceProvider deploys to account ${f.providerAccount}: ` +
        `point the provider at account ${account} (its assumeRoles roleArn, or credentials, in ${account})`,
    );
  }
  if (account === f.lakeAccount) {
    throw new SourceAccountError(`table ${f.tableArn} is in the lake's own account ${account}: drop its sourceProvider (it is for a table in another account)`);
  }
  return true;
}

/** KMS's KeyManager of a key: "AWS" for an AWS managed key (aws/dynamodb, aws/s3), "CUSTOMER" otherwise. */
export type KeyManager = "AWS" | "CUSTOMER";

/**
 * An AWS managed key's policy cannot be changed, so no other account can be granted its use: a
 * cross-account table must not be encrypted with aws/dynamodb, nor the lake with aws/s3.
 */
export function checkCrossAccountKeys(f: { readonly tableArn: string; readonly tableKeyManager?: KeyManager; readonly lakeKeyArn?: string; readonly lakeKeyManager?: KeyManager }): void {
  const name = f.tableArn.split("/").pop() ?? f.tableArn;
  if (f.tableKeyManager === "AWS") {
    throw new SourceAccountError(
      `table ${f.tableArn} is encrypted with the AWS managed key aws/dynamodb, which cannot be shared with the lake's account: ` +
        `switch it to a customer managed key (aws dynamodb update-table --table-name ${name} --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<key ARN>) ` +
        `or to the AWS owned key (--sse-specification Enabled=false), then add the lake's statements to that key's policy`,
    );
  }
  if (f.lakeKeyManager === "AWS" || /:alias\/aws\//.test(f.lakeKeyArn ?? "")) {
    throw new SourceAccountError(
      `the lake's key ${f.lakeKeyArn ?? ""} is an AWS managed key, which the exporter role of table ${f.tableArn} (another account) cannot use: ` +
        `encrypt the lake with a customer managed key (kmsKeyArn) and add the exporter's statements to its key policy, or use SSE-S3 (no kmsKeyArn)`,
    );
  }
}
