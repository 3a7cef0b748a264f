import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { contentHash, defaultScriptsDirectory, GlueScripts } from "../../infra/glue-scripts-asset";
import { fakeScriptsDirectory, useLakeMockCloud } from "./lake-mocks";
import { settled, valueOf } from "./pulumi-mocks";

const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";

async function assetPath(source: unknown): Promise<string> {
  return (source as pulumi.asset.FileAsset).path;
}

void describe("GlueScripts", () => {
  void it("uploads each job script, the zipped package and the parser jar under the content-hash prefix", async () => {
    const cloud = await useLakeMockCloud();
    const dir = fakeScriptsDirectory();
    const scripts = new GlueScripts("scripts", { bucket: "lake-bucket", scriptsDirectory: dir });
    await settled(scripts);

    const hash = scripts.contentHash;
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(scripts.assetsPrefix, `_assets/glue/${hash}/`);
    const objects = cloud.ofType(OBJECT).map((o) => ({ name: o.name, bucket: o.inputs.bucket, key: o.inputs.key, contentType: o.inputs.contentType }))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(objects, [
      { name: "scripts-compact", bucket: "lake-bucket", key: `_assets/glue/${hash}/compact.py`, contentType: "text/x-python" },
      { name: "scripts-load-snapshot", bucket: "lake-bucket", key: `_assets/glue/${hash}/load_snapshot.py`, contentType: "text/x-python" },
      { name: "scripts-maintenance", bucket: "lake-bucket", key: `_assets/glue/${hash}/maintenance.py`, contentType: "text/x-python" },
      { name: "scripts-package", bucket: "lake-bucket", key: `_assets/glue/${hash}/dynamodb_lake.zip`, contentType: "application/zip" },
      { name: "scripts-parser-jar", bucket: "lake-bucket", key: `_assets/glue/${hash}/dynamodb-lake-udf.jar`, contentType: "application/java-archive" },
      { name: "scripts-reconcile", bucket: "lake-bucket", key: `_assets/glue/${hash}/reconcile.py`, contentType: "text/x-python" },
    ]);
    assert.equal(await assetPath(cloud.one(OBJECT, "scripts-compact").inputs.source), path.join(dir, "compact.py"));
    // The snapshot job's parser, as scripts/setup.sh builds it.
    assert.equal(await assetPath(cloud.one(OBJECT, "scripts-parser-jar").inputs.source), path.resolve(__dirname, "..", "..", "jvm", "target", "dynamodb-lake-udf.jar"));
    assert.equal(await valueOf(scripts.extraJarsUri), `s3://lake-bucket/_assets/glue/${hash}/dynamodb-lake-udf.jar`);

    // The zip holds the package folder itself (so `import dynamodb_lake` works), without caches or tests.
    const archive = cloud.one(OBJECT, "scripts-package").inputs.source as pulumi.asset.AssetArchive;
    const members = await archive.assets;
    const paths: Record<string, string> = {};
    for (const [name, asset] of Object.entries(members)) paths[name] = await assetPath(asset);
    assert.deepEqual(paths, {
      "dynamodb_lake/__init__.py": path.join(dir, "dynamodb_lake/__init__.py"),
      "dynamodb_lake/io/__init__.py": path.join(dir, "dynamodb_lake/io/__init__.py"),
      "dynamodb_lake/io/s3.py": path.join(dir, "dynamodb_lake/io/s3.py"),
      "dynamodb_lake/transforms.py": path.join(dir, "dynamodb_lake/transforms.py"),
    });

    assert.equal(await valueOf(scripts.extraPyFilesUri), `s3://lake-bucket/_assets/glue/${hash}/dynamodb_lake.zip`);
    const uris: Record<string, string> = {};
    for (const [k, v] of Object.entries(scripts.scriptUris)) uris[k] = await valueOf(v);
    assert.deepEqual(uris, {
      compact: `s3://lake-bucket/_assets/glue/${hash}/compact.py`,
      load_snapshot: `s3://lake-bucket/_assets/glue/${hash}/load_snapshot.py`,
      maintenance: `s3://lake-bucket/_assets/glue/${hash}/maintenance.py`,
      reconcile: `s3://lake-bucket/_assets/glue/${hash}/reconcile.py`,
    });
    assert.equal(await valueOf(scripts.scriptUri("compact")), uris.compact);
    assert.throws(() => scripts.scriptUri("repair"), {
      message: "no Glue script repair.py was uploaded (have: compact, load_snapshot, maintenance, reconcile)",
    });
  });

  void it("names the prefix by content: equal folders share it, any shipped change moves it, unshipped files do not", async () => {
    await useLakeMockCloud();
    const hashOf = (dir: string, name: string): string => new GlueScripts(name, { bucket: "b", scriptsDirectory: dir }).contentHash;
    const base = hashOf(fakeScriptsDirectory(), "a");
    assert.equal(hashOf(fakeScriptsDirectory(), "b"), base);
    assert.equal(hashOf(fakeScriptsDirectory({ "tests/test_more.py": "x" }), "c"), base);
    assert.equal(hashOf(fakeScriptsDirectory({ "dynamodb_lake/__pycache__/io.pyc": "y" }), "d"), base);
    assert.notEqual(hashOf(fakeScriptsDirectory({ "compact.py": "print('compact!')\n" }), "e"), base);
    assert.notEqual(hashOf(fakeScriptsDirectory({ "dynamodb_lake/io/s3.py": "Y = 3\n" }), "f"), base);
    assert.notEqual(hashOf(fakeScriptsDirectory({ "dynamodb_lake/new.py": "" }), "g"), base);
    const otherJar = path.join(fakeScriptsDirectory(), "other.jar");
    fs.writeFileSync(otherJar, "a rebuilt parser");
    assert.notEqual(new GlueScripts("h", { bucket: "b", scriptsDirectory: fakeScriptsDirectory(), snapshotParserJar: otherJar }).contentHash, base);
  });

  void it("fails when the parser jar is not built, naming the build", async () => {
    await useLakeMockCloud();
    const jar = path.join(fakeScriptsDirectory(), "target", "dynamodb-lake-udf.jar");
    assert.throws(() => new GlueScripts("no-jar", { bucket: "b", scriptsDirectory: fakeScriptsDirectory(), snapshotParserJar: jar }), {
      message: `snapshot parser jar ${jar} is missing: build it with ./scripts/setup.sh (Maven, jvm/), or set snapshotParserJar to a built dynamodb-lake-udf.jar`,
    });
  });

  void it("fails naming the folder and what it lacks", async () => {
    await useLakeMockCloud();
    const noCompact = fakeScriptsDirectory();
    fs.rmSync(path.join(noCompact, "compact.py"));
    assert.throws(() => new GlueScripts("x", { bucket: "b", scriptsDirectory: noCompact }), {
      message: `Glue scripts folder ${noCompact} lacks compact.py; set scriptsDirectory to the folder holding the Glue job scripts (the package's glue-scripts/)`,
    });
    const noPackage = fakeScriptsDirectory();
    fs.rmSync(path.join(noPackage, "dynamodb_lake"), { recursive: true });
    assert.throws(() => new GlueScripts("y", { bucket: "b", scriptsDirectory: noPackage }), {
      message: `Glue scripts folder ${noPackage} lacks dynamodb_lake/; set scriptsDirectory to the folder holding the Glue job scripts (the package's glue-scripts/)`,
    });
    const missing = path.join(noPackage, "nowhere");
    assert.throws(() => new GlueScripts("z", { bucket: "b", scriptsDirectory: missing }), {
      message: `Glue scripts folder ${missing} does not exist; set scriptsDirectory to the folder holding the Glue job scripts`,
    });
  });

  void it("defaults to the repository's glue-scripts folder, which has every script the jobs run", async () => {
    await useLakeMockCloud();
    assert.equal(defaultScriptsDirectory(), path.resolve(__dirname, "..", "..", "glue-scripts"));
    const scripts = new GlueScripts("repo-scripts", { bucket: "b" });
    for (const script of ["load_snapshot", "compact", "maintenance", "reconcile"]) {
      assert.ok(Object.keys(scripts.scriptUris).includes(script), `glue-scripts/${script}.py is uploaded`);
    }
    await settled(scripts);
  });
});

void describe("contentHash", () => {
  const file = (relativePath: string, text: string): { relativePath: string; content: Buffer } => ({ relativePath, content: Buffer.from(text) });

  void it("ignores the order files are listed in", () => {
    assert.equal(contentHash([file("a.py", "1"), file("b.py", "2")]), contentHash([file("b.py", "2"), file("a.py", "1")]));
  });

  void it("tells apart moving bytes between a name and its content", () => {
    assert.notEqual(contentHash([file("a.py", "bc")]), contentHash([file("a.pyb", "c")]));
    assert.notEqual(contentHash([file("a.py", "1"), file("b.py", "")]), contentHash([file("a.py", ""), file("b.py", "1")]));
  });
});
