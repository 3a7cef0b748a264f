/**
 * Delta files that arrive late and out of order: chosen objects are moved out
 * of changes/<table>/ (to _held/) and moved back later, under their original
 * keys, after newer files have already been compacted.
 */
import { CopyObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import { changesPrefix } from "../../infra/layout";
import type { LocalClients } from "../emulator/aws";
import { listKeys } from "../capture/deltas";

const HELD = "_held/";

export class LateFiles {
  private readonly held: string[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly clients: LocalClients,
    private readonly bucket: string,
    private readonly table: string,
  ) {}

  get heldKeys(): readonly string[] {
    return this.held;
  }

  /** Holds back the delta objects, among those not seen before, that `choose` picks (by position in key order). */
  async holdBack(choose: (index: number, key: string) => boolean): Promise<string[]> {
    const keys = (await listKeys(this.clients.s3, this.bucket, changesPrefix(this.table))).filter((k) => !this.seen.has(k)).sort();
    const picked = keys.filter((key, i) => choose(i, key));
    for (const key of keys) this.seen.add(key);
    for (const key of picked) await this.move(key, `${HELD}${key}`);
    this.held.push(...picked);
    return picked;
  }

  /** Puts every held object back where it was, newest first (out of order). */
  async releaseAll(): Promise<string[]> {
    const released = [...this.held].reverse();
    for (const key of released) await this.move(`${HELD}${key}`, key);
    this.held.length = 0;
    return released;
  }

  private async move(from: string, to: string): Promise<void> {
    await this.clients.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${encodeURIComponent(from).replace(/%2F/g, "/")}` }));
    await this.clients.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: from }));
  }
}
