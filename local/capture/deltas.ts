/**
 * Reads the delta log the way the lake's readers must: every object under
 * changes/<table>/ (any depth), gzip or plain, one JSON record per line, with
 * overflow pointers resolved from S3.
 */
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { DeltaRecord } from "../../functions/shared/delta-record";
import { changesPrefix } from "../../infra/layout";

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

export async function getObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

/** gzip by magic bytes, whatever the key says. */
export function maybeGunzip(body: Buffer): Buffer {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
}

export function parseDeltaLines(text: string, source: string): DeltaRecord[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as DeltaRecord;
      } catch (error) {
        throw new Error(`${source} line ${i + 1} is not JSON: ${(error as Error).message}`);
      }
    });
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

export interface DeltaObject {
  readonly key: string;
  readonly records: DeltaRecord[];
  /** Lines that pointed at an overflow object (resolved in `records`). */
  readonly overflowPointers: number;
}

/** Every delta object of a table, with overflow records replaced by the records they point at. */
export async function readDeltaObjects(s3: S3Client, bucket: string, table: string): Promise<DeltaObject[]> {
  const out: DeltaObject[] = [];
  for (const key of await listKeys(s3, bucket, changesPrefix(table))) {
    const records = parseDeltaLines(maybeGunzip(await getObject(s3, bucket, key)).toString("utf8"), key);
    const resolved: DeltaRecord[] = [];
    let overflowPointers = 0;
    for (const record of records) {
      if (record.overflow) {
        overflowPointers++;
        const { bucket: b, key: k } = parseS3Uri(record.overflow);
        resolved.push(JSON.parse(maybeGunzip(await getObject(s3, b, k)).toString("utf8")) as DeltaRecord);
      } else {
        resolved.push(record);
      }
    }
    out.push({ key, records: resolved, overflowPointers });
  }
  return out;
}
