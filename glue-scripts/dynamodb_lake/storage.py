"""Object access for s3:// (boto3; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL honoured with path-style
addressing, for emulators) and for file:// URIs or plain paths. Used on the driver and on executors."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class ObjectInfo:
    uri: str
    size: int
    mtime_ms: int


def is_s3(uri: str) -> bool:
    return uri.startswith(("s3://", "s3a://", "s3n://"))


def split_s3(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def local_path(uri: str) -> str:
    return unquote(urlparse(uri).path) if uri.startswith("file:") else uri


def endpoint_url() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


@cache
def s3_client():
    import boto3
    from botocore.config import Config

    endpoint = endpoint_url()
    config = Config(retries={"max_attempts": 10, "mode": "adaptive"},
                    s3={"addressing_style": "path"} if endpoint else {})
    return boto3.client("s3", endpoint_url=endpoint, config=config)


def join(base: str, *parts: str) -> str:
    out = base
    for part in parts:
        out = out.rstrip("/") + "/" + part.lstrip("/")
    return out


def list_objects(uri: str, start_after: str = "") -> list[ObjectInfo]:
    """Every object under uri, recursively, sorted by URI (folder markers skipped); with start_after, only
    those whose key relative to uri sorts after it (S3 StartAfter: the listing skips the keys before)."""
    if is_s3(uri):
        bucket, prefix = split_s3(uri)
        scheme = uri.split("://", 1)[0]
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        out = []
        options = {"StartAfter": prefix + start_after} if start_after else {}
        for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, **options):
            for obj in page.get("Contents", []):
                if not obj["Key"].endswith("/"):
                    out.append(ObjectInfo(f"{scheme}://{bucket}/{obj['Key']}", int(obj["Size"]),
                                          int(obj["LastModified"].timestamp() * 1000)))
        return sorted(out, key=lambda o: o.uri)
    root = local_path(uri).rstrip("/")
    prefix = "file://" if uri.startswith("file:") else ""
    out = []
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        # A folder whose every key sorts before start_after is not entered.
        dirs[:] = [d for d in dirs if f"{rel_folder}{d}/" >= start_after[:len(rel_folder) + len(d) + 1]]
        for name in files:
            if rel_folder + name <= start_after:
                continue
            path = os.path.join(folder, name)
            stat = os.stat(path)
            out.append(ObjectInfo(prefix + path, stat.st_size, int(stat.st_mtime * 1000)))
    return sorted(out, key=lambda o: o.uri)


def relative(base: str, uri: str) -> str:
    base_path = split_s3(base)[1] if is_s3(base) else local_path(base)
    path = split_s3(uri)[1] if is_s3(uri) else local_path(uri)
    base_path = base_path.rstrip("/") + "/" if base_path else ""
    if not path.startswith(base_path):
        raise ValueError(f"{uri} is not under {base}")
    return path[len(base_path):]


def read_bytes(uri: str) -> bytes:
    if is_s3(uri):
        bucket, key = split_s3(uri)
        return s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()
    with open(local_path(uri), "rb") as handle:
        return handle.read()


def exists(uri: str) -> bool:
    if is_s3(uri):
        # A listing, not HeadObject: without s3:ListBucket a missing key answers 403, not 404.
        bucket, key = split_s3(uri)
        page = s3_client().list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
        return any(obj["Key"] == key for obj in page.get("Contents", []))
    return os.path.exists(local_path(uri))


def write_bytes(uri: str, data: bytes) -> None:
    """Whole-object write; local writes go through a temp file + rename so readers never see half a file."""
    if is_s3(uri):
        bucket, key = split_s3(uri)
        s3_client().put_object(Bucket=bucket, Key=key, Body=data)
        return
    path = local_path(uri)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def copy(source: str, target: str) -> None:
    if is_s3(source) and is_s3(target):
        bucket, key = split_s3(source)
        target_bucket, target_key = split_s3(target)
        s3_client().copy_object(Bucket=target_bucket, Key=target_key, CopySource={"Bucket": bucket, "Key": key})
    elif not is_s3(source) and not is_s3(target):
        os.makedirs(os.path.dirname(local_path(target)) or ".", exist_ok=True)
        shutil.copyfile(local_path(source), local_path(target))
    else:
        write_bytes(target, read_bytes(source))


def delete(uri: str) -> None:
    if is_s3(uri):
        bucket, key = split_s3(uri)
        s3_client().delete_object(Bucket=bucket, Key=key)
    elif os.path.exists(local_path(uri)):
        os.remove(local_path(uri))


# Endpoint and region settings travel from the driver to executors with each task, so an emulator
# endpoint set after the Python workers started (or only on the driver) is still used. Credentials do
# not travel: executors use their own (the Glue job role, or the local environment).
_SHIPPED_ENV = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_REGION", "AWS_DEFAULT_REGION")


def driver_env() -> dict[str, str]:
    return {name: os.environ[name] for name in _SHIPPED_ENV if name in os.environ}


def use_env(env: dict[str, str]) -> None:
    changed = False
    for name in _SHIPPED_ENV:
        if os.environ.get(name) != env.get(name):
            changed = True
            if name in env:
                os.environ[name] = env[name]
            else:
                os.environ.pop(name, None)
    if changed:
        s3_client.cache_clear()
