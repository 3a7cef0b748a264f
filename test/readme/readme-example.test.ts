/**
 * The README's examples ("Reusing the components", "A table in another account") must compile
 * against the package as it is: a stale example is the first thing a new user copies.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = resolve(__dirname, "..", "..");

function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

describe("README", () => {
  it("has TypeScript examples (reusing the components, a table in another account), and each typechecks", () => {
    // Prepare
    const blocks = typescriptBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    assert.equal(blocks.length, 2, "expected exactly two ```ts blocks in README.md");
    const dir = mkdtempSync(join(tmpdir(), "readme-example-"));
    try {
      blocks.forEach((block, i) => {
        const file = join(dir, `example-${i}.ts`);
        writeFileSync(file, block);
        // Act
        const program = ts.createProgram([file], {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.CommonJS,
          moduleResolution: ts.ModuleResolutionKind.Node10,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules", "@types")],
          baseUrl: ROOT,
          paths: { "dynamodb-lake": ["infra/index.ts"], "*": ["node_modules/*"] },
        });
        const problems = ts
          .getPreEmitDiagnostics(program)
          .map((d) => `${d.file ? `${d.file.fileName}:` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        // Assess
        assert.deepEqual(problems, [], `README ts block ${i + 1}`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
