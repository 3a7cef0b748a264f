#!/usr/bin/env bash
# The repair check: compares a lake's current view with a fresh export (or a
# scan) of its table and reports missing, extra and differing items; exit 1 on
# any difference. Arguments are glue-scripts/reconcile.py's (see its --help).
#   ./scripts/reconcile.sh [--endpoint http://127.0.0.1:PORT] --conf "<the job's Glue --conf value>" \
#       --table_name T --database D --catalog_impl glue --warehouse s3://<bucket>/warehouse/ \
#       --key_schema pk:S,sk:N (--export_uri s3://<bucket>/exports/T/ | --scan true)
# --endpoint points boto3 at a local emulator (moto) instead of AWS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [ "${1:-}" = "--endpoint" ]; then
  [ -n "${2:-}" ] || { echo "reconcile.sh: --endpoint needs a URL, e.g. http://127.0.0.1:5000" >&2; exit 2; }
  export AWS_ENDPOINT_URL="$2"
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
  export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
  shift 2
fi
# Glue applies the job's --conf (its Spark catalog settings) before the script starts; a local run
# hands the same value to the script's session this way (glue-scripts/dynamodb_lake/session.py).
previous=""
for arg in "$@"; do
  if [ "$previous" = "--conf" ]; then export DYNAMODB_LAKE_SPARK_CONF="$arg"; fi
  previous="$arg"
done
exec python "$ROOT/glue-scripts/reconcile.py" "$@"
