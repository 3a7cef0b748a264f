/**
 * Two accounts on the emulator: the table's own account and the lake's (the
 * emulator's default account, where the Glue jobs and capture's Firehose and
 * S3 calls run). moto keeps accounts apart by credentials and hands out the
 * table account's through STS AssumeRole.
 *
 * moto does not evaluate resource policies: the lake account cannot reach the
 * table account's stream or table through them, as it does on AWS. So capture
 * here reads the stream with the table account's credentials; the generated
 * policies are still attached where moto stores them, and the policy engine
 * (test/iam/cross-account-simulate.test.ts) is what proves they admit exactly
 * the lake's roles. The export is the real cross-account path: the exporter
 * role of the table account, assumed by the lake's snapshot job role, exports
 * with S3BucketOwner naming the lake account into the lake's bucket.
 */
import { PutResourcePolicyCommand } from "@aws-sdk/client-dynamodb";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { exporterBucketStatements, exporterRolePolicy, exporterTrustPolicy, tableResourcePolicy } from "../../infra/iam";
import { exportsPrefix } from "../../infra/layout";
import { destroyClients, localClients, type LocalClients, type LocalCredentials } from "./aws";
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from "./moto";
import { createSampleTable, type SampleTable } from "../source/sample-table";

/** The table's own account; the lake is LOCAL_ACCOUNT. */
export const TABLE_ACCOUNT = "111111111111";

export const roleArn = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`;

/** The lake's and the table account's roles of one table, named as the stack names them. */
export interface CrossAccountRoles {
  readonly capture: string;
  readonly snapshot: string;
  readonly reconcile: string;
  readonly exporter: string;
}

export function crossAccountRoles(tableName: string): CrossAccountRoles {
  return {
    capture: roleArn(LOCAL_ACCOUNT, `${tableName}-capture`),
    snapshot: roleArn(LOCAL_ACCOUNT, `${tableName}-load-snapshot`),
    reconcile: roleArn(LOCAL_ACCOUNT, `${tableName}-reconcile`),
    exporter: roleArn(TABLE_ACCOUNT, `${tableName}-exporter`),
  };
}

export async function assumeRole(endpoint: string, role: string, session: string, from: LocalCredentials = LOCAL_CREDENTIALS): Promise<LocalCredentials> {
  const sts = new STSClient({ endpoint, region: LOCAL_REGION, credentials: from, maxAttempts: 3 });
  try {
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: session }))).Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`AssumeRole ${role} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

export interface TwoAccounts {
  /** The lake account's clients (the emulator's default credentials). */
  readonly lake: LocalClients;
  /** The table account's owner: creates the table and writes to it. */
  readonly tableOwner: LocalClients;
  /** The exporter role of the table account, reached as on AWS: the lake's snapshot job role assumes it. */
  readonly exporter: LocalClients;
  /** What capture runs with: the lake's Firehose and S3, the table account's table and stream (see the module comment). */
  readonly pipeline: LocalClients;
  readonly roles: CrossAccountRoles;
  stop(): void;
}

/** Every export by these clients names the lake account as the bucket owner, as the exporter's exports must. */
function exportingTo(clients: LocalClients, bucketOwner: string): LocalClients {
  clients.dynamodb.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === "ExportTableToPointInTimeCommand") Object.assign(args.input, { S3BucketOwner: bucketOwner });
      return next(args);
    },
    { step: "initialize", name: "exportToLakeAccount" },
  );
  return clients;
}

export async function twoAccounts(lake: LocalClients, tableName: string): Promise<TwoAccounts> {
  const roles = crossAccountRoles(tableName);
  const endpoint = lake.endpoint;
  const tableOwner = localClients(endpoint, await assumeRole(endpoint, roleArn(TABLE_ACCOUNT, "table-owner"), "table-owner"));
  const snapshotJob = await assumeRole(endpoint, roles.snapshot, "load-snapshot");
  const exporter = exportingTo(localClients(endpoint, await assumeRole(endpoint, roles.exporter, "export", snapshotJob)), LOCAL_ACCOUNT);
  return {
    lake,
    tableOwner,
    exporter,
    pipeline: { ...lake, dynamodb: tableOwner.dynamodb, streams: tableOwner.streams },
    roles,
    stop: () => {
      destroyClients(tableOwner);
      destroyClients(exporter);
    },
  };
}

/** The generated documents of the table: what each account gets (see infra/iam/source-account.ts, lake-account.ts). */
export function crossAccountDocuments(table: SampleTable, roles: CrossAccountRoles) {
  const prefix = exportsPrefix(table.tableName);
  return {
    table: tableResourcePolicy({ table: table.tableArn, scanRoleArns: [roles.snapshot, roles.reconcile] }),
    exporterTrust: exporterTrustPolicy(roles.snapshot, TABLE_ACCOUNT),
    exporter: exporterRolePolicy({ table: table.tableArn, lake: `s3://${table.bucket}/`, exportsPrefix: prefix }),
    // The deployed bucket policy is lakeBucketPolicy: these grants plus a Deny of every request without TLS, which
    // moto evaluates, and the emulator speaks plain HTTP; so locally the bucket gets the exporter's grants alone.
    bucketGrants: { Version: "2012-10-17", Statement: exporterBucketStatements(`s3://${table.bucket}/`, [{ roleArn: roles.exporter, exportsPrefix: prefix }]) },
  };
}

/**
 * The sample table in the table account; its lake bucket and Firehose stream in the lake account, with
 * the table's resource policy and the exporter's bucket grants attached (moto stores both; the stream's
 * policy it cannot: its PutResourcePolicy takes a stream ARN for a table name).
 */
export async function createCrossAccountTable(accounts: TwoAccounts, tableName: string, bucket: string): Promise<SampleTable> {
  const table = await createSampleTable(accounts.pipeline, tableName, bucket);
  const docs = crossAccountDocuments(table, accounts.roles);
  await accounts.tableOwner.dynamodb.send(new PutResourcePolicyCommand({ ResourceArn: table.tableArn, Policy: JSON.stringify(docs.table) }));
  await accounts.lake.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(docs.bucketGrants) }));
  return table;
}
