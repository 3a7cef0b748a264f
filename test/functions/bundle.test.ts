import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { bundleStreamToFirehose, writeBundle } from "../../functions/bundle";

void describe("bundleStreamToFirehose", () => {
  void it("is byte-for-byte the same on every run, without paths of this machine, so deploys only change when the code does", async () => {
    // Act
    const first = await bundleStreamToFirehose();
    const second = await bundleStreamToFirehose();
    // Assess
    assert.equal(first.code, second.code);
    assert.equal(first.sourcemap, second.sourcemap);
    assert.ok(!first.code.includes(path.resolve(__dirname, "..", "..")), "no absolute path in the code");
    assert.ok(first.code.endsWith("//# sourceMappingURL=index.js.map\n"));
    // Everything but Node's own modules is inside; the one exception is the SDK's optional
    // SigV4a signer, required inside a try and only for multi-region access points.
    const required = new Set([...first.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? "").filter((m) => !m.startsWith("node:")));
    assert.deepEqual([...required], ["@aws-sdk/signature-v4-crt"]);
  });

  void it("writes index.js and index.js.map into a new folder and the module exports handler", async () => {
    // Prepare
    const dir = path.join(await mkdtemp(path.join(tmpdir(), "bundle-test-")), "nested");
    try {
      // Act
      const file = await writeBundle(dir);
      // Assess
      assert.equal(file, path.join(dir, "index.js"));
      assert.equal(await readFile(file, "utf8"), (await bundleStreamToFirehose()).code);
      assert.ok(JSON.parse(await readFile(path.join(dir, "index.js.map"), "utf8")));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(file) as Record<string, unknown>;
      assert.deepEqual(Object.keys(loaded), ["handler"]);
      assert.equal(typeof loaded.handler, "function");
    } finally {
      await rm(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
