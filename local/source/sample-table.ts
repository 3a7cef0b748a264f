/**
 * The sample source: a table (pk S + sk N) with a NEW_AND_OLD_IMAGES stream,
 * PITR and TTL, the lake bucket, and the Firehose stream that lands deltas
 * under changes/<table>/.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateDeliveryStreamCommand } from "@aws-sdk/client-firehose";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { firehoseChangesPrefix, firehoseErrorPrefix } from "../../infra/layout";
import type { KeyAttribute } from "../../infra/views/table-spec";
import type { LocalClients } from "../emulator/aws";
import { LOCAL_ACCOUNT } from "../emulator/moto";

export const TTL_ATTRIBUTE = "expires_at";
/** The sample table's key, as the lake's table spec describes it (partition key, sort key). */
export const SAMPLE_KEYS: readonly KeyAttribute[] = [
  { name: "pk", type: "S" },
  { name: "sk", type: "N" },
];

export interface SampleTable {
  readonly tableName: string;
  readonly tableArn: string;
  readonly streamArn: string;
  readonly bucket: string;
  readonly deliveryStreamName: string;
}

export async function createSampleTable(clients: LocalClients, tableName: string, bucket: string): Promise<SampleTable> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const created = await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: SAMPLE_KEYS.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
      KeySchema: SAMPLE_KEYS.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? "HASH" : "RANGE" })),
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    }),
  );
  await clients.dynamodb.send(
    new UpdateContinuousBackupsCommand({
      TableName: tableName,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  await clients.dynamodb.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE } }),
  );
  const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  const tableArn = created.TableDescription?.TableArn;
  if (!streamArn || !tableArn) throw new Error(`table ${tableName} was created without a stream`);
  const deliveryStreamName = `${tableName}-changes`;
  // The component's prefixes; local/emulator/moto_server.py expands their !{…} expressions as Firehose does.
  await clients.firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: deliveryStreamName,
      DeliveryStreamType: "DirectPut",
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${bucket}`,
        RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/firehose-delivery`,
        Prefix: firehoseChangesPrefix(tableName),
        ErrorOutputPrefix: firehoseErrorPrefix(tableName),
        BufferingHints: { IntervalInSeconds: 0, SizeInMBs: 1 },
      },
    }),
  );
  return { tableName, tableArn, streamArn, bucket, deliveryStreamName };
}
