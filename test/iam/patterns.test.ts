import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCatalogName, parseDeliveryStreamArn, parseKeyPrefix, parseKmsKeyArn, parseLogGroupArn, parseQueueArn, parseS3Location, parseScope, parseTableArnPattern, PolicyInputError, type S3Location, type Scope, type TableArnPattern } from "../../infra/iam";

const TABLE_FORM =
  "arn:<partition>:dynamodb:<region>:<account>:table/<name> (region and account exact or *, name may use * wildcards), e.g. arn:aws:dynamodb:us-west-2:123456789012:table/prod*";
const S3_FORM =
  "s3://<bucket>/<prefix>/ or arn:<partition>:s3:::<bucket>/<prefix>/*, e.g. s3://my-lake/changes/ (one bucket, no wildcards; prefix empty or ending in /)";
const PARTITION_LIST = "aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc";
const T = "arn:aws:dynamodb:us-west-2:123456789012:table";

function throwsExactly(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PolicyInputError, `expected PolicyInputError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

void describe("parseTableArnPattern", () => {
  const valid: [string, TableArnPattern][] = [
    [`${T}/orders`, { partition: "aws", region: "us-west-2", account: "123456789012", table: "orders" }],
    [`${T}/prod*`, { partition: "aws", region: "us-west-2", account: "123456789012", table: "prod*" }],
    ["arn:aws:dynamodb:*:*:table/*", { partition: "aws", region: "*", account: "*", table: "*" }],
    ["arn:aws:dynamodb:*:123456789012:table/*-audit", { partition: "aws", region: "*", account: "123456789012", table: "*-audit" }],
    ["arn:aws:dynamodb:eu-central-1:*:table/a*b*", { partition: "aws", region: "eu-central-1", account: "*", table: "a*b*" }],
    ["arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders", { partition: "aws-cn", region: "cn-north-1", account: "123456789012", table: "orders" }],
    [
      "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/Orders.v2-x_y",
      { partition: "aws-us-gov", region: "us-gov-west-1", account: "123456789012", table: "Orders.v2-x_y" },
    ],
    [`${T}/${"a".repeat(255)}`, { partition: "aws", region: "us-west-2", account: "123456789012", table: "a".repeat(255) }],
  ];
  for (const [pattern, expected] of valid) {
    void it(`parses ${pattern.slice(0, 80)}`, () => assert.deepEqual(parseTableArnPattern(pattern), expected));
  }

  const malformed: [string, unknown, string][] = [
    ["empty", "", "it is empty"],
    ["not a string", 42, "it is a number, not a string"],
    ["leading whitespace", ` ${T}/orders`, "it contains whitespace"],
    ["whitespace in the name", `${T}/or ders`, "it contains whitespace"],
    ["trailing newline", `${T}/orders\n`, "it contains whitespace"],
    ["? wildcard", `${T}/ord?rs`, "the ? wildcard is not supported (use *)"],
    ["policy variable", `${T}/\${aws:username}`, 'it contains "${" (IAM policy variables are not supported)'],
    ["a bare name", "orders", "it is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)"],
    ["too few parts", "arn:aws:dynamodb:us-west-2:123456789012", "it is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)"],
    ["unknown partition", "arn:aws-mars:dynamodb:us-west-2:123456789012:table/orders", `the partition "aws-mars" is not one of ${PARTITION_LIST}`],
    ["wildcard partition", "arn:*:dynamodb:us-west-2:123456789012:table/orders", `the partition "*" is not one of ${PARTITION_LIST}`],
    ["wrong service", "arn:aws:s3:::orders", 'it is an ARN for service "s3", not dynamodb'],
    ["wrong service with region", "arn:aws:kinesis:us-west-2:123456789012:stream/orders", 'it is an ARN for service "kinesis", not dynamodb'],
    ["empty region", "arn:aws:dynamodb::123456789012:table/orders", "the region is empty (use * for any region)"],
    ["upper-case region", "arn:aws:dynamodb:US-WEST-2:123456789012:table/orders", 'the region "US-WEST-2" is not a region name like us-west-2 (or * for any)'],
    ["partial region wildcard", "arn:aws:dynamodb:eu-*:123456789012:table/orders", 'the region "eu-*" is not a region name like us-west-2 (or * for any)'],
    ["empty account", "arn:aws:dynamodb:us-west-2::table/orders", "the account is empty (use * for any account)"],
    ["11-digit account", "arn:aws:dynamodb:us-west-2:12345678901:table/orders", 'the account "12345678901" is not 12 digits (or * for any)'],
    ["13-digit account", "arn:aws:dynamodb:us-west-2:1234567890123:table/orders", 'the account "1234567890123" is not 12 digits (or * for any)'],
    ["letter in account", "arn:aws:dynamodb:us-west-2:12345678901a:table/orders", 'the account "12345678901a" is not 12 digits (or * for any)'],
    ["partial account wildcard", "arn:aws:dynamodb:us-west-2:1234*:table/orders", 'the account "1234*" is not 12 digits (or * for any)'],
    ["missing table/", "arn:aws:dynamodb:us-west-2:123456789012:orders", 'the resource "orders" does not start with table/'],
    ["plural tables/", "arn:aws:dynamodb:us-west-2:123456789012:tables/orders", 'the resource "tables/orders" does not start with table/'],
    ["empty table name", `${T}/`, "the table name is empty"],
    [
      "stream ARN",
      `${T}/orders/stream/2024-05-01T00:00:00.000`,
      'it is a stream ARN, not a table ARN (drop "/stream/…" and pass the table ARN)',
    ],
    ["stream wildcard ARN", `${T}/orders/stream/*`, 'it is a stream ARN, not a table ARN (drop "/stream/…" and pass the table ARN)'],
    ["index ARN", `${T}/orders/index/by-date`, 'it is an index ARN, not a table ARN (drop "/index/…" and pass the table ARN)'],
    ["other sub-resource", `${T}/orders/backup/01`, 'the table name "orders/backup/01" contains "/" or ":"'],
    ["colon in name", `${T}/orders:1`, 'the table name "orders:1" contains "/" or ":"'],
    ["two-character name", `${T}/ab`, 'the table name "ab" is not 3-255 characters of A-Z a-z 0-9 _ . - (* wildcards allowed)'],
    ["256-character name", `${T}/${"a".repeat(256)}`, `the table name "${"a".repeat(256)}" is not 3-255 characters of A-Z a-z 0-9 _ . - (* wildcards allowed)`],
    ["bad character", `${T}/ord$rs`, 'the table name "ord$rs" is not 3-255 characters of A-Z a-z 0-9 _ . - (* wildcards allowed)'],
    ["bad character with wildcard", `${T}/ord+*`, 'the table name "ord+*" is not 3-255 characters of A-Z a-z 0-9 _ . - (* wildcards allowed)'],
  ];
  for (const [name, pattern, problem] of malformed) {
    void it(`rejects ${name}`, () =>
      throwsExactly(() => parseTableArnPattern(pattern as string), `table ARN pattern ${JSON.stringify(pattern)}: ${problem}; expected ${TABLE_FORM}`));
  }
});

void describe("parseS3Location", () => {
  const valid: [string, string | undefined, S3Location][] = [
    ["s3://lake-bucket/", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "" }],
    ["s3://lake-bucket", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "" }],
    ["s3://lake-bucket/changes/orders/", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "changes/orders/" }],
    ["s3://lake.bucket.1/x/", "aws-us-gov", { partition: "aws-us-gov", bucket: "lake.bucket.1", prefix: "x/" }],
    ["arn:aws:s3:::lake-bucket", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "" }],
    ["arn:aws:s3:::lake-bucket/*", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "" }],
    ["arn:aws:s3:::lake-bucket/overflow/orders/*", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "overflow/orders/" }],
    ["arn:aws:s3:::lake-bucket/overflow/orders/", undefined, { partition: "aws", bucket: "lake-bucket", prefix: "overflow/orders/" }],
    ["arn:aws-cn:s3:::lake-cn/warehouse/*", "aws", { partition: "aws-cn", bucket: "lake-cn", prefix: "warehouse/" }],
    [`s3://${"b".repeat(63)}/`, undefined, { partition: "aws", bucket: "b".repeat(63), prefix: "" }],
  ];
  for (const [pattern, partition, expected] of valid) {
    void it(`parses ${pattern.slice(0, 80)}${partition ? ` in ${partition}` : ""}`, () => assert.deepEqual(parseS3Location(pattern, partition), expected));
  }

  const BUCKET_RULES = '(3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit, no "..", not an IP address)';
  const malformed: [string, string, string][] = [
    ["empty", "", "it is empty"],
    ["https URL", "https://lake-bucket.s3.amazonaws.com/changes/", "it is neither an s3:// URI nor an S3 ARN"],
    ["whitespace", "s3://lake bucket/", "it contains whitespace"],
    ["upper-case bucket", "s3://Lake-Bucket/", `the bucket name "Lake-Bucket" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["two-character bucket", "s3://ab/", `the bucket name "ab" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["64-character bucket", `s3://${"b".repeat(64)}/`, `the bucket name "${"b".repeat(64)}" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["underscore in bucket", "s3://lake_bucket/", `the bucket name "lake_bucket" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["leading hyphen", "s3://-lake/", `the bucket name "-lake" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["double dot", "s3://lake..bucket/", `the bucket name "lake..bucket" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["IP address", "s3://192.168.1.10/", `the bucket name "192.168.1.10" is not a valid S3 bucket name ${BUCKET_RULES}`],
    ["bucket wildcard", "s3://lake-*/", 'the bucket name "lake-*" uses a wildcard (name one bucket)'],
    ["empty bucket", "s3:///changes/", "the bucket name is empty"],
    ["prefix without trailing slash", "s3://lake-bucket/changes", 'the prefix "changes" does not end with "/" (write "changes/")'],
    ["double slash after bucket", "s3://lake-bucket//changes/", 'the prefix "/changes/" starts with "/"'],
    ["empty segment", "s3://lake-bucket/changes//orders/", 'the prefix "changes//orders/" has an empty path segment ("//")'],
    ["prefix wildcard", "s3://lake-bucket/changes/*", 'the prefix "changes/*" uses a wildcard (name the exact prefix)'],
    ["ARN prefix wildcard", "arn:aws:s3:::lake-bucket/changes*", 'the prefix "changes*" uses a wildcard (name the exact prefix)'],
    ["ARN with region", "arn:aws:s3:us-west-2:123456789012:lake-bucket/", "S3 bucket ARNs have an empty region and account (arn:aws:s3:::bucket/prefix/*)"],
    ["table ARN", `${T}/orders`, 'it is an ARN for service "dynamodb", not s3'],
    ["ARN with unknown partition", "arn:awz:s3:::lake-bucket", `the partition "awz" is not one of ${PARTITION_LIST}`],
    ["empty ARN resource", "arn:aws:s3:::", "the bucket name is empty"],
  ];
  for (const [name, pattern, problem] of malformed) {
    void it(`rejects ${name}`, () => throwsExactly(() => parseS3Location(pattern), `S3 location ${JSON.stringify(pattern)}: ${problem}; expected ${S3_FORM}`));
  }
});

void describe("the other parsers", () => {
  void it("parses a delivery stream ARN and rejects one without deliverystream/", () => {
    assert.deepEqual(parseDeliveryStreamArn("arn:aws:firehose:us-west-2:123456789012:deliverystream/orders-changes"), {
      partition: "aws",
      region: "us-west-2",
      account: "123456789012",
      arn: "arn:aws:firehose:us-west-2:123456789012:deliverystream/orders-changes",
    });
    throwsExactly(
      () => parseDeliveryStreamArn("arn:aws:firehose:us-west-2:123456789012:orders-changes"),
      'Firehose delivery stream ARN "arn:aws:firehose:us-west-2:123456789012:orders-changes": the resource "orders-changes" does not start with deliverystream/; expected arn:<partition>:firehose:<region>:<account>:deliverystream/<name>',
    );
  });

  void it("parses a FIFO queue ARN and rejects a queue URL", () => {
    assert.equal(parseQueueArn("arn:aws:sqs:us-west-2:123456789012:dlq.fifo").arn, "arn:aws:sqs:us-west-2:123456789012:dlq.fifo");
    throwsExactly(
      () => parseQueueArn("https://sqs.us-west-2.amazonaws.com/123456789012/dlq"),
      'SQS queue ARN "https://sqs.us-west-2.amazonaws.com/123456789012/dlq": it is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>); expected arn:<partition>:sqs:<region>:<account>:<queue-name>',
    );
  });

  void it('drops the ":*" some APIs append to a log group ARN', () => {
    const arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/orders-capture";
    assert.equal(parseLogGroupArn(`${arn}:*`).arn, arn);
    assert.equal(parseLogGroupArn(arn).arn, arn);
    throwsExactly(
      () => parseLogGroupArn("arn:aws:logs:us-west-2:123456789012:/aws/lambda/orders-capture"),
      'log group ARN "arn:aws:logs:us-west-2:123456789012:/aws/lambda/orders-capture": the resource "/aws/lambda/orders-capture" does not start with log-group:; expected arn:<partition>:logs:<region>:<account>:log-group:<name>, e.g. arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/capture',
    );
  });

  void it("asks for the key ARN when given a KMS alias", () => {
    throwsExactly(
      () => parseKmsKeyArn("arn:aws:kms:us-west-2:123456789012:alias/lake"),
      'KMS key ARN "arn:aws:kms:us-west-2:123456789012:alias/lake": it is an alias ARN; key permissions are granted on the key ARN (arn:…:key/<key-id>); expected arn:<partition>:kms:<region>:<account>:key/<key-id>',
    );
  });

  void it("checks a scope like an ARN's envelope", () => {
    const scope: Scope = { partition: "aws-us-gov", region: "us-gov-east-1", account: "*" };
    assert.deepEqual(parseScope(scope), scope);
    throwsExactly(
      () => parseScope({ partition: "aws", region: "us-west-2", account: "12345" }),
      'scope {"partition":"aws","region":"us-west-2","account":"12345"}: the account "12345" is not 12 digits (or * for any); expected { partition: "aws", region: "us-west-2", account: "123456789012" } (region and account exact or *)',
    );
  });

  void it("checks key prefixes and catalog names", () => {
    assert.equal(parseKeyPrefix("readPrefix", "changes/orders/"), "changes/orders/");
    throwsExactly(
      () => parseKeyPrefix("readPrefix", ""),
      'readPrefix "": the prefix is empty (it would grant the whole bucket); expected a key prefix like "changes/orders/" (no leading "/", ending in "/", no wildcards)',
    );
    throwsExactly(
      () => parseCatalogName("Glue table name", "Orders_Current"),
      'Glue table name "Orders_Current": it is not 1-255 characters of a-z 0-9 _; expected a catalog name such as orders_current (see catalogName() in infra/layout.ts)',
    );
  });
});
