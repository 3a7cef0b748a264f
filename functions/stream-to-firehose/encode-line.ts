import type { DeltaRecord } from "../shared/delta-record";

const NEWLINE = 0x0a;

/** One delta record as a newline-terminated UTF-8 JSON line: the exact bytes Firehose receives. */
export function encodeDeltaLine(delta: DeltaRecord): Buffer {
  // Written straight into one buffer: no second, newline-concatenated copy of the JSON text.
  const json = JSON.stringify(delta);
  const length = Buffer.byteLength(json, "utf8");
  const line = Buffer.allocUnsafe(length + 1);
  line.write(json, 0, "utf8");
  line[length] = NEWLINE;
  return line;
}
