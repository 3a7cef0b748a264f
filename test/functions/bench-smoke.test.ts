import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { averageImageBytes, benchRecords } from "../../bench/fixtures";
import { benchDeps, measureFidelity, runVariant, VARIANTS } from "../../bench/handler.bench";

void describe("capture benchmark (smoke)", () => {
  void it("uses ~1 KB items, runs every variant, and finds the usual way lossy and ours exact", async () => {
    // Prepare
    const records = benchRecords(50);
    // Act
    const bytes = await Promise.all(VARIANTS.map((variant) => runVariant(variant, records, benchDeps())));
    const fidelity = await measureFidelity(records);
    // Assess
    const size = averageImageBytes(records);
    assert.ok(size > 900 && size < 1_200, `items are ${size} bytes`);
    assert.ok(bytes.every((b) => b > 50 * 500));
    assert.equal(fidelity.handlerDigitLoss, 0);
    assert.deepEqual([fidelity.numbers, fidelity.sets, fidelity.usualSetsLost], [675, 150, 150]);
    assert.equal(fidelity.usualDigitLoss, 75, "every 38-digit decimal price loses digits through a double");
  });
});
