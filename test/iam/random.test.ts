/**
 * Randomized least-privilege check against a simple model: for random table
 * ARN patterns and random lake prefixes, the policy engine's decision on
 * concrete requests equals the model's (glob match of the pattern, startsWith
 * of the prefixes). Runs a fixed list of seeds so every run (and CI) checks the
 * same cases; IAM_RANDOM_SEED=<seed>[,<seed>…] replays a failure or tries others.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureFunctionPolicy, compactionJobPolicy, snapshotJobPolicy } from "../../infra/iam";
import { decide, globMatches, randomSeeds, randomSource, FIXED_RANDOM_SEEDS, type Decision } from "./simulate";

const seeds = randomSeeds(process.env.IAM_RANDOM_SEED);
/** The stream of the running test: each test starts its own from its seed, so any one can be replayed alone. */
let rnd = randomSource(0);
const ITERATIONS = 20;

const REGIONS: Record<string, string[]> = {
  aws: ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
  "aws-us-gov": ["us-gov-west-1", "us-gov-east-1"],
};
const NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
const KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_=-";
const BUCKET_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-";

const chars = (alphabet: string, min: number, max: number): string =>
  Array.from({ length: min + rnd.int(max - min + 1) }, () => rnd.pick([...alphabet])).join("");
const account = (): string => String(100000000000 + rnd.int(899999999999));
const expect = (allowed: boolean): Decision => (allowed ? "Allowed" : "Denied");

/** A table-name pattern in one of the shapes people write: exact, prefix*, *suffix, a*b, *. */
function tableNamePattern(): string {
  const base = chars(NAME_CHARS, 3, 12);
  const cut = 1 + rnd.int(base.length - 1);
  return rnd.pick([base, `${base.slice(0, cut)}*`, `*${base.slice(cut)}`, `${base.slice(0, cut)}*${base.slice(cut)}`, "*"]);
}

/** A concrete name the pattern matches: each * replaced by 0-4 random characters, padded to the 3-character minimum. */
function matchingName(pattern: string): string {
  let name = pattern.split("*").join(chars(NAME_CHARS, 0, 4));
  while (name.length < 3) name = pattern.endsWith("*") || pattern === "*" ? `${name}x` : `x${name}`;
  return name;
}

/** A name one edit away, or unrelated: usually not matching, and the model decides. */
function nearName(name: string): string {
  const i = rnd.int(name.length);
  return rnd.pick([
    `${name.slice(0, i)}${rnd.pick([...NAME_CHARS])}${name.slice(i + 1)}`,
    `${name}${rnd.pick([...NAME_CHARS])}`,
    `${rnd.pick([...NAME_CHARS])}${name}`,
    chars(NAME_CHARS, 3, 12),
  ]);
}

function prefixPath(): string {
  return `${Array.from({ length: 1 + rnd.int(3) }, () => chars(KEY_CHARS, 1, 8)).join("/")}/`;
}

void describe("randomSeeds", () => {
  void it("is the fixed list when IAM_RANDOM_SEED is unset or empty, so runs repeat", () => {
    assert.deepEqual(randomSeeds(undefined), [...FIXED_RANDOM_SEEDS]);
    assert.deepEqual(randomSeeds(""), [...FIXED_RANDOM_SEEDS]);
    assert.ok(FIXED_RANDOM_SEEDS.length >= 3);
  });

  void it("takes one seed or a comma-separated list from IAM_RANDOM_SEED", () => {
    assert.deepEqual(randomSeeds("1824379806"), [1824379806]);
    assert.deepEqual(randomSeeds(" 7, 0 ,4294967295"), [7, 0, 4294967295]);
  });

  void it("rejects what is not a whole number from 0 to 4294967295, naming the fix", () => {
    for (const bad of ["x", "1.5", "-1", "4294967296", "7,,8", "1e3"]) {
      assert.throws(() => randomSeeds(bad), {
        message: `IAM_RANDOM_SEED=${JSON.stringify(bad)}: give whole numbers from 0 to 4294967295, separated by commas (e.g. IAM_RANDOM_SEED=1824379806), or unset it to run the fixed seeds`,
      });
    }
  });
});

for (const seed of seeds) {
void describe(`randomized policies against a model (IAM_RANDOM_SEED=${seed})`, () => {
  void it("table patterns: streams and exports allowed exactly for the ARNs the pattern matches", async () => {
    rnd = randomSource(seed);
    const seen = { Allowed: 0, Denied: 0 };
    for (let n = 0; n < ITERATIONS; n++) {
      const partition = rnd.pick(Object.keys(REGIONS));
      const regions = REGIONS[partition] ?? [];
      const region = rnd.pick(regions);
      const acct = account();
      const pattern = {
        region: rnd.chance(0.3) ? "*" : region,
        account: rnd.chance(0.3) ? "*" : acct,
        table: tableNamePattern(),
      };
      const patternArn = `arn:${partition}:dynamodb:${pattern.region}:${pattern.account}:table/${pattern.table}`;
      const capture = captureFunctionPolicy({
        tables: [patternArn],
        deliveryStreamArns: [`arn:${partition}:firehose:${region}:${acct}:deliverystream/changes`],
        overflow: "s3://lake-bucket/overflow/t/",
        deadLetterQueueArn: `arn:${partition}:sqs:${region}:${acct}:dlq`,
        logGroupArn: `arn:${partition}:logs:${region}:${acct}:log-group:/aws/lambda/capture`,
      });
      const snapshot = snapshotJobPolicy({
        scope: { partition, region, account: acct },
        tables: [patternArn],
        mode: "export",
        lake: "s3://lake-bucket/",
        exportsPrefixes: ["exports/t/"],
        warehousePrefixes: ["warehouse/lake.db/t_current/"],
        assetsPrefix: "_assets/",
        database: "lake",
        catalogTables: ["t_current"],
      });

      for (let k = 0; k < 6; k++) {
        const matching = {
          region: pattern.region === "*" ? rnd.pick(regions) : pattern.region,
          account: pattern.account === "*" ? account() : pattern.account,
          table: matchingName(pattern.table),
        };
        const concrete = rnd.chance(0.4)
          ? matching
          : rnd.pick([
            { ...matching, region: rnd.pick(regions) },
            { ...matching, account: account() },
            { ...matching, table: nearName(matching.table) },
          ]);
        const tableArn = `arn:${partition}:dynamodb:${concrete.region}:${concrete.account}:table/${concrete.table}`;
        const want = expect(globMatches(patternArn, tableArn));
        seen[want]++;
        const context = `seed ${seed}: pattern ${patternArn}, table ${tableArn}`;
        assert.equal(await decide(capture, { action: "dynamodb:GetRecords", resource: `${tableArn}/stream/2024-05-01T00:00:00.000` }), want, context);
        assert.equal(await decide(snapshot, { action: "dynamodb:ExportTableToPointInTime", resource: tableArn }), want, context);
        assert.equal(await decide(snapshot, { action: "dynamodb:DescribeExport", resource: `${tableArn}/export/01714521600000-a1b2` }), want, context);
      }
      assert.equal(await decide(capture, { action: "dynamodb:ListStreams", resource: "*" }), "Allowed");
    }
    assert.ok(seen.Allowed >= 20 && seen.Denied >= 20, `seed ${seed}: too few of one kind ${JSON.stringify(seen)}`);
  });

  void it("lake prefixes: reads, writes and listings allowed exactly under the granted prefixes of the one bucket", async () => {
    rnd = randomSource(seed);
    const seen = { Allowed: 0, Denied: 0 };
    for (let n = 0; n < ITERATIONS; n++) {
      const partition = rnd.pick(Object.keys(REGIONS));
      const bucket = `${chars("abcdefghijklmnopqrstuvwxyz", 1, 1)}${chars(BUCKET_CHARS, 2, 20)}${chars("abcdefghij0123456789", 1, 1)}`;
      const readPrefixes = Array.from({ length: 1 + rnd.int(2) }, prefixPath);
      const writePrefixes = Array.from({ length: 1 + rnd.int(2) }, prefixPath);
      const policy = compactionJobPolicy({
        scope: { partition, region: rnd.pick(REGIONS[partition] ?? []), account: account() },
        lake: `s3://${bucket}/`,
        readPrefixes,
        writePrefixes,
        assetsPrefix: "_assets/",
        database: "lake",
        catalogTables: ["t_current"],
      });
      const granted = [...readPrefixes, ...writePrefixes];

      for (let k = 0; k < 8; k++) {
        const base = rnd.pick(granted);
        const keyPrefix = rnd.chance(0.5) ? base : rnd.pick([
          `${base.slice(0, -1)}${chars(KEY_CHARS, 1, 2)}/`, // a sibling sharing the name's start
          base.slice(0, base.slice(0, -1).lastIndexOf("/") + 1), // the parent (or the bucket root)
          prefixPath(),
        ]);
        const key = `${keyPrefix}${rnd.chance(0.5) ? prefixPath() : ""}${chars(KEY_CHARS, 1, 10)}.json`;
        const otherBucket = rnd.chance(0.15);
        const inBucket = otherBucket ? `${bucket}x` : bucket;
        const object = `arn:${partition}:s3:::${inBucket}/${key}`;
        const under = (prefixes: string[]): boolean => !otherBucket && prefixes.some((p) => key.startsWith(p));
        const listUnder = !otherBucket && granted.some((p) => keyPrefix.startsWith(p));
        const context = `seed ${seed}: read ${readPrefixes.join(",")} write ${writePrefixes.join(",")} bucket ${bucket}, object ${object}`;

        const wantRead = expect(under(granted));
        const wantWrite = expect(under(writePrefixes));
        seen[wantRead]++;
        seen[wantWrite]++;
        assert.equal(await decide(policy, { action: "s3:GetObject", resource: object }), wantRead, context);
        assert.equal(await decide(policy, { action: "s3:PutObject", resource: object }), wantWrite, context);
        assert.equal(await decide(policy, { action: "s3:DeleteObject", resource: object }), wantWrite, context);
        assert.equal(
          await decide(policy, { action: "s3:ListBucket", resource: `arn:${partition}:s3:::${inBucket}`, context: { "s3:prefix": keyPrefix } }),
          expect(listUnder),
          `${context}, list ${keyPrefix}`,
        );
      }
    }
    assert.ok(seen.Allowed >= 40 && seen.Denied >= 40, `seed ${seed}: too few of one kind ${JSON.stringify(seen)}`);
  });
});
}
