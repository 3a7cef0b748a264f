/**
 * A fake AWS for Pulumi unit tests: records every resource a component registers and
 * answers the invokes the components make. Each test file runs in its own process
 * (node --test), and each test gets a fresh MockCloud through `useMockCloud`.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT = "123456789012";
export const REGION = "us-west-2";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly state: Record<string, unknown>;
}

export interface FakeTable {
  readonly name: string;
  readonly streamEnabled: boolean;
  readonly streamViewType?: string;
  readonly region?: string;
}

export const tableArn = (name: string, region = REGION): string => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`;
export const streamArnOf = (name: string, region = REGION): string => `${tableArn(name, region)}/stream/2026-11-21T00:00:00.000`;

/** Physical name of a resource that Pulumi would auto-name: the logical name plus a fixed suffix. */
const physical = (name: string): string => `${name}-0a1b2c3`;

/**
 * The longest name AWS takes for each auto-named type, and the characters it takes where they are
 * fewer than a logical name may hold. Pulumi refuses to auto-name past the limit; AWS refuses the characters.
 */
const AUTONAME_RULES: Readonly<Record<string, { max: number; chars?: RegExp }>> = {
  "aws:iam/role:Role": { max: 64, chars: /^[\w+=,.@-]+$/ },
  "aws:iam/rolePolicy:RolePolicy": { max: 128, chars: /^[\w+=,.@-]+$/ },
  "aws:iam/policy:Policy": { max: 128, chars: /^[\w+=,.@-]+$/ },
  "aws:lambda/function:Function": { max: 64, chars: /^[A-Za-z0-9_-]+$/ },
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": { max: 64, chars: /^[A-Za-z0-9_.-]+$/ },
  "aws:sqs/queue:Queue": { max: 80, chars: /^[A-Za-z0-9_-]+$/ },
  "aws:cloudwatch/eventRule:EventRule": { max: 64, chars: /^[A-Za-z0-9_.-]+$/ },
  "aws:s3/bucket:Bucket": { max: 63, chars: /^[A-Za-z0-9.-]+$/ },
  "aws:glue/job:Job": { max: 255 },
  "aws:glue/trigger:Trigger": { max: 255 },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { max: 255 },
  "aws:sns/topic:Topic": { max: 256, chars: /^[A-Za-z0-9_-]+$/ },
};

/** Fails the way a deploy would when a resource's auto-name cannot be made: too long, or characters AWS refuses. */
export function checkAutoName(type: string, name: string, inputs: Record<string, unknown>): void {
  const rule = AUTONAME_RULES[type];
  const given = type === "aws:s3/bucket:Bucket" ? inputs.bucket : inputs.name;
  if (rule === undefined || given !== undefined) return;
  if (name.length + 8 > rule.max) throw new Error(`name '${name}-' plus 7 random chars is longer than maximum length ${rule.max}`);
  if (rule.chars !== undefined && !rule.chars.test(name)) throw new Error(`${type}: name '${physical(name)}' has characters AWS does not accept`);
}

function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  checkAutoName(type, name, inputs);
  const named = (inputs.name as string | undefined) ?? physical(name);
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = (inputs.bucket as string | undefined) ?? physical(name).toLowerCase();
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const logGroup = (inputs.name as string | undefined) ?? `${(inputs.namePrefix as string | undefined) ?? name}0a1b2c3`;
      return { name: logGroup, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroup}` };
    }
    case "aws:sqs/queue:Queue":
      return {
        name: named,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${named}`,
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${named}`,
      };
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return { name: named, arn: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${named}` };
    case "aws:lambda/function:Function":
      return { name: named, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${named}` };
    case "aws:iam/role:Role":
      return { name: named, arn: `arn:aws:iam::${ACCOUNT}:role/${named}` };
    case "aws:iam/policy:Policy":
      return { name: named, arn: `arn:aws:iam::${ACCOUNT}:policy/${named}` };
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return { uuid: `uuid-${name}` };
    case "aws:dynamodb/table:Table":
      return {
        name: named,
        arn: tableArn(named),
        streamArn: inputs.streamEnabled ? streamArnOf(named) : "",
      };
    default:
      return { name: named, arn: `arn:aws:mock:${REGION}:${ACCOUNT}:${type}/${named}` };
  }
}

export class MockCloud implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  readonly tables = new Map<string, FakeTable>();
  readonly buckets = new Set<string>();
  region = REGION;

  reset(): void {
    this.resources.length = 0;
    this.invokes.length = 0;
    this.tables.clear();
    this.buckets.clear();
    this.region = REGION;
  }

  addTable(table: FakeTable): this {
    this.tables.set(table.name, table);
    return this;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const inputs = args.inputs as Record<string, unknown>;
    const state = { ...inputs, ...computedState(args.type, args.name, inputs) };
    this.resources.push({ type: args.type, name: args.name, inputs, state });
    return { id: `${args.name}-id`, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    this.invokes.push({ token: args.token, inputs });
    switch (args.token) {
      case "aws:index/getRegion:getRegion":
        return { id: this.region, name: this.region, region: this.region };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "AIDTEST" };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      case "aws:dynamodb/getTable:getTable": {
        const table = this.tables.get(inputs.name as string);
        if (!table) throw new Error(`reading DynamoDB Table (${String(inputs.name)}): couldn't find resource`);
        const region = table.region ?? REGION;
        return {
          id: table.name,
          name: table.name,
          arn: tableArn(table.name, region),
          streamEnabled: table.streamEnabled,
          streamViewType: table.streamViewType ?? "",
          streamArn: table.streamEnabled ? streamArnOf(table.name, region) : "",
          region,
        };
      }
      case "aws:s3/getBucket:getBucket": {
        const bucket = inputs.bucket as string;
        if (!this.buckets.has(bucket)) throw new Error(`reading S3 Bucket (${bucket}): couldn't find resource`);
        return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, region: REGION };
      }
      default:
        throw new Error(`unexpected invoke ${args.token}`);
    }
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and logical name; fails when there is not exactly one. */
  one(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one ${type} named ${name}, found ${found.length}; have: ${this.resources.map((r) => `${r.type} ${r.name}`).join(", ")}`);
    }
    return found[0]!;
  }
}

let installed: { cloud: MockCloud; preview: boolean } | undefined;

/** Each resource's children, as the stack transformation below sees them constructed. */
const childrenOf = new WeakMap<pulumi.Resource, pulumi.Resource[]>();
let stack: Promise<void> | undefined;

/**
 * The root stack a program runs in, created once per process: its transformation sees every resource
 * constructed after it with its parent, so a test can wait for a component's whole tree.
 */
function openStack(): Promise<void> {
  stack ??= (async () => {
    const root = new pulumi.runtime.Stack(() => {
      pulumi.runtime.registerStackTransformation(({ resource, opts }) => {
        if (opts.parent !== undefined) childrenOf.set(opts.parent, [...(childrenOf.get(opts.parent) ?? []), resource]);
        return undefined;
      });
      return Promise.resolve({});
    });
    // Registered before the first test empties the cloud, so the stack is not among any test's resources.
    await valueOf(root.urn);
  })();
  return stack;
}

/**
 * Gives each test an empty cloud of the given kind. The mocks are installed once per process (per
 * test file) and then emptied: a component's outputs are registered after its children, so a monitor
 * replaced between tests would receive the previous test's late calls for resources it never saw.
 */
export async function useCloud<T extends MockCloud>(kind: new () => T, preview = false): Promise<T> {
  if (installed === undefined || installed.preview !== preview || installed.cloud.constructor !== kind) {
    installed = { cloud: new kind(), preview };
    await pulumi.runtime.setMocks(installed.cloud, "dynamodb-lake", "test", preview);
  }
  await openStack();
  installed.cloud.reset();
  return installed.cloud as T;
}

export function useMockCloud(preview = false): Promise<MockCloud> {
  return useCloud(MockCloud, preview);
}

/** The first test of a preview suite: its cloud runs the program as `pulumi preview` (dryRun), which the suite's claims rest on. */
export function itRunsAsPreview(use: (preview: boolean) => Promise<MockCloud>): void {
  void it("runs as a preview", async () => {
    await use(true);
    assert.equal(pulumi.runtime.isDryRun(), true);
  });
}

/**
 * The value of an output, rejecting with the error an apply threw; pulumi's unknown sentinel where it is
 * unknown (a preview). Serialized the way a resource input is sent to the engine, then read back.
 */
export async function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  const serialized: unknown = await pulumi.runtime.serializeProperty("valueOf", output);
  return (serialized === undefined ? undefined : pulumi.runtime.deserializeProperty(serialized)) as T;
}

/** The resources an output carries as dependencies: those the engine orders anything that uses it after. */
export async function dependenciesOf(output: pulumi.Output<unknown>): Promise<pulumi.Resource[]> {
  const dependencies = new Set<pulumi.Resource>();
  await pulumi.runtime.serializeProperty("dependenciesOf", output, dependencies);
  return [...dependencies];
}

/** A resource's logical name: the last part of its URN. */
export async function nameOf(resource: pulumi.Resource): Promise<string> {
  const urn = await valueOf(resource.urn);
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Waits until the component and every resource below it is registered with the (mock) engine. */
export async function settled(resource: pulumi.Resource): Promise<void> {
  const all: pulumi.Resource[] = [];
  const walk = (r: pulumi.Resource): void => {
    all.push(r);
    for (const child of childrenOf.get(r) ?? []) walk(child);
  };
  walk(resource);
  await Promise.all(all.map((r) => valueOf(r.urn)));
}

/** Parses a JSON string input (a policy) the way the engine would receive it. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string") throw new Error(`expected a JSON string, got ${typeof value}`);
  return JSON.parse(value);
}

/**
 * Runs `run` the way the Pulumi runtime runs a program: a configuration error thrown inside an
 * apply rejects every output derived from it, and the runtime reports those unhandled rejections
 * as the failure of `pulumi preview`. Returns the distinct messages reported, so a test can assert
 * that the preview fails with exactly the expected error and nothing else.
 */
export async function previewFailures(run: () => Promise<void>): Promise<string[]> {
  // Let the previous test's late output registrations finish before listening.
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const seen = new Set<string>();
  const collect = (reason: unknown): void => {
    seen.add(reason instanceof Error ? reason.message : String(reason));
  };
  process.on("unhandledRejection", collect);
  try {
    await run();
    // Rejections are reported after the microtask queue drains; give every derived output time to settle.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener("unhandledRejection", collect);
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
  return [...seen];
}

/**
 * Asserts that the preview failed because of `message` alone: the runtime may report the error
 * more than once, wrapped by the property it broke, but every report carries it.
 */
export function assertOnlyFailure(failures: readonly string[], message: string): void {
  if (failures.length === 0 || !failures.every((f) => f === message || f.endsWith(`: ${message}`))) {
    throw new Error(`expected the preview to fail with ${JSON.stringify(message)} only, got ${JSON.stringify(failures, null, 2)}`);
  }
}

/**
 * For assert.rejects on an output that a configuration error broke: the error carries `message`,
 * possibly prefixed by the engine with the resource property whose serialization it broke (the
 * engine rewrites the one error object every derived output shares, so the order of reads decides).
 */
export function carriesMessage(message: string): (error: unknown) => boolean {
  return (error) => error instanceof Error && (error.message === message || error.message.endsWith(`: ${message}`));
}

/**
 * A transformation for a component's options that records the dependencies each child declares
 * (`dependsOn`, by logical name): ordering a test cannot see from registration order alone.
 */
export function dependencyRecorder(): { transformation: pulumi.ResourceTransformation; dependsOn: { get(name: string): string[] | undefined } } {
  // The transformation sees every resource of the component (it is inherited by children) with its name,
  // so a dependency is named by what the transformation was told, not by SDK internals.
  const names = new Map<pulumi.Resource, string>();
  const deps = new Map<string, pulumi.Resource[]>();
  const transformation: pulumi.ResourceTransformation = ({ resource, name, opts }) => {
    names.set(resource, name);
    const declared = opts.dependsOn === undefined ? [] : ([] as pulumi.Input<pulumi.Resource>[]).concat(opts.dependsOn as pulumi.Input<pulumi.Resource>[]);
    deps.set(
      name,
      declared.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d)),
    );
    return undefined;
  };
  const nameOf = (r: pulumi.Resource): string => names.get(r) ?? "(a resource outside the recorded component)";
  return { transformation, dependsOn: { get: (name) => deps.get(name)?.map(nameOf) } };
}

/** A table declared in the same program, keyed by pk (S), with the stream capture needs. */
export function streamedTable(name: string, extra: Partial<aws.dynamodb.TableArgs> = {}): aws.dynamodb.Table {
  return new aws.dynamodb.Table(name, {
    attributes: [{ name: "pk", type: "S" }],
    hashKey: "pk",
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_AND_OLD_IMAGES",
    ...extra,
  });
}

/** A resource whose registration waits until `open()`: proves what is ordered after it. */
export function gatedResource(name: string): { resource: aws.sqs.Queue; open: () => void } {
  let open = (): void => undefined;
  const gate = new Promise<string>((resolve) => {
    open = () => resolve(name);
  });
  return { resource: new aws.sqs.Queue(name, { name: pulumi.output(gate) }), open };
}
