import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkReadPercent, compactArguments, glueRuntimeArguments, icebergSparkConf, jobArgv, loadSnapshotArguments, maintenanceArguments, reconcileArguments, tableJobArguments } from "../../infra/glue-job-arguments";
import { keyAttributes } from "../../infra/source-table-checks";
import { parseKeySchema } from "../../infra/views/table-spec";

void describe("icebergSparkConf", () => {
  void it("chains the Iceberg settings of the `lake` catalog inside Glue's one --conf", () => {
    assert.equal(
      icebergSparkConf("s3://b/warehouse/"),
      "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions" +
        " --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog" +
        " --conf spark.sql.catalog.lake.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog" +
        " --conf spark.sql.catalog.lake.io-impl=org.apache.iceberg.aws.s3.S3FileIO" +
        " --conf spark.sql.catalog.lake.warehouse=s3://b/warehouse/",
    );
  });
});

void describe("glueRuntimeArguments", () => {
  void it("turns on Iceberg, ships the package, keeps bookmarks off and logs and metrics on", () => {
    assert.deepEqual(glueRuntimeArguments("s3://b/warehouse/", "s3://b/_assets/glue/h/dynamodb_lake.zip"), {
      "--job-language": "python",
      "--datalake-formats": "iceberg",
      "--conf": icebergSparkConf("s3://b/warehouse/"),
      "--extra-py-files": "s3://b/_assets/glue/h/dynamodb_lake.zip",
      "--job-bookmark-option": "job-bookmark-disable",
      "--enable-continuous-cloudwatch-log": "true",
      "--enable-metrics": "true",
      "--enable-observability-metrics": "true",
    });
  });
});

void describe("tableJobArguments", () => {
  const base = { tableName: "Orders", database: "lake_db", bucket: "b-1", warehouseUri: "s3://b-1/warehouse/", region: "eu-west-1" };

  void it("writes the script contract's arguments; declared columns sorted so object order does not matter", () => {
    const keys = [
      { name: "pk", type: "S" as const },
      { name: "sk", type: "N" as const, columnType: "string" },
    ];
    const a = tableJobArguments({ ...base, keys, declaredColumns: { status: "string", amount: "decimal(38,2)" } });
    const b = tableJobArguments({ ...base, keys, declaredColumns: { amount: "decimal(38,2)", status: "string" } });
    assert.deepEqual(a, {
      "--table_name": "Orders",
      "--database": "lake_db",
      "--catalog_impl": "glue",
      "--warehouse": "s3://b-1/warehouse/",
      "--key_schema": "pk:S,sk:N:string",
      "--declared_columns": '{"amount":"decimal(38,2)","status":"string"}',
      "--region": "eu-west-1",
    });
    assert.deepEqual(b, a);
    assert.deepEqual(parseKeySchema(a["--key_schema"]), keys, "the scripts read back the same keys");
  });

  void it("rejects a spec the scripts would fail on, naming the field", () => {
    assert.throws(() => tableJobArguments({ ...base, keys: [{ name: "pk", type: "S" }], declaredColumns: { pk: "string" } }), {
      message: 'declared column "pk" maps to column pk, already used by key attribute "pk"; declare another attribute or drop it',
    });
    assert.throws(() => tableJobArguments({ ...base, database: "Bad-Db", keys: [{ name: "pk", type: "S" }], declaredColumns: {} }), /^Error: database "Bad-Db" must be/);
  });
});

void describe("the job scripts' arguments", () => {
  const table = {
    tableName: "Orders",
    database: "lake_db",
    bucket: "b-1",
    keys: [{ name: "pk", type: "S" as const }],
    declaredColumns: {},
    region: "eu-west-1",
  };
  const common = {
    "--table_name": "Orders",
    "--database": "lake_db",
    "--catalog_impl": "glue",
    "--warehouse": "s3://b-1/warehouse/",
    "--key_schema": "pk:S",
    "--declared_columns": "{}",
    "--region": "eu-west-1",
  };
  const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders";

  void it("load_snapshot: starts a PITR export into exports/<table>/ by default, 16 buckets, not a repair", () => {
    assert.deepEqual(loadSnapshotArguments({ ...table, tableArn }), {
      ...common,
      "--buckets": "16",
      "--mode": "export",
      "--start_export": "true",
      "--export_uri": "s3://b-1/exports/Orders/",
      "--table_arn": tableArn,
      "--export_bucket": "b-1",
      "--export_prefix": "exports/Orders/",
      "--repair": "false",
    });
    assert.throws(() => loadSnapshotArguments(table), { message: 'table Orders: snapshot mode "export" starts an export and needs the table\'s ARN (or give exportUri)' });
  });

  void it("load_snapshot: a table in another account is exported by its exporter role into the lake account's bucket", () => {
    const elsewhere = "arn:aws:dynamodb:eu-west-1:444455556666:table/Orders";
    const exporterRoleArn = "arn:aws:iam::444455556666:role/lake-orders-exporter";
    assert.deepEqual(loadSnapshotArguments({ ...table, tableArn: elsewhere, exporterRoleArn, exportBucketOwner: "123456789012" }), {
      ...common,
      "--buckets": "16",
      "--mode": "export",
      "--start_export": "true",
      "--export_uri": "s3://b-1/exports/Orders/",
      "--table_arn": elsewhere,
      "--export_bucket": "b-1",
      "--export_prefix": "exports/Orders/",
      "--exporter_role_arn": exporterRoleArn,
      "--export_bucket_owner": "123456789012",
      "--repair": "false",
    });
    const half = "table Orders: an export from another account needs both exporterRoleArn (the role there) and exportBucketOwner (the lake's account)";
    assert.throws(() => loadSnapshotArguments({ ...table, tableArn: elsewhere, exporterRoleArn }), { message: half });
    assert.throws(() => loadSnapshotArguments({ ...table, tableArn: elsewhere, exportBucketOwner: "123456789012" }), { message: half });
    const notStarted = 'table Orders: exporterRoleArn and exportBucketOwner are for an export the job starts (mode "export" without exportUri)';
    assert.throws(() => loadSnapshotArguments({ ...table, mode: "glue", tableArn: elsewhere, exporterRoleArn, exportBucketOwner: "1" }), { message: notStarted });
    assert.throws(() => loadSnapshotArguments({ ...table, exportUri: "s3://b-1/exports/Orders/", exporterRoleArn, exportBucketOwner: "1" }), { message: notStarted });
  });

  void it("load_snapshot: scans at the default share of read capacity, or loads a given export", () => {
    assert.deepEqual(loadSnapshotArguments({ ...table, mode: "glue", buckets: 64 }), {
      ...common,
      "--buckets": "64",
      "--mode": "scan",
      "--read_percent": "0.25",
      "--repair": "false",
    });
    // Given the ARN, the scan reads the table by it (a table in another account).
    assert.deepEqual(loadSnapshotArguments({ ...table, mode: "glue", tableArn }), {
      ...common,
      "--buckets": "16",
      "--mode": "scan",
      "--read_percent": "0.25",
      "--table_arn": tableArn,
      "--repair": "false",
    });
    assert.deepEqual(loadSnapshotArguments({ ...table, exportUri: "s3://b-1/exports/Orders/AWSDynamoDB/01/", repair: true }), {
      ...common,
      "--buckets": "16",
      "--mode": "export",
      "--export_uri": "s3://b-1/exports/Orders/AWSDynamoDB/01/",
      "--repair": "true",
    });
  });

  void it("compact: the table's changes, quarantine and ledger prefixes, metrics on, the snapshot job when given", () => {
    assert.deepEqual(compactArguments({ ...table, snapshotJobName: "orders-snapshot" }), {
      ...common,
      "--changes_uri": "s3://b-1/changes/Orders/",
      "--quarantine_uri": "s3://b-1/quarantine/Orders/",
      "--state_uri": "s3://b-1/_lake/Orders/",
      "--metrics": "true",
      "--start_snapshot_job": "orders-snapshot",
    });
  });

  void it("maintenance: the ledger prefix and both retentions (72 h and 168 h by default)", () => {
    assert.deepEqual(maintenanceArguments(table), {
      ...common,
      "--state_uri": "s3://b-1/_lake/Orders/",
      "--older_than_hours": "72",
      "--tombstone_retention_hours": "168",
    });
    assert.throws(() => maintenanceArguments({ ...table, tombstoneRetentionHours: 0 }), /^Error: tombstoneRetentionHours must be a positive number of hours; got 0$/);
  });

  void it("reconcile: a scan at a quarter of the read capacity by default, or an export", () => {
    assert.deepEqual(reconcileArguments(table), { ...common, "--scan": "true", "--read_percent": "0.25" });
    assert.deepEqual(reconcileArguments({ ...table, tableArn }), { ...common, "--scan": "true", "--read_percent": "0.25", "--table_arn": tableArn });
    assert.deepEqual(reconcileArguments({ ...table, exportUri: "s3://b-1/exports/Orders/" }), { ...common, "--export_uri": "s3://b-1/exports/Orders/" });
  });

  void it("takes the local pipeline's overrides: folder catalog, warehouse and lake root", () => {
    const local = { ...table, catalogImpl: "hadoop" as const, warehouseUri: "/tmp/w", lakeUri: "s3://local-lake" };
    assert.deepEqual(compactArguments({ ...local, metrics: false }), {
      ...common,
      "--catalog_impl": "hadoop",
      "--warehouse": "/tmp/w",
      "--changes_uri": "s3://local-lake/changes/Orders/",
      "--quarantine_uri": "s3://local-lake/quarantine/Orders/",
      "--state_uri": "s3://local-lake/_lake/Orders/",
      "--metrics": "false",
    });
  });

  void it("jobArgv writes the map as a command line, in order", () => {
    assert.deepEqual(jobArgv({ "--a": "1", "--b": "", "--c": "x y" }), ["--a", "1", "--b", "", "--c", "x y"]);
  });
});

void describe("checkReadPercent", () => {
  const problem = "must be above 0 and at most 1 (a share of the table's read capacity, e.g. 0.25)";
  void it("accepts a share above 0 up to the whole read capacity and writes the number as given", () => {
    for (const [ok, written] of [[0.01, "0.01"], [0.05, "0.05"], [1, "1"]] as const) assert.equal(checkReadPercent(ok), written);
  });
  void it("rejects more than the table's read capacity, nothing, negatives and NaN", () => {
    for (const bad of [1.01, 1.5, 0, -0.25, -1, Number.NaN]) assert.throws(() => checkReadPercent(bad), { message: `readPercent ${problem}; got ${bad}` });
  });
  void it("names the setting it checks", () => {
    for (const bad of [0, 1.5, -0.25, Number.NaN]) assert.throws(() => checkReadPercent(bad, "reconcile readPercent"), { message: `reconcile readPercent ${problem}; got ${bad}` });
  });
});

void describe("keyAttributes", () => {
  const attributes = [
    { name: "pk", type: "S" },
    { name: "sk", type: "N" },
    { name: "blob", type: "B" },
    { name: "gsi_pk", type: "S" },
  ];

  void it("lists the partition key, then the sort key, with their types", () => {
    assert.deepEqual(keyAttributes("t1", "pk", "sk", attributes), [
      { name: "pk", type: "S" },
      { name: "sk", type: "N" },
    ]);
    assert.deepEqual(keyAttributes("t1", "blob", undefined, attributes), [{ name: "blob", type: "B" }]);
    assert.deepEqual(keyAttributes("t1", "sk", "pk", attributes), [
      { name: "sk", type: "N" },
      { name: "pk", type: "S" },
    ]);
  });

  void it("applies column types to number keys only", () => {
    assert.deepEqual(keyAttributes("t1", "pk", "sk", attributes, { sk: "decimal(38,6)" }), [
      { name: "pk", type: "S" },
      { name: "sk", type: "N", columnType: "decimal(38,6)" },
    ]);
    assert.throws(() => keyAttributes("t1", "pk", "sk", attributes, { pk: "string" }), {
      message: "table t1: keyColumnTypes.pk is only allowed for number (N) keys; pk is S",
    });
    assert.throws(() => keyAttributes("t1", "pk", "sk", attributes, { gsi_pk: "string" }), {
      message: 'table t1: keyColumnTypes names "gsi_pk", which is not a key attribute (pk, sk)',
    });
  });

  void it("needs an attribute definition for each key", () => {
    assert.throws(() => keyAttributes("t1", "missing", undefined, attributes), {
      message: 'table t1: key attribute "missing" needs an attribute definition of type S, N or B (found undefined)',
    });
  });
});
