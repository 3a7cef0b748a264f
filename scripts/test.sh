#!/usr/bin/env bash
# The one test command: set-up, lint, typecheck, TypeScript tests (unit, Pulumi
# mocks, IAM simulation, local end-to-end), Python tests (Glue scripts on local
# Spark + Iceberg, policy lint, view SQL on DuckDB). Exits non-zero on any failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh" || exit 1
source "$ROOT/scripts/env.sh"
mkdir -p .cache/reports
status=0
run() { local name="$1"; shift; local t0=$SECONDS; printf '\n=== %s\n' "$name"; "$@"; local rc=$?; printf '=== %s: %s in %ss\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")" "$((SECONDS - t0))"; [ $rc -eq 0 ] || status=1; }

run "lint" npx eslint --max-warnings 0 .
run "typecheck" npx tsc -p tsconfig.json --noEmit
run "python lint" ruff check
# Three runs: glue-scripts/tests and test/python each hold a conftest module, local/emulator/ a second moto_server.
run "python typecheck" bash -c 'mypy glue-scripts bench scripts && mypy local && mypy test/python'
# Line and branch coverage of the TypeScript sources: its table ends with the "all files" line; no threshold.
run "typescript tests" node --import tsx --test --test-concurrency=1 \
  --experimental-test-coverage --test-coverage-include="{infra,ops,functions,local}/**/*.ts" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=junit --test-reporter-destination=.cache/reports/node.xml \
  ${TEST_FILTER:+--test-name-pattern="$TEST_FILTER"} "test/**/*.test.ts"
run "python tests" python -m pytest -q -p no:cacheprovider --junitxml=.cache/reports/pytest.xml ${PYTEST_ARGS:-}
python scripts/summarize_reports.py .cache/reports/node.xml .cache/reports/pytest.xml || status=1
exit $status
