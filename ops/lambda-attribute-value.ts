/**
 * DynamoDB attribute values as Lambda hands them to a function: the SDK's
 * stream values with binary as base64 text. Pure; shared by the dead-letter
 * replay and the local stream poller so both send what Lambda would.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb-streams";

/** An attribute value in a Lambda event: binary as base64 text. */
export type LambdaAttributeValue =
  | { B: string }
  | { BS: string[] }
  | { M: Record<string, LambdaAttributeValue> }
  | { L: LambdaAttributeValue[] }
  | { S: string }
  | { N: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BOOL: boolean }
  | { NULL: boolean };

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function toLambdaAttributeValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  throw new Error(`unknown attribute value ${JSON.stringify(value)}`);
}

export function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttributeValue(value)]));
}
