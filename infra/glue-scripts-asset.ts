/**
 * Uploads the Glue job scripts, their shared Python package and the snapshot
 * and compaction jobs' parser jar from the repo
 * at deploy, under a prefix named by their content hash: a changed script gets
 * a new key, so a running job never sees a half-updated set of files.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAKE_PREFIXES } from "./layout";

/** The job scripts the lake's components run; each must be in the scripts folder. */
export const REQUIRED_SCRIPTS = ["load_snapshot", "compact", "maintenance", "reconcile"] as const;
/** The shared package, shipped as `<package>.zip` through `--extra-py-files`. */
export const PYTHON_PACKAGE = "dynamodb_lake";
/** The export and delta parsers (Spark SQL functions), built from jvm/ by scripts/setup.sh and passed to the snapshot and compaction jobs with `--extra-jars`. */
export const SNAPSHOT_PARSER_JAR = "dynamodb-lake-udf.jar";
/** Where deployed scripts live, under the per-content-hash folder. */
export const GLUE_ASSETS_PREFIX = `${LAKE_PREFIXES.assets}glue/`;

export interface GlueScriptsArgs {
  /** Name of the lake bucket the scripts are uploaded to. */
  readonly bucket: pulumi.Input<string>;
  /**
   * Folder holding the job scripts (`*.py`) and the `dynamodb_lake/` package.
   * Default: the package's own `glue-scripts/` folder.
   */
  readonly scriptsDirectory?: string;
  /** The parser jar (export and delta lines). Default: the package's own `jvm/target/dynamodb-lake-udf.jar` (built by `./scripts/setup.sh`). */
  readonly snapshotParserJar?: string;
}

export interface ScriptFile {
  /** Path relative to the scripts folder, with `/` separators. */
  readonly relativePath: string;
  readonly absolutePath: string;
}

/** The default scripts folder, whether this file runs from the sources (infra/) or the build (dist/infra/). */
export function defaultScriptsDirectory(): string {
  const candidates = [path.resolve(__dirname, "..", "glue-scripts"), path.resolve(__dirname, "..", "..", "glue-scripts")];
  return candidates.find((c) => fs.existsSync(path.join(c, PYTHON_PACKAGE))) ?? (candidates[0] as string);
}

/** The default parser jar, whether this file runs from the sources (infra/) or the build (dist/infra/). */
export function defaultSnapshotParserJar(): string {
  const candidates = [path.resolve(__dirname, "..", "jvm", "target", SNAPSHOT_PARSER_JAR), path.resolve(__dirname, "..", "..", "jvm", "target", SNAPSHOT_PARSER_JAR)];
  return candidates.find((c) => fs.existsSync(c)) ?? (candidates[0] as string);
}

/** The jar must exist at deploy: without it every snapshot and compaction would parse in Python, several times slower. */
export function checkSnapshotParserJar(jar: string): void {
  if (!fs.existsSync(jar)) {
    throw new Error(`snapshot parser jar ${jar} is missing: build it with ./scripts/setup.sh (Maven, jvm/), or set snapshotParserJar to a built ${SNAPSHOT_PARSER_JAR}`);
  }
}

const isPython = (name: string): boolean => name.endsWith(".py");
const isTestFile = (name: string): boolean => name === "conftest.py" || name.startsWith("test_");

/** Job scripts: the folder's top-level `*.py` files, without test helpers. */
export function listJobScripts(dir: string): ScriptFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && isPython(e.name) && !isTestFile(e.name))
    .map((e) => ({ relativePath: e.name, absolutePath: path.join(dir, e.name) }))
    .sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

/** The package's Python sources, recursively, without caches or tests. */
export function listPackageFiles(dir: string): ScriptFile[] {
  const root = path.join(dir, PYTHON_PACKAGE);
  const out: ScriptFile[] = [];
  if (!fs.existsSync(root)) return out;
  const walk = (folder: string): void => {
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, e.name);
      if (e.isDirectory()) {
        if (e.name !== "__pycache__" && e.name !== "tests") walk(full);
      } else if (e.isFile() && isPython(e.name) && !isTestFile(e.name)) {
        out.push({ relativePath: path.relative(dir, full).split(path.sep).join("/"), absolutePath: full });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

/** A short hash over the names and bytes of the files, in path order: equal folders give equal hashes. */
export function contentHash(files: readonly { relativePath: string; content: Buffer }[]): string {
  const hash = createHash("sha256");
  for (const f of [...files].sort((a, b) => a.relativePath.localeCompare(b.relativePath))) {
    hash.update(f.relativePath).update("\0").update(String(f.content.length)).update("\0").update(f.content);
  }
  return hash.digest("hex").slice(0, 16);
}

/** Checks the folder has what the jobs run; the message names the folder and what is missing. */
export function checkScriptsDirectory(dir: string, scripts: readonly ScriptFile[], pkg: readonly ScriptFile[]): void {
  const names = new Set(scripts.map((s) => s.relativePath));
  const missing = REQUIRED_SCRIPTS.map((s) => `${s}.py`).filter((s) => !names.has(s));
  if (pkg.length === 0) missing.push(`${PYTHON_PACKAGE}/`);
  if (missing.length > 0) {
    throw new Error(`Glue scripts folder ${dir} lacks ${missing.join(", ")}; set scriptsDirectory to the folder holding the Glue job scripts (the package's glue-scripts/)`);
  }
}

export class GlueScripts extends pulumi.ComponentResource {
  /** Content hash of the uploaded files; part of every key. */
  public readonly contentHash: string;
  /** Key prefix of this upload, e.g. `_assets/glue/<hash>/`. */
  public readonly assetsPrefix: string;
  /** `s3://` URI of each job script, by script name without `.py` (e.g. `compact`). */
  public readonly scriptUris: Record<string, pulumi.Output<string>>;
  /** `s3://` URI of the zipped `dynamodb_lake` package, for `--extra-py-files`. */
  public readonly extraPyFilesUri: pulumi.Output<string>;
  /** `s3://` URI of the parser jar, for the snapshot and compaction jobs' `--extra-jars`. */
  public readonly extraJarsUri: pulumi.Output<string>;

  constructor(name: string, args: GlueScriptsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamodb-lake:index:GlueScripts", name, args, opts);
    const dir = path.resolve(args.scriptsDirectory ?? defaultScriptsDirectory());
    if (!fs.existsSync(dir)) {
      throw new Error(`Glue scripts folder ${dir} does not exist; set scriptsDirectory to the folder holding the Glue job scripts`);
    }
    const scripts = listJobScripts(dir);
    const pkg = listPackageFiles(dir);
    checkScriptsDirectory(dir, scripts, pkg);
    const jar = path.resolve(args.snapshotParserJar ?? defaultSnapshotParserJar());
    checkSnapshotParserJar(jar);
    const jarFile: ScriptFile = { relativePath: SNAPSHOT_PARSER_JAR, absolutePath: jar };

    this.contentHash = contentHash([...scripts, ...pkg, jarFile].map((f) => ({ relativePath: f.relativePath, content: fs.readFileSync(f.absolutePath) })));
    this.assetsPrefix = `${GLUE_ASSETS_PREFIX}${this.contentHash}/`;

    this.scriptUris = {};
    for (const script of scripts) {
      const base = script.relativePath.replace(/\.py$/, "");
      const object = new aws.s3.BucketObjectv2(
        `${name}-${base.replace(/_/g, "-")}`,
        {
          bucket: args.bucket,
          key: `${this.assetsPrefix}${script.relativePath}`,
          source: new pulumi.asset.FileAsset(script.absolutePath),
          contentType: "text/x-python",
        },
        { parent: this },
      );
      // Built from the object's outputs so a job that uses the URI waits for the upload.
      this.scriptUris[base] = pulumi.interpolate`s3://${object.bucket}/${object.key}`;
    }

    const archive: Record<string, pulumi.asset.Asset> = {};
    for (const f of pkg) archive[f.relativePath] = new pulumi.asset.FileAsset(f.absolutePath);
    const zip = new aws.s3.BucketObjectv2(
      `${name}-package`,
      {
        bucket: args.bucket,
        key: `${this.assetsPrefix}${PYTHON_PACKAGE}.zip`,
        source: new pulumi.asset.AssetArchive(archive),
        contentType: "application/zip",
      },
      { parent: this },
    );
    this.extraPyFilesUri = pulumi.interpolate`s3://${zip.bucket}/${zip.key}`;

    const jarObject = new aws.s3.BucketObjectv2(
      `${name}-parser-jar`,
      { bucket: args.bucket, key: `${this.assetsPrefix}${SNAPSHOT_PARSER_JAR}`, source: new pulumi.asset.FileAsset(jar), contentType: "application/java-archive" },
      { parent: this },
    );
    this.extraJarsUri = pulumi.interpolate`s3://${jarObject.bucket}/${jarObject.key}`;

    this.registerOutputs({ assetsPrefix: this.assetsPrefix, scriptUris: this.scriptUris, extraPyFilesUri: this.extraPyFilesUri, extraJarsUri: this.extraJarsUri });
  }

  /** URI of one job script; the error names the scripts that exist. */
  public scriptUri(script: string): pulumi.Output<string> {
    const uri = this.scriptUris[script];
    if (!uri) throw new Error(`no Glue script ${script}.py was uploaded (have: ${Object.keys(this.scriptUris).join(", ")})`);
    return uri;
  }
}
