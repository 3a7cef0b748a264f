"""`--key value` job arguments, identical on Glue and locally. Unknown arguments (Glue's own, such as
--JOB_NAME or --job-bookmark-option) are ignored; abbreviations are off so they never match ours."""
from __future__ import annotations

import argparse
from collections.abc import Sequence

COMMON = (
    ("--table_name", None, "source DynamoDB table name (required)"),
    ("--database", None, "Glue database / Iceberg namespace (required)"),
    ("--catalog_impl", "hadoop", "glue (GlueCatalog + S3FileIO) or hadoop (local folder catalog)"),
    ("--warehouse", None, "Iceberg warehouse: s3://…/warehouse/, file://… or a path (required)"),
    ("--key_schema", None, "key attributes, e.g. pk:S,sk:N or sk:N:decimal(38,6) (required)"),
    ("--declared_columns", "{}", 'JSON object of attribute → Athena type, e.g. {"price":"decimal(38,2)"}'),
    # Read by load_snapshot only (a compaction keeps the table's bucket count).
    ("--buckets", "16", "bucket(N, _key) partitions, used when the table is created"),
    ("--region", "", "AWS region for boto3 calls; empty means the environment's"),
)

TRUE = ("1", "true", "yes", "y", "on")


def as_bool(text: str | bool | None) -> bool:
    if isinstance(text, bool):
        return text
    return str(text or "").strip().lower() in TRUE


def parse(argv: Sequence[str], specific: Sequence[tuple[str, str | None, str]], description: str,
          required: Sequence[str] = ("table_name", "database", "warehouse", "key_schema")) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for flag, default, text in (*COMMON, *specific):
        parser.add_argument(flag, default=default, help=f"{text} (default: {default!r})" if default is not None else text)
    args, _unknown = parser.parse_known_args(list(argv))
    missing = [f"--{name}" for name in required if not getattr(args, name)]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    if args.catalog_impl not in ("glue", "hadoop"):
        parser.error("--catalog_impl must be glue or hadoop")
    return args
