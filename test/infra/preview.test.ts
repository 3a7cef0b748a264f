/**
 * The same checks during `pulumi preview` (dryRun): invokes run, so a bad table fails the preview
 * itself, before anything is created.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TableCapture } from "../../infra/table-capture";
import { assertOnlyFailure, itRunsAsPreview, previewFailures, settled, streamArnOf, useMockCloud, valueOf } from "./pulumi-mocks";

void describe("TableCapture during a preview", () => {
  itRunsAsPreview(useMockCloud);

  void it("plans a table with a NEW_AND_OLD_IMAGES stream, its stream ARN known at preview", async () => {
    const cloud = await useMockCloud(true);
    cloud.addTable({ name: "orders", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
    cloud.buckets.add("my-lake");
    const capture = new TableCapture("orders", { table: "orders", bucket: { existingBucketName: "my-lake" } });
    await settled(capture);
    assert.equal(await valueOf(capture.streamArn), streamArnOf("orders"));
    assert.equal(cloud.one("aws:lambda/eventSourceMapping:EventSourceMapping", "orders-stream").inputs.eventSourceArn, streamArnOf("orders"));
  });

  void it("fails the preview for a table without a stream, naming the fix", async () => {
    const cloud = await useMockCloud(true);
    cloud.addTable({ name: "plain", streamEnabled: false });
    cloud.buckets.add("my-lake");
    const failures = await previewFailures(async () => {
      await assert.rejects(settled(new TableCapture("plain", { table: "plain", bucket: { existingBucketName: "my-lake" } })));
    });
    assertOnlyFailure(
      failures,
      "table plain has no stream: enable streams with stream_view_type NEW_AND_OLD_IMAGES: aws dynamodb update-table --table-name plain --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    );
    assert.equal(cloud.ofType("aws:lambda/eventSourceMapping:EventSourceMapping").length, 0);
  });
});
