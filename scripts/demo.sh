#!/usr/bin/env bash
# The local end-to-end demo: sets up what it needs (idempotent), then runs the
# whole pipeline on this machine against a local AWS emulator and local Spark.
# Flags: --items N, --ops N, --seed N, --no-freshness (passed through).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
./scripts/setup.sh
source "$ROOT/scripts/env.sh"
# exec: Ctrl-C reaches the demo itself, which stops everything it started.
exec node --import tsx local/demo/demo.ts "$@"
