"""DynamoDB full exports in the AWS layout:
<prefix>/AWSDynamoDB/<export-id>/manifest-summary.json, manifest-files.json, data/*.json.gz."""
from __future__ import annotations

import json
import posixpath
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from . import storage

SUMMARY = "manifest-summary.json"
FILES = "manifest-files.json"


@dataclass(frozen=True)
class Export:
    directory: str
    data_files: tuple[str, ...]
    export_ms: int
    item_count: int | None
    has_manifest: bool
    # The snapshot horizon T: every change made before it is in the export. 0 when unknown (a
    # manifest-less directory: its files' modification time is later than the point in time).
    horizon_ms: int = 0


def _iso_ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _summary(directory: str) -> dict | None:
    uri = storage.join(directory, SUMMARY)
    return json.loads(storage.read_bytes(uri)) if storage.exists(uri) else None


def _data_files(directory: str, summary: dict | None, listing: list[storage.ObjectInfo]) -> list[str]:
    manifest = storage.join(directory, FILES)
    if summary is not None and storage.exists(manifest):
        names = [posixpath.basename(json.loads(line)["dataFileS3Key"])
                 for line in storage.read_bytes(manifest).decode("utf-8").splitlines() if line.strip()]
        return [storage.join(directory, "data", name) for name in names]
    data_prefix = storage.join(directory, "data") + "/"
    return [o.uri for o in listing if o.uri.startswith(data_prefix) and not o.uri.endswith(".md5")]


def load_export(directory: str) -> Export:
    """One export directory. Without manifests (an emulator's export) the data/ files are listed and the
    export time is taken from their newest modification time."""
    listing = storage.list_objects(directory)
    summary = _summary(directory)
    if summary is not None and summary.get("exportStatus", "COMPLETED") != "COMPLETED":
        raise ValueError(f"export {directory} has status {summary.get('exportStatus')}: wait for it or pick another")
    files = _data_files(directory, summary, listing)
    if not files:
        raise ValueError(f"no data files under {directory}/data/: is --export_uri an export directory?")
    if summary is not None:
        export_ms = _iso_ms(summary["exportTime"])
        count = summary.get("itemCount")
    else:
        export_ms = max(o.mtime_ms for o in listing if o.uri in set(files))
        count = None
    return Export(directory.rstrip("/"), tuple(files), export_ms, count, summary is not None,
                  export_ms if summary is not None else 0)


def find_export(uri: str) -> Export:
    """--export_uri is one export directory, or a folder of exports (newest COMPLETED one wins)."""
    listing = storage.list_objects(uri)
    base = uri.rstrip("/")
    if any(o.uri in (storage.join(base, SUMMARY),) or o.uri.startswith(storage.join(base, "data") + "/")
           for o in listing):
        return load_export(base)
    completed = []
    for obj in listing:
        parts = obj.uri.rsplit("/", 3)
        if len(parts) == 4 and parts[1] == "AWSDynamoDB" and parts[3] == SUMMARY:
            summary = json.loads(storage.read_bytes(obj.uri))
            if summary.get("exportStatus") == "COMPLETED":
                completed.append((_iso_ms(summary["exportTime"]), obj.uri.rsplit("/", 1)[0]))
    if not completed:
        raise ValueError(f"no completed export (AWSDynamoDB/<id>/{SUMMARY} with exportStatus COMPLETED) under {uri}; "
                         "point --export_uri at one export directory …/AWSDynamoDB/<id>/ to load it without a manifest")
    return load_export(max(completed)[1])


def export_dirs(uri: str) -> set[str]:
    return {o.uri.rsplit("/data/", 1)[0] for o in storage.list_objects(uri) if "/AWSDynamoDB/" in o.uri and "/data/" in o.uri} | {
        o.uri.rsplit("/", 1)[0] for o in storage.list_objects(uri) if o.uri.endswith("/" + SUMMARY)}


def start_export(dynamodb, table_arn: str, bucket: str, prefix: str, poll_seconds: float,
                 say: Callable[[str], None] = print, sleep: Callable[[float], None] = time.sleep,
                 bucket_owner: str | None = None) -> Export:
    """ExportTableToPointInTime (PITR must be on), waits with progress lines, returns the export.
    bucket_owner: the bucket's account when the table is in another one (dynamodb is then a client of the
    table's account, which alone may export it); the export's objects then belong to the bucket's account."""
    target = f"s3://{bucket}/{prefix.strip('/')}" if prefix.strip("/") else f"s3://{bucket}"
    before = export_dirs(target)
    started = time.time()
    # Without ExportTime the export is of the table at request time: an emulator exports then (never
    # later than the request is a safe horizon), AWS exports the latest restorable time.
    requested_ms = int(started * 1000)
    owner = {"S3BucketOwner": bucket_owner} if bucket_owner else {}
    response = dynamodb.export_table_to_point_in_time(TableArn=table_arn, S3Bucket=bucket, S3Prefix=prefix.strip("/"),
                                                      ExportFormat="DYNAMODB_JSON", **owner)
    arn = response["ExportDescription"]["ExportArn"]
    say(f"export started: {arn} → {target}/AWSDynamoDB/")
    while True:
        description = dynamodb.describe_export(ExportArn=arn)["ExportDescription"]
        status = description["ExportStatus"]
        say(f"export {status} after {time.time() - started:.0f}s")
        if status == "COMPLETED":
            break
        if status == "FAILED":
            raise RuntimeError(f"export {arn} failed: {description.get('FailureCode')} {description.get('FailureMessage')}")
        sleep(poll_seconds)
    manifest = description.get("ExportManifest")
    if manifest:
        return load_export(f"s3://{bucket}/{posixpath.dirname(manifest)}")
    # Emulators may return no ExportManifest: the new export directory is the one that appeared.
    fresh = sorted(export_dirs(target) - before)
    if len(fresh) != 1:
        raise RuntimeError(f"cannot tell which export directory under {target} belongs to {arn}: {fresh}")
    export = load_export(fresh[0])
    export_ms = int(description["ExportTime"].timestamp() * 1000) if description.get("ExportTime") else requested_ms
    return Export(export.directory, export.data_files, export_ms, export.item_count, export.has_manifest, export_ms)


def parse_files(spark, uris: Iterable[str], parse: Callable[[str, bytes], Iterable]):
    """RDD of everything parse(uri, file bytes) yields, one task per file, run on the executors."""
    files, env = list(uris), storage.driver_env()

    def file_values(uri: str):
        storage.use_env(env)
        return parse(uri, storage.read_bytes(uri))

    return spark.sparkContext.parallelize(files, len(files)).flatMap(file_values)
