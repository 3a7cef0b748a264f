/**
 * Faults in the function itself: a crash part-way through a batch (what was
 * delivered before the crash is delivered again on the retry), and duplicate
 * invocations of a batch that already succeeded (Lambda's at-least-once).
 */
import type { DynamoDBStreamEvent } from "aws-lambda";
import type { StreamHandler } from "../capture/poller";

/** Decides, for the n-th invocation (0-based) of `records` records, whether and where it crashes. */
export type CrashPlan = (invocation: number, records: number) => number | undefined;

export class FunctionCrashed extends Error {
  override readonly name = "Runtime.ExitError";
}

/** Runs the handler on the records before the crash point, then dies as a crashed runtime would. */
export function crashingMidBatch(handler: StreamHandler, plan: CrashPlan, stats: { crashes: number }): StreamHandler {
  let invocation = 0;
  return async (event, context) => {
    const crashAt = plan(invocation++, event.Records.length);
    if (crashAt === undefined) return handler(event, context);
    const delivered: DynamoDBStreamEvent = { Records: event.Records.slice(0, crashAt) };
    if (delivered.Records.length > 0) await handler(delivered, context);
    stats.crashes++;
    throw new FunctionCrashed(`runtime exited after delivering ${crashAt} of ${event.Records.length} records`);
  };
}

/** Invokes the handler a second time with the same batch when the plan says so. */
export function duplicatingBatches(handler: StreamHandler, duplicate: (invocation: number) => boolean, stats: { duplicated: number }): StreamHandler {
  let invocation = 0;
  return async (event, context) => {
    const again = duplicate(invocation++);
    const first = await handler(event, context);
    if (!again) return first;
    stats.duplicated += event.Records.length;
    return handler(structuredClone(event), context);
  };
}
