/** AWS SDK clients pointed at the local emulator. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { S3Client } from "@aws-sdk/client-s3";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./moto";

export interface LocalClients {
  readonly endpoint: string;
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
}

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Clients of one account: the emulator's default one, or another through credentials from STS AssumeRole. */
export function localClients(endpoint: string, credentials: LocalCredentials = LOCAL_CREDENTIALS): LocalClients {
  const common = { endpoint, region: LOCAL_REGION, credentials, maxAttempts: 3 };
  return {
    endpoint,
    dynamodb: new DynamoDBClient(common),
    streams: new DynamoDBStreamsClient(common),
    firehose: new FirehoseClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

export function destroyClients(clients: LocalClients): void {
  clients.dynamodb.destroy();
  clients.streams.destroy();
  clients.firehose.destroy();
  clients.s3.destroy();
}
