/**
 * A seeded, realistic write workload on the sample table: inserts, whole-item
 * replaces, partial updates, deletes, re-inserts of deleted keys, a few items
 * near 400 KB, and TTL deletes.
 *
 * The emulator never expires items, so TTL is played by a local sweeper: it
 * deletes an expired item itself and learns the SequenceNumber of that REMOVE
 * (a LATEST iterator taken just before the delete reads exactly that record,
 * because the workload is the only writer and writes one at a time). The
 * poller stamps those records with TTL's userIdentity
 * ({type: "Service", principalId: "dynamodb.amazonaws.com"}), as DynamoDB does.
 */
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { GetRecordsCommand, GetShardIteratorCommand, DescribeStreamCommand } from "@aws-sdk/client-dynamodb-streams";
import type { LocalClients } from "../emulator/aws";
import { keyOf, randomItem, randomSortKey, type ItemKey } from "./items";
import { SeededRandom } from "./random";
import { TtlRegistry } from "./ttl-registry";
import { TTL_ATTRIBUTE, type SampleTable } from "./sample-table";

export interface WorkloadOptions {
  readonly items: number;
  readonly ops: number;
  readonly seed: number;
  /** Items near the 400 KB limit among the initial items (half string, half binary). */
  readonly nearLimitItems?: number;
}

export type OpKind = "insert" | "replace" | "update" | "delete" | "reinsert" | "ttl-delete";

interface KeyState {
  readonly key: ItemKey;
  exists: boolean;
  expired: boolean;
  nearLimit?: "string" | "binary";
}

export class Workload {
  readonly random: SeededRandom;
  /** The REMOVEs the TTL sweeper made. */
  readonly ttlDeletes = new TtlRegistry();
  readonly counts: Record<OpKind, number> = { insert: 0, replace: 0, update: 0, delete: 0, reinsert: 0, "ttl-delete": 0 };
  private readonly keys: KeyState[] = [];
  private readonly byId = new Map<string, KeyState>();
  private shardId?: string;
  private nearLimitChanged = false;
  private writes = 0;

  constructor(
    private readonly clients: LocalClients,
    private readonly table: SampleTable,
    private readonly options: WorkloadOptions,
  ) {
    this.random = new SeededRandom(options.seed);
  }

  get writeCount(): number {
    return this.writes;
  }

  /** The initial items; some already expired (TTL candidates), a few near the size limit. */
  async loadInitialItems(): Promise<void> {
    const nearLimit = this.options.nearLimitItems ?? 2;
    for (let i = 0; i < this.options.items; i++) {
      const kind = i < nearLimit ? (i % 2 === 0 ? "string" : "binary") : undefined;
      await this.insertNew(kind);
    }
  }

  /** Runs `n` random operations (defaults to the configured count). */
  async runOperations(n = this.options.ops, onEach?: (done: number) => void): Promise<void> {
    if (!this.nearLimitChanged) {
      // Changed once each: with both images, a near-limit item's change is over Firehose's record limit.
      this.nearLimitChanged = true;
      for (const state of this.keys.filter((k) => k.nearLimit && k.exists)) {
        await this.update(state);
        this.counts.update++;
      }
    }
    for (let i = 0; i < n; i++) {
      await this.randomOperation();
      onEach?.(i + 1);
    }
  }

  async randomOperation(): Promise<OpKind> {
    const live = this.keys.filter((k) => k.exists);
    const roll = this.random.next();
    let kind: OpKind;
    if (live.length === 0 || roll < 0.2) kind = "insert";
    else if (roll < 0.35) kind = "replace";
    else if (roll < 0.65) kind = "update";
    else if (roll < 0.77) kind = "delete";
    else if (roll < 0.85) kind = this.keys.some((k) => !k.exists) ? "reinsert" : "insert";
    else kind = live.some((k) => k.expired) ? "ttl-delete" : "update";

    switch (kind) {
      case "insert":
        await this.insertNew(undefined);
        break;
      case "replace": {
        const state = this.random.pick(live);
        await this.put(state, this.random.chance(0.1));
        break;
      }
      case "update":
        await this.update(this.random.pick(live));
        break;
      case "delete":
        await this.delete(this.random.pick(live));
        break;
      case "reinsert":
        await this.put(this.random.pick(this.keys.filter((k) => !k.exists)), this.random.chance(0.1));
        break;
      case "ttl-delete":
        await this.ttlDelete(this.random.pick(live.filter((k) => k.expired)));
        break;
    }
    this.counts[kind]++;
    return kind;
  }

  /** Writes one item with a known key and returns when the write is acknowledged (freshness probes). */
  async putProbe(key: ItemKey, marker: string): Promise<void> {
    const item = randomItem(this.random, key);
    item.probe = { S: marker };
    await this.clients.dynamodb.send(new PutItemCommand({ TableName: this.table.tableName, Item: item }));
    this.writes++;
  }

  private async insertNew(nearLimit: "string" | "binary" | undefined): Promise<void> {
    let key: ItemKey;
    do key = { pk: `customer#${this.random.int(Math.max(10, this.options.items / 4))}`, sk: randomSortKey(this.random) };
    while (this.byId.has(`${key.pk}|${key.sk}`));
    const state: KeyState = { key, exists: false, expired: false, nearLimit };
    this.keys.push(state);
    this.byId.set(`${key.pk}|${key.sk}`, state);
    await this.put(state, this.random.chance(0.15));
  }

  private async put(state: KeyState, expired: boolean): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const item = randomItem(this.random, state.key, {
      expiresAt: expired ? now - 3600 - this.random.int(86_400) : now + 86_400 + this.random.int(86_400),
      nearLimit: state.nearLimit,
    });
    await this.clients.dynamodb.send(new PutItemCommand({ TableName: this.table.tableName, Item: item }));
    state.exists = true;
    state.expired = expired;
    this.writes++;
  }

  private async update(state: KeyState): Promise<void> {
    const variant = this.random.int(4);
    const common = { TableName: this.table.tableName, Key: keyOf(state.key) };
    if (variant === 0 || state.nearLimit === "binary") {
      // A near-limit binary item changed: its delta (both images) is over Firehose's record limit.
      await this.clients.dynamodb.send(
        new UpdateItemCommand({
          ...common,
          UpdateExpression: "SET qty = qty + :one, #s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":one": { N: "1" }, ":s": { S: this.random.pick(["paid", "shipped"]) } },
        }),
      );
    } else if (variant === 1) {
      await this.clients.dynamodb.send(new UpdateItemCommand({ ...common, UpdateExpression: "REMOVE note, flag" }));
    } else if (variant === 2) {
      await this.clients.dynamodb.send(
        new UpdateItemCommand({
          ...common,
          UpdateExpression: "ADD tags :t SET big = :b",
          ExpressionAttributeValues: { ":t": { SS: [`added ${this.random.digits(3)}`] }, ":b": { N: this.random.digits(38) } },
        }),
      );
    } else {
      await this.clients.dynamodb.send(
        new UpdateItemCommand({
          ...common,
          UpdateExpression: "SET profile.#l = :l, note = :empty",
          ExpressionAttributeNames: { "#l": "level" },
          ExpressionAttributeValues: { ":l": { M: { deep: { L: [{ NULL: true }, { N: this.random.digits(38) }] } } }, ":empty": { S: "" } },
        }),
      );
    }
    this.writes++;
  }

  private async delete(state: KeyState): Promise<void> {
    await this.clients.dynamodb.send(new DeleteItemCommand({ TableName: this.table.tableName, Key: keyOf(state.key) }));
    state.exists = false;
    this.writes++;
  }

  /** What DynamoDB TTL does to an expired item, with the REMOVE's SequenceNumber recorded. */
  private async ttlDelete(state: KeyState): Promise<void> {
    await this.ttlDeletes.record(() => this.deleteAsTtl(state));
  }

  private async deleteAsTtl(state: KeyState): Promise<string> {
    const shardId = await this.shard();
    const latest = await this.clients.streams.send(
      new GetShardIteratorCommand({ StreamArn: this.table.streamArn, ShardId: shardId, ShardIteratorType: "LATEST" }),
    );
    const now = String(Math.floor(Date.now() / 1000));
    await this.clients.dynamodb.send(
      new DeleteItemCommand({
        TableName: this.table.tableName,
        Key: keyOf(state.key),
        // TTL deletes only items whose TTL attribute is in the past.
        ConditionExpression: "#ttl < :now",
        ExpressionAttributeNames: { "#ttl": TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ":now": { N: now } },
      }),
    );
    state.exists = false;
    this.writes++;
    const read = await this.clients.streams.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator, Limit: 1 }));
    const record = read.Records?.[0];
    const sameKey = record?.dynamodb?.Keys?.pk?.S === state.key.pk && record.dynamodb.Keys.sk?.N === state.key.sk;
    if (!record || record.eventName !== "REMOVE" || !sameKey || !record.dynamodb?.SequenceNumber) {
      throw new Error(`TTL sweeper could not find the REMOVE of ${state.key.pk}/${state.key.sk} in the stream`);
    }
    return record.dynamodb.SequenceNumber;
  }

  private async shard(): Promise<string> {
    if (this.shardId) return this.shardId;
    const described = await this.clients.streams.send(new DescribeStreamCommand({ StreamArn: this.table.streamArn }));
    const shardId = described.StreamDescription?.Shards?.[0]?.ShardId;
    if (!shardId) throw new Error(`stream ${this.table.streamArn} has no shard`);
    this.shardId = shardId;
    return shardId;
  }
}
