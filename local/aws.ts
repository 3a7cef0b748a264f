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

export function localClients(endpoint: string): LocalClients {
  const common = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 };
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
