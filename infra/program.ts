/**
 * The stack program (Pulumi.yaml `main`): one lake per stack, its tables and bucket taken from
 * the stack's `dynamodb-lake:*` config (see Pulumi.dev.yaml). Bad config fails the preview
 * with a message naming the key and the fix.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DynamoDbLake } from "./dynamodb-lake";
import { CONFIG_NAMESPACE, readStackConfig, type ConfigKey } from "./stack-config";

const config = new pulumi.Config(CONFIG_NAMESPACE);
// Maps and lists arrive as JSON; ARNs as plain strings (getObject would try to parse them as JSON).
const STRING_KEYS: readonly ConfigKey[] = ["kmsKeyArn", "alarmTopicArn"];
// A table in another account gets a provider that assumes the configured role there (sourceAccount).
const args = readStackConfig(
  (key) => (STRING_KEYS.includes(key) ? config.get(key) : config.getObject<unknown>(key)),
  (tableId, account) =>
    new aws.Provider(`table-account-${tableId}`, {
      assumeRoles: [{ roleArn: account.roleArn, sessionName: `dynamodb-lake-${pulumi.getStack()}` }],
      region: (account.region ?? new pulumi.Config("aws").require("region")) as aws.Region,
    }),
);

// The stack name is part of the lake's name, so stacks sharing an account get their own database and workgroup.
const lake = new DynamoDbLake(`dynamodb-lake-${pulumi.getStack()}`, args);

export const bucketName = lake.bucketName;
export const databaseName = lake.databaseName;
export const workgroupName = lake.workgroupName;
export const athenaResultsUri = lake.athenaResultsUri;
/** Managed policy to attach to whoever queries the lake in Athena (read only). */
export const athenaReaderPolicyArn = lake.athenaReaderPolicyArn;
/** Per table id: source table, capture function, delivery stream, dead-letter queue, Glue jobs, catalog names. */
export const tables = lake.tables;
