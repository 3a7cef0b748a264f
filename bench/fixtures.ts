/**
 * Benchmark input: a Lambda batch of stream records whose items are ~1 KB of
 * DynamoDB JSON with every type, including numbers no double can hold.
 * Deterministic, so every run measures the same bytes.
 */
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

type Image = Record<string, AttributeValue>;

const STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-21T10:00:00.000";
const T0 = 1_795_255_200;

function digits(seed: number, count: number): string {
  let out = "";
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out += String((x >>> 16) % 10);
  }
  return out;
}

/** A 38-significant-digit decimal with no leading or trailing zero, e.g. 1234567890.1234567890123456789012345671. */
function exactDecimal(seed: number): string {
  const d = digits(seed, 38);
  return `${d.slice(0, 10).replace(/^0/, "1")}.${d.slice(10, 37)}${"123456789"[seed % 9]}`;
}

function item(i: number, version: number): Image {
  const id = `order#${String(i).padStart(6, "0")}`;
  return {
    pk: { S: id },
    sk: { N: `${1 + (i % 9)}${digits(i + 7, 37)}` },
    price: { N: exactDecimal(i * 31 + version) },
    qty: { N: String(1 + ((i * 7 + version) % 50)) },
    customer: { S: `customer-${digits(i, 8)} Zoë Müller-Łukasiewicz` },
    status: { S: version % 2 === 0 ? "PLACED" : "SHIPPED" },
    note: { S: "" },
    tags: { SS: ["priority", `region-${i % 5}`, `batch-${version}`] },
    scores: { NS: [String(i % 97), exactDecimal(i + 3), `-${digits(i + 5, 3).replace(/^0+/, "") || "1"}.5`] },
    thumbnail: { B: Buffer.from(digits(i + 11, 48)).toString("base64") },
    gift: { BOOL: i % 3 === 0 },
    coupon: { NULL: true },
    address: {
      M: {
        street: { S: `${i % 400} Long Street` },
        city: { S: "Kraków" },
        zip: { S: digits(i + 13, 5) },
        geo: { M: { lat: { N: `50.0${digits(i + 17, 12)}1` }, lon: { N: `19.9${digits(i + 19, 12)}1` } } },
      },
    },
    history: {
      L: Array.from({ length: 4 }, (_, h) => ({
        M: { at: { N: String(T0 - h * 60) }, state: { S: ["NEW", "PAID", "PACKED", "SENT"][h] ?? "" }, by: { S: `user-${h}` } },
      })),
    },
    description: { S: `Item ${id}: ${"lorem ipsum dolor sit amet ".repeat(2)}` },
  };
}

/** 40% INSERT, 50% MODIFY (two images), 10% REMOVE, with increasing 21-digit sequence numbers. */
export function benchRecords(count: number): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 10;
    const op = kind < 4 ? "INSERT" : kind < 9 ? "MODIFY" : "REMOVE";
    const newer = item(i, 2);
    const older = item(i, 1);
    const seq = (100_000_000_000_000_000_000n + BigInt(i)).toString();
    return {
      eventID: `e${seq}`,
      eventName: op,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: T0 + Math.floor(i / 100),
        Keys: { pk: newer.pk as AttributeValue, sk: newer.sk as AttributeValue },
        ...(op === "REMOVE" ? {} : { NewImage: newer }),
        ...(op === "INSERT" ? {} : { OldImage: older }),
        SequenceNumber: seq,
        SizeBytes: 1_000,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    };
  });
}

/** Bytes of DynamoDB JSON per item image, to check the fixture is the size it claims. */
export function averageImageBytes(records: readonly DynamoDBRecord[]): number {
  const images = records.flatMap((r) => [r.dynamodb?.NewImage, r.dynamodb?.OldImage]).filter((img) => img !== undefined);
  return images.reduce((sum, img) => sum + Buffer.byteLength(JSON.stringify(img)), 0) / images.length;
}
