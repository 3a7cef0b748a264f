/**
 * The capture path, locally: the real bundled function behind a poller with
 * the event source mapping's semantics, its Firehose calls going through a
 * fault-injecting proxy in front of the emulator.
 */
import type { LocalClients } from "../emulator/aws";
import { loadCaptureFunction } from "./capture-function";
import { FirehoseFaultProxy } from "../faults/firehose-proxy";
import { StreamPoller, type EventSourceMappingSettings, type StreamHandler } from "./poller";
import type { SampleTable } from "../source/sample-table";
import type { TtlRegistry } from "../source/ttl-registry";

export interface CaptureOptions {
  readonly clients: LocalClients;
  readonly table: SampleTable;
  readonly ttlDeletes?: TtlRegistry;
  readonly settings?: Partial<EventSourceMappingSettings>;
  /** Wraps the loaded function, e.g. with crash or duplicate faults. */
  readonly wrap?: (handler: StreamHandler) => StreamHandler;
  readonly log?: (line: string) => void;
}

export interface RunningCapture {
  readonly poller: StreamPoller;
  readonly proxy: FirehoseFaultProxy;
  stop(): Promise<void>;
}

export async function startCapture(options: CaptureOptions): Promise<RunningCapture> {
  const proxy = new FirehoseFaultProxy(options.clients.endpoint);
  await proxy.start();
  try {
    const handler = await loadCaptureFunction({
      deliveryStreamName: options.table.deliveryStreamName,
      overflowBucket: options.table.bucket,
      firehoseEndpoint: proxy.endpoint,
      s3Endpoint: options.clients.endpoint,
    });
    const poller = new StreamPoller({
      streams: options.clients.streams,
      streamArn: options.table.streamArn,
      handler: options.wrap ? options.wrap(handler) : handler,
      settings: options.settings,
      ttlDeletes: options.ttlDeletes,
      log: options.log,
    });
    await poller.start();
    return {
      poller,
      proxy,
      stop: async () => {
        await poller.stop();
        await proxy.stop();
      },
    };
  } catch (error) {
    await proxy.stop();
    throw error;
  }
}
