"""Synthetic exports and deltas for the Glue job benchmarks (realistic ~1 KB items, every type)."""
from __future__ import annotations

import gzip
import json
import os
import random
import string


def text(rng: random.Random, low: int, high: int) -> str:
    """Random words, so the export compresses like real data (about 3-4x), not like repeated letters."""
    return "".join(rng.choice(string.ascii_letters + "      ") for _ in range(rng.randint(low, high)))


def item(index: int, rng: random.Random, version: int = 0) -> dict:
    return {
        "pk": {"S": f"customer#{index:09d}"},
        "name": {"S": f"name {index} " + text(rng, 20, 120)},
        "balance": {"N": str(rng.randrange(10**37, 10**38))},
        "price": {"N": f"{rng.randint(0, 10**6)}.{rng.randint(0, 99):02d}"},
        "active": {"BOOL": rng.random() < 0.5},
        "tags": {"SS": [f"t{rng.randint(0, 50)}" for _ in range(3)][:2] + [f"v{version}"]},
        "scores": {"NS": [str(rng.randint(0, 1000)), str(rng.randint(1001, 2000))]},
        "avatar": {"B": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"},
        "address": {"M": {"street": {"S": text(rng, 5, 100)}, "zip": {"N": str(rng.randint(10000, 99999))},
                          "geo": {"L": [{"N": "52.5200066"}, {"N": "13.404954"}]}}},
        "notes": {"L": [{"S": text(rng, 50, 400)}, {"NULL": True}]},
        "version": {"N": str(version)},
    }


def write_export(root: str, export_id: str, count: int, files: int, seed: int = 1) -> tuple[str, int]:
    """Writes an export in the AWS layout; returns (directory, uncompressed bytes of the data lines)."""
    rng = random.Random(seed)
    directory = os.path.join(root, "AWSDynamoDB", export_id)
    os.makedirs(os.path.join(directory, "data"), exist_ok=True)
    raw_bytes, manifest = 0, []
    per_file = (count + files - 1) // files
    for number in range(files):
        lines = [json.dumps({"Item": item(i, rng)}, separators=(",", ":"))
                 for i in range(number * per_file, min(count, (number + 1) * per_file))]
        body = ("\n".join(lines) + "\n").encode()
        raw_bytes += len(body)
        name = f"data/{number:05d}.json.gz"
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(gzip.compress(body, compresslevel=6))
        manifest.append(json.dumps({"itemCount": len(lines), "dataFileS3Key": f"{export_id}/{name}"}))
    with open(os.path.join(directory, "manifest-files.json"), "w") as handle:
        handle.write("\n".join(manifest) + "\n")
    with open(os.path.join(directory, "manifest-summary.json"), "w") as handle:
        json.dump({"exportStatus": "COMPLETED", "exportTime": "2026-11-20T10:00:00Z", "itemCount": count}, handle)
    return directory, raw_bytes


def write_changes(path: str, keys: list[int], seq_start: int, seed: int = 2) -> None:
    """One delta file: updates of most keys, deletes of every tenth."""
    rng = random.Random(seed)
    lines = []
    for offset, index in enumerate(keys):
        seq = str(seq_start + offset).rjust(40, "0")
        keys_json = {"pk": {"S": f"customer#{index:09d}"}}
        op = "REMOVE" if offset % 10 == 9 else "MODIFY"
        lines.append(json.dumps({"v": 1, "table": "Bench", "op": op, "seq": seq, "ts_ms": 1_763_632_800_000 + offset,
                                 "event_id": f"e{seq[-12:]}", "ttl_delete": False, "keys": keys_json,
                                 "new_image": None if op == "REMOVE" else item(index, rng, version=1),
                                 "old_image": None}))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(("\n".join(lines) + "\n").encode()))
