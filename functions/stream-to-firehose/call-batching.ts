import type { FirehoseLimits } from "./limits";

/**
 * The longest run of `queue` from `start` that fits one PutRecordBatch call. Taking a
 * prefix keeps sends in stream order, so when time runs out the delivered
 * records are the earliest ones and the reported failure is as late as possible.
 * Every entry must already be within the per-record limit, so at least one fits.
 */
export function takeCallPrefix<T extends { readonly data: Uint8Array }>(queue: readonly T[], limits: FirehoseLimits, start = 0): T[] {
  const call: T[] = [];
  let bytes = 0;
  for (let i = start; i < queue.length; i++) {
    const entry = queue[i] as T;
    const size = entry.data.byteLength;
    if (size > limits.maxBytesPerRecord) {
      throw new Error(`entry of ${size} bytes is over the ${limits.maxBytesPerRecord}-byte record limit: it must go through overflow`);
    }
    if (call.length === limits.maxRecordsPerCall || bytes + size > limits.maxBytesPerCall) break;
    call.push(entry);
    bytes += size;
  }
  return call;
}

/** Splits entries into consecutive calls (what a run with no failures sends). */
export function planCalls<T extends { readonly data: Uint8Array }>(entries: readonly T[], limits: FirehoseLimits): T[][] {
  const calls: T[][] = [];
  for (let start = 0; start < entries.length; ) {
    const call = takeCallPrefix(entries, limits, start);
    calls.push(call);
    start += call.length;
  }
  return calls;
}
