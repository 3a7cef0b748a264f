/**
 * A loopback proxy in front of the emulator's Firehose endpoint that injects
 * the failures Firehose really produces: a 200 response with some entries
 * failed (those entries are not delivered), every entry failed, throttling
 * (503 ServiceUnavailableException), and a dropped connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FirehoseFault =
  | { kind: "pass" }
  /** Entries at these positions fail with ServiceUnavailableException; the rest are delivered. */
  | { kind: "failEntries"; positions: readonly number[] }
  | { kind: "failAll" }
  | { kind: "throttle" }
  | { kind: "dropConnection" };

/** Decides the fault for the n-th PutRecordBatch call (0-based) carrying `entries` records. */
export type FaultPlan = (call: number, entries: number) => FirehoseFault;

export const passThrough: FaultPlan = () => ({ kind: "pass" });

export interface ProxyStats {
  calls: number;
  entriesDelivered: number;
  entriesFailed: number;
  throttled: number;
  dropped: number;
}

export class FirehoseFaultProxy {
  plan: FaultPlan = passThrough;
  readonly stats: ProxyStats = { calls: 0, entriesDelivered: 0, entriesFailed: 0, throttled: 0, dropped: 0 };
  private server?: Server;

  constructor(private readonly target: string) {}

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error("proxy is not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 502;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = String(req.headers["x-amz-target"] ?? "");
    if (!target.endsWith(".PutRecordBatch")) {
      await this.forward(req, body, res);
      return;
    }
    const request = JSON.parse(body.toString("utf8")) as { DeliveryStreamName: string; Records: { Data: string }[] };
    const call = this.stats.calls++;
    const fault = this.plan(call, request.Records.length);
    switch (fault.kind) {
      case "pass":
        this.stats.entriesDelivered += request.Records.length;
        await this.forward(req, body, res);
        return;
      case "throttle":
        this.stats.throttled++;
        sendJson(res, 503, { __type: "ServiceUnavailableException", message: "Slow down." });
        return;
      case "dropConnection":
        this.stats.dropped++;
        req.socket.destroy();
        return;
      case "failAll":
        this.stats.entriesFailed += request.Records.length;
        sendJson(res, 200, {
          FailedPutCount: request.Records.length,
          Encrypted: false,
          RequestResponses: request.Records.map(() => failedEntry()),
        });
        return;
      case "failEntries": {
        const failing = new Set(fault.positions.filter((p) => p >= 0 && p < request.Records.length));
        const kept = request.Records.filter((_, i) => !failing.has(i));
        let keptResponses: unknown[] = [];
        if (kept.length > 0) {
          const upstream = await this.send(req, Buffer.from(JSON.stringify({ ...request, Records: kept })));
          if (upstream.status !== 200) {
            res.writeHead(upstream.status, upstream.headers);
            res.end(upstream.body);
            return;
          }
          keptResponses = (JSON.parse(upstream.body.toString("utf8")) as { RequestResponses: unknown[] }).RequestResponses;
        }
        this.stats.entriesDelivered += kept.length;
        this.stats.entriesFailed += failing.size;
        let next = 0;
        sendJson(res, 200, {
          FailedPutCount: failing.size,
          Encrypted: false,
          RequestResponses: request.Records.map((_, i) => (failing.has(i) ? failedEntry() : keptResponses[next++])),
        });
        return;
      }
    }
  }

  private async forward(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const upstream = await this.send(req, body);
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  private async send(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || ["host", "content-length", "connection", "transfer-encoding"].includes(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const response = await fetch(`${this.target}${req.url ?? "/"}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name)) out[name] = value;
    });
    return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
  }
}

function failedEntry(): { ErrorCode: string; ErrorMessage: string } {
  return { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." };
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "local-proxy" });
  res.end(body);
}
