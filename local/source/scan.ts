/** A full, consistent scan of the source table (the reference a lake is compared with). */
import { ScanCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import type { LocalClients } from "../emulator/aws";

export async function scanTable(clients: LocalClients, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients.dynamodb.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
