/**
 * The shared fake AWS (pulumi-mocks.ts) plus what the lake components read from
 * a looked-up table: its key schema and point-in-time recovery; and a folder of
 * stand-in Glue scripts, so tests do not depend on the real scripts' bytes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockCloud, useCloud } from "./pulumi-mocks";

export interface FakeTableKeys {
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: { name: string; type: string }[];
  readonly pointInTimeRecovery: boolean;
}

/** The usual example table's keys: pk (S) and sk (N), with point-in-time recovery on. */
export function ordersTableKeys(): FakeTableKeys {
  return {
    hashKey: "pk",
    rangeKey: "sk",
    attributes: [
      { name: "pk", type: "S" },
      { name: "sk", type: "N" },
    ],
    pointInTimeRecovery: true,
  };
}

export class LakeMockCloud extends MockCloud {
  readonly tableKeys = new Map<string, FakeTableKeys>();

  override reset(): void {
    super.reset();
    this.tableKeys.clear();
  }

  /** A table that exists in the account, as getTable describes it. */
  addLakeTable(name: string, keys: FakeTableKeys): this {
    this.addTable({ name, streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
    this.tableKeys.set(name, keys);
    return this;
  }

  override call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const out = super.call(args);
    if (args.token !== "aws:dynamodb/getTable:getTable") return out;
    const keys = this.tableKeys.get(out.name as string);
    if (!keys) return out;
    return {
      ...out,
      hashKey: keys.hashKey,
      rangeKey: keys.rangeKey ?? "",
      attributes: keys.attributes,
      pointInTimeRecovery: { enabled: keys.pointInTimeRecovery, recoveryPeriodInDays: keys.pointInTimeRecovery ? 35 : 0 },
    };
  }
}

/** Like useMockCloud, with the lake's table facts; installed once per test file, emptied per test. */
export function useLakeMockCloud(preview = false): Promise<LakeMockCloud> {
  return useCloud(LakeMockCloud, preview);
}

/** Writes a stand-in scripts folder: the job scripts, the package, and files that must not be shipped. */
export function fakeScriptsDirectory(extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-scripts-"));
  const files: Record<string, string> = {
    "load_snapshot.py": "print('load')\n",
    "compact.py": "print('compact')\n",
    "maintenance.py": "print('maintenance')\n",
    "reconcile.py": "print('reconcile')\n",
    "conftest.py": "# test helper\n",
    "dynamodb_lake/__init__.py": "",
    "dynamodb_lake/transforms.py": "X = 1\n",
    "dynamodb_lake/io/__init__.py": "",
    "dynamodb_lake/io/s3.py": "Y = 2\n",
    "dynamodb_lake/__pycache__/transforms.cpython-311.pyc": "compiled",
    "dynamodb_lake/tests/test_transforms.py": "def test(): pass\n",
    "dynamodb_lake/tests/factories.py": "F = 1\n",
    "tests/test_compact.py": "def test(): pass\n",
    ...extra,
  };
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
